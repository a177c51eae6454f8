"""The `qms` CLI through app.test_cli_runner()."""

import io
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from qms.auth.models import User


@pytest.fixture
def fresh_app(tmp_path):
    """An app on an empty database: `qms init` has not run yet."""
    from qms import create_app

    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "fresh")})
    yield app
    app.extensions["qms"].db.dispose()


def test_init_creates_schema_demo_and_one_admin_once(fresh_app):
    runner = fresh_app.test_cli_runner()
    first = runner.invoke(args=["init", "--demo"])
    assert first.exit_code == 0, first.output
    assert "Demo services and counters created." in first.output
    assert "password:" in first.output
    password = first.output.split("password:", 1)[1].split()[0]
    assert len(password) >= 12
    with fresh_app.app_context():
        from qms.auth.operations import authenticate
        from qms.queue.queries import counters_list, services_list

        admin = authenticate("admin", password)
        assert (admin["role"], admin["must_change_password"]) == ("admin", True)
        assert [s["code"] for s in services_list()] == list("ABCDEFGHT")
        assert len(counters_list()) == 4
    # the printed password is one-time: the first login must replace it
    client = fresh_app.test_client()
    body = {"username": "admin", "password": password}
    refused = client.post("/api/v1/auth/token", json=body)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (
        403,
        "password_change_required",
    )
    changed = client.post("/api/v1/auth/token", json={**body, "new_password": "Quan-tri-moi-2026"})
    assert changed.status_code == 201, changed.get_json()
    again = runner.invoke(args=["init", "--demo"])
    assert again.exit_code == 0
    assert "password:" not in again.output  # printed once, never again
    assert "Demo services" not in again.output
    with fresh_app.app_context(), fresh_app.extensions["qms"].db.read() as s:
        assert [u.username for u in s.scalars(select(User))] == ["admin"]


def test_serve_refuses_an_uninitialised_database(fresh_app):
    result = fresh_app.test_cli_runner().invoke(args=["serve", "--port", "1"])
    assert result.exit_code == 2
    assert "qms init" in result.output


