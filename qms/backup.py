"""One archive that is a whole backup: the database, attachments, the secret key, the voice.

`qms backup PATH` writes a tar archive (mode 0600) holding an online copy of the SQLite
database (SQLite's backup API: consistent while the server runs), every other file of
DATA_DIR (incident attachments, the centre's own voice, uploaded media, the secret key that
keeps sessions and kiosk enrolments valid) and a manifest with each file's SHA-256.
`qms restore ARCHIVE` checks the manifest and the database's integrity before it puts
anything in place. PostgreSQL sites back their database up with pg_dump; the archive then
carries the files only, and says so.
"""

import contextlib
import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from pathlib import Path

from qms.timeutil import iso, utcnow

DB_NAME = "qms.sqlite3"
MANIFEST = "manifest.json"
# the live database and its journals travel as the consistent copy, never as files
SKIP = {DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal", "running.pid"}


class BackupError(Exception):
    """A backup or restore that cannot be made: the message says why, in plain words."""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _data_files(data_dir):
    for path in sorted(Path(data_dir).rglob("*")):
        rel = path.relative_to(data_dir)
        hidden = rel.parts[0].startswith(".") or rel.suffix == ".tmp"
        if path.is_file() and not path.is_symlink() and rel.name not in SKIP and not hidden:
            yield rel, path


def write_backup(db, data_dir, target, version):
    """The archive at target (0600); returns the manifest."""
    target = Path(target)
    if target.exists() and not target.is_file():
        raise BackupError(f"{target} không phải là một tệp. {target} is not a regular file.")
    parent = target.parent if str(target.parent) else Path(".")
    with contextlib.suppress(OSError):  # said just below, in words
        parent.mkdir(parents=True, exist_ok=True)
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise BackupError(f"Không ghi được vào thư mục {parent}. Cannot write into {parent}.")
    manifest = {"version": version, "created_at": iso(utcnow()), "database": None, "files": {}}
    with tempfile.TemporaryDirectory(prefix="qms-backup-") as tmp:
        members = []
        if db.is_sqlite:
            copy = Path(tmp) / DB_NAME
            db.backup_sqlite(copy)
            manifest["database"] = {"name": DB_NAME, "sha256": _sha256(copy)}
            members.append((DB_NAME, copy))
        else:
            manifest["database"] = {"external": "postgresql: back it up with pg_dump"}
        for rel, path in _data_files(data_dir):
            manifest["files"][str(rel)] = _sha256(path)
            members.append((str(rel), path))
        partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(body), 0o600
                tar.addfile(info, io.BytesIO(body))
                for name, path in members:
                    tar.add(path, arcname=name, recursive=False)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    os.chmod(target, 0o600)
    return manifest


def _safe_members(tar):
    for member in tar.getmembers():
        name = Path(member.name)
        if not member.isfile() or name.is_absolute() or ".." in name.parts:
            raise BackupError(f"Tệp sao lưu có mục không an toàn: {member.name}. Unsafe entry.")
        yield member


def read_backup(archive):
    """(manifest, {name: bytes}) after checking every file against the manifest."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu {archive}. No such backup file.")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            contents = {m.name: tar.extractfile(m).read() for m in _safe_members(tar)}
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"Tệp sao lưu hỏng hoặc không đúng định dạng: {exc}") from None
    if MANIFEST not in contents:
        raise BackupError("Tệp sao lưu thiếu manifest.json. Not a HCC Queue backup.")
    manifest = json.loads(contents.pop(MANIFEST))
    expected = dict(manifest["files"])
    database = manifest.get("database") or {}
    if database.get("name"):
        expected[database["name"]] = database["sha256"]
    if set(expected) != set(contents):
        raise BackupError("Tệp sao lưu không khớp manifest. Archive and manifest disagree.")
    for name, digest in expected.items():
        if hashlib.sha256(contents[name]).hexdigest() != digest:
            raise BackupError(f"Tệp {name} bị hỏng (sai SHA-256). {name} is corrupted.")
    return manifest, contents


def check_sqlite(data):
    """PRAGMA integrity_check on a database image; raises BackupError unless it says ok."""
    with tempfile.TemporaryDirectory(prefix="qms-restore-") as tmp:
        path = Path(tmp) / DB_NAME
        path.write_bytes(data)
        conn = sqlite3.connect(path)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"Cơ sở dữ liệu trong bản sao lưu hỏng: {exc}") from None
        finally:
            conn.close()
    if result != "ok":
        raise BackupError(f"Cơ sở dữ liệu trong bản sao lưu hỏng: {result}")


def restore_backup(archive, data_dir, force=False):
    """Put a checked archive into data_dir; returns the manifest. The server must be stopped."""
    data_dir = Path(data_dir)
    manifest, contents = read_backup(archive)
    database = manifest.get("database") or {}
    if database.get("name"):
        check_sqlite(contents[database["name"]])
    pid = data_dir / "running.pid"
    if pid.exists() and _alive(pid):
        raise BackupError("Máy chủ đang chạy: hãy dừng `qms serve` trước khi khôi phục.")
    if (data_dir / DB_NAME).exists() and not force:
        raise BackupError(
            f"{data_dir / DB_NAME} đã có dữ liệu: thêm --force để thay bằng bản sao lưu."
        )
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    for suffix in ("-wal", "-shm", "-journal"):
        (data_dir / f"{DB_NAME}{suffix}").unlink(missing_ok=True)
    for name, data in contents.items():
        target = data_dir / name
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = target.with_name(f".{target.name}.restore.tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, target)
    return manifest


def _alive(pid_file):
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (ValueError, OSError):
        return False
    return pid != os.getpid()