def test_user_add_with_password_and_prompt(app, runner):
    from qms.auth.operations import authenticate

    result = runner.invoke(
        args=["user", "add", "hoa", "--role", "officer", "--password", "secret-pass-1"]
    )
    assert result.exit_code == 0, result.output
    assert authenticate("hoa", "secret-pass-1")["role"] == "officer"
    prompted = runner.invoke(
        args=["user", "add", "minh", "--role", "it"], input="another-pass-2\nanother-pass-2\n"
    )
    assert prompted.exit_code == 0, prompted.output
    assert authenticate("minh", "another-pass-2")["role"] == "it"
    listed = runner.invoke(args=["user", "list"])
    assert "hoa" in listed.output and "minh" in listed.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["user", "add", "x", "--role", "officer", "--password", "short"], "ít nhất"),
        (["user", "add", "x", "--role", "boss", "--password", "long-enough-1"], "Invalid value"),
    ],
)
def test_user_add_rejects_bad_input(app, runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output


def test_user_add_duplicate(app, runner):
    runner.invoke(args=["user", "add", "lan", "--role", "officer", "--password", "secret-pass-1"])
    again = runner.invoke(
        args=["user", "add", "lan", "--role", "officer", "--password", "secret-pass-1"]
    )
    assert again.exit_code != 0
    assert "đã có người dùng" in again.output


def test_passwd_changes_password(app, runner, create_user):
    from qms.auth.operations import authenticate

    user = create_user("officer", username="tam")
    result = runner.invoke(args=["user", "passwd", "tam", "--password", "brand-new-pass-9"])
    assert result.exit_code == 0
    assert authenticate("tam", user["password"]) is None
    assert authenticate("tam", "brand-new-pass-9")


def test_backup_archive_restores_database_attachments_key_and_voice(
    app, runner, issue, tmp_path, db_backend, client, officer
):
    if db_backend != "sqlite":
        pytest.skip("the archive's database copy is for the embedded SQLite database")
    from qms import create_app

    data_dir = Path(app.config["DATA_DIR"])
    issue("A")
    issue("B")
    incident = client.post(
        "/api/v1/incidents",
        json={"type": "2.1", "description": "Máy in kẹt giấy"},
        headers=officer["headers"],
    ).get_json()
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    upload = client.post(
        f"/api/v1/incidents/{incident['id']}/attachments",
        data={"file": (io.BytesIO(png), "man-hinh.png")},
        headers=officer["headers"],
        content_type="multipart/form-data",
    )
    assert upload.status_code == 201, upload.get_json()
    (data_dir / "speech").mkdir(exist_ok=True)
    (data_dir / "speech" / "chime.wav").write_bytes(b"RIFF-own-voice")

    target = tmp_path / "backups" / "qms-backup.tar.gz"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    # a new, empty machine: restore, then the app finds everything where it was
    fresh_dir = tmp_path / "restored"
    fresh = create_app({"DATA_DIR": str(fresh_dir), "TESTING": True})
    with fresh.app_context():  # the test's own app context must not answer for it
        restored = fresh.test_cli_runner().invoke(args=["restore", str(target)])
    assert restored.exit_code == 0, restored.output
    fresh.extensions["qms"].board.close()
    fresh.extensions["qms"].db.dispose()
    again = create_app({"DATA_DIR": str(fresh_dir), "TESTING": True})
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]
    assert (fresh_dir / "speech" / "chime.wav").read_bytes() == b"RIFF-own-voice"
    con = sqlite3.connect(fresh_dir / "qms.sqlite3")
    try:
        codes = sorted(row[0] for row in con.execute("SELECT code FROM tickets"))
    finally:
        con.close()
    assert codes == ["A001", "B001"]
    token = officer["headers"]
    with again.app_context():
        served = again.test_client().get(
            f"/api/v1/incidents/{incident['id']}/attachments/{upload.get_json()['id']}",
            headers=token,
        )
        body = served.data
        served.close()  # the attachment is streamed from its file
    assert (served.status_code, body) == (200, png)
    again.extensions["qms"].board.close()
    again.extensions["qms"].db.dispose()


def test_restore_refuses_a_damaged_archive_and_an_existing_database(app, runner, tmp_path):
    target = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    refused = runner.invoke(args=["restore", str(target)])  # the app's own database exists
    assert refused.exit_code == 1
    assert "--force" in refused.output
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(target.read_bytes()[:-200])
    broken = runner.invoke(args=["restore", "--force", str(damaged)])
    assert broken.exit_code == 1
    assert "hỏng" in broken.output and "Traceback" not in broken.output


@pytest.mark.parametrize("path", ["/proc/version", "/proc/nonexistent/x.tar.gz"])
def test_backup_to_an_unwritable_place_says_why(runner, path):
    result = runner.invoke(args=["backup", path])
    assert result.exit_code == 1
    assert "Không sao lưu được" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


FAKE_TTS = """
import math, struct, sys, wave
out = sys.argv[sys.argv.index("--out") + 1]
with wave.open(out, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
    w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 9))) for i in range(6000)))
"""


def test_speech_generate_with_any_engine_then_served(app, runner, client, tmp_path):
    import sys

    engine = tmp_path / "fake_tts.py"
    engine.write_text(FAKE_TTS)
    assert runner.invoke(args=["speech", "check"]).exit_code == 0  # the bundled voice is complete
    result = runner.invoke(
        args=[
            "speech",
            "generate",
            "--engine-cmd",
            f"{sys.executable} {engine} --out {{out}} {{text}}",
        ]
    )
    assert result.exit_code == 0, result.output
    own = tmp_path / "data" / "speech"
    assert (own / "chime.wav").exists() and (own / "manifest.json").exists()
    with client.get("/speech/chime.wav") as served:
        assert served.status_code == 200 and served.data == (own / "chime.wav").read_bytes()
    (own / "chime.wav").unlink()
    check = runner.invoke(args=["speech", "check"])
    assert check.exit_code != 0 and "chime" in check.output
