"""Defaults, overridden by QMS_* environment variables, then by the config a caller passes."""

import os
import secrets
from pathlib import Path

DEFAULTS = {
    # --- where things are ---------------------------------------------------------------
    "DATA_DIR": "./var",  # SQLite file, generated secret key, the centre's own voice, attachments
    "DATABASE_URL": None,  # default: sqlite file in DATA_DIR; postgresql://… for larger sites
    "SPEECH_DIR": None,  # the centre's own voice; default DATA_DIR/speech
    "AUTO_MIGRATE": False,  # create_app upgrades the database itself (tests, `qms serve`)
    "LOG_LEVEL": "INFO",  # Python logging level of the app
    # --- serving --------------------------------------------------------------------------
    "HOST": "0.0.0.0",  # where `qms serve` listens
    "PORT": 8080,  # … and on which port
    "SERVE_THREADS": 512,  # one thread per open websocket (displays, kiosks, counters, phones)
    "SERVE_WORKERS": 1,  # processes of `qms serve`; more than one needs MESSAGE_QUEUE
    "SERVE_WORKER_CLASS": "gthread",  # gthread (a thread per websocket) | gevent
    "SERVE_GREENLETS": 4096,  # gevent: open connections per process (greenlets are cheap)
    "HTTP_RESERVED_THREADS": 64,  # threads sockets may never take: HTTP always answers
    "PROXY_HOPS": 0,  # reverse proxies in front (deploy/nginx.conf: 1); trusts X-Forwarded-*
    "SOCKETS_PER_ADDRESS": 32,  # open Socket.IO connections per client address
    "START_BACKGROUND": False,  # `qms serve` turns this on: probe, print worker, housekeeping
    "MESSAGE_QUEUE": None,  # redis:// URL when several processes serve one site
    "MESSAGE_QUEUE_CHANNEL": "qms",  # the Redis channel prefix of one site (several sites, one Redis)
    "READ_CACHE_SECONDS": 2.0,  # longest a cached board is served (changes drop it at once)
    "SOCKET_ORIGINS": None,  # extra origins allowed to open Socket.IO (default: same origin)
    "PUBLIC_BASE_URL": None,  # base of QR tracking links; default: the request's host
    "MAX_CONTENT_LENGTH": 64 * 1024,  # bytes per request body (attachments have their own cap)
    "DISK_LOW_MB": 200,  # free MB on the data disk below which an incident opens
    "DISK_CHECK_SECONDS": 30,  # how often `qms serve` looks at the free space
    # --- the centre -----------------------------------------------------------------------
    "TIMEZONE": "Asia/Ho_Chi_Minh",  # the local day that numbers reset on
    "CENTRE_NAME": "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",  # printed on tickets and reports
    "COMMUNE_NAME": "XÃ TÂN KỲ",  # … and the commune
    "HOTLINE": "1900 0000",  # printed on tickets
    # the centre's own settings (admin page /admin/centre, stored in the database, which wins;
    # these are the defaults): CENTRE_NAME, COMMUNE_NAME, HOTLINE above and these
    "CENTRE_ADDRESS": "",  # street address, on the kiosk and reports
    "PROVINCE_CENTRE_NAME": "Trung tâm Phục vụ hành chính công tỉnh",  # where reports go
    "KIOSK_WELCOME": "Xin mời quý vị chọn lĩnh vực cần giải quyết",  # the kiosk's first line
    "KIOSK_FOOTER": "",  # a line at the foot of the kiosk (e.g. opening hours), empty = none
    # --- queue ----------------------------------------------------------------------------
    "PRIORITY_POLICY": "strict",  # strict | ratio
    "PRIORITY_RATIO": 3,  # ratio policy: one normal ticket after this many priority ones
    "DEFAULT_SERVICE_MINUTES": 6,  # estimate before the day has its own service times
    "KIOSK_RATE_LIMIT": "12/60",  # tickets per seconds per enrolled kiosk
    "ADDRESS_RATE_LIMIT": "12/60",  # tickets per seconds per client address, always
    "ISSUE_CEILING_PER_MINUTE": 120,  # anonymous tickets per minute, centre-wide (0 = none)
    "COUNTER_KEYS": None,  # counter page key map overrides (dict or JSON), see pages/counter
    "COUNTER_HOLD_SECONDS": 90,  # an officer holds a counter this long after the page last renewed
    # --- the kiosk page --------------------------------------------------
    "KIOSK_RETURN_SECONDS": 10,  # the ticket screen returns to the start after the paper printed
    "KIOSK_SCREEN_TICKET_SECONDS": 30,  # … and after this long when the screen is the only ticket
    "KIOSK_IDLE_SECONDS": 60,  # a half-finished choice goes back to the start after this long
    "KIOSK_ELDERLY_AGE": 60,  # CCCD scanned: this age or older selects the elderly priority
    # --- staff accounts -------------------------------------------------------------------
    "LOGIN_RATE_LIMIT": "10/60",  # login attempts per seconds per client address
    "TOKEN_HOURS": 12,  # lifetime of API tokens and browser sessions
    # --- the spoken call ------------------------------------------------------------------
    "ANNOUNCE_TEMPLATE": "Mời công dân có số thứ tự {code} đến quầy số {counter}",  # sentence
    "ANNOUNCE_NUMBERS": "cardinal",  # cardinal | digits
    "ANNOUNCE_REPEAT": 2,  # times the sentence is said per call
    # --- printing (devices) ---------------------------------------------------------------
    "PRINTER": None,  # printer URL; unset means tickets are shown on screen only
    "PRINTER_PROFILE": "80mm",  # 80mm | 58mm paper
    "PRINT_JOB_TTL": 120,  # seconds: after that the citizen has left with the on-screen ticket
    "PRINTER_STATUS_INTERVAL": 15,  # seconds between DLE EOT polls while idle
    "PRINTER_RETRY_POLL": 3,  # … and while the printer is failed and jobs wait
    "PRINTER_STATUS_TIMEOUT": 1.0,  # seconds per status byte
    "PRINTER_REQUIRE_STATUS": False,  # true: a printer that never answers DLE EOT is offline
    "AGENT_SEEN_SECONDS": 86400,  # a kiosk whose agent said hello within this is served by it
    "AGENT_OFFLINE_SECONDS": 90,  # agent silent this long → its printer counts as offline
    "AGENT_CLAIM_TIMEOUT": 30,  # seconds before an unacknowledged claim is offered again
    "PRINTER_SILENT_SECONDS": 60,  # a printer that never answers DLE EOT this long: state unknown
    # --- counter devices: call buttons, LED boards, rating pads, page heartbeats ---------
    "MQTT_URL": None,  # mqtt://host:1883: buttons, LED boards, rating pads over MQTT; unset: off
    "MQTT_PREFIX": "hcc",  # topics <prefix>/counter/<n>/button|display|rating|error|status
    "DEVICE_PRESS_MAX_AGE": 10,  # seconds: a press buffered longer (network loss) is dropped
    "HEARTBEAT_INTERVAL": 30,  # seconds between heartbeats of kiosk, display and counter pages
    "HEARTBEAT_OFFLINE_SECONDS": 90,  # a page or counter device silent this long is offline
    "HEARTBEAT_MAX_DEVICES": 300,  # distinct page heartbeats kept (the route is public)
    # --- fallback (QMS 1.2) ---------------------------------------------------------------
    "PRIMARY_URL": None,  # QMS 1.2 health URL; unset means standalone
    "PRIMARY_PROBE_INTERVAL": 3.0,  # seconds between probe starts
    "PRIMARY_PROBE_TIMEOUT": 3.0,  # seconds per probe
    "PRIMARY_PROBE_KIND": "auto",  # auto (by URL scheme: http(s) or tcp://host:port) | tcp
    "PRIMARY_EXPECT_STATUS": "2xx",  # e.g. "200" or "200,204" or "2xx,3xx"
    "PRIMARY_FAIL_THRESHOLD": 3,  # consecutive failures → primary down (≤ 15 s by default)
    "PRIMARY_RECOVER_THRESHOLD": 5,  # consecutive successes → primary back …
    "PRIMARY_RECOVER_SECONDS": 15.0,  # … spanning at least this long (no flapping)
    "TAKEOVER": "auto",  # auto | ask (leadership confirms on /admin/fallback)
    "FALLBACK_SERIES": "continue",  # continue | offset:N (local numbers start above N)
    "FALLBACK_ADOPT_MAX": 999,  # numbers per adoption
    # --- incidents ------------------------------------------------------------------------
    "INCIDENT_PAPER_AFTER_MINUTES": 30,  # suggest paper reception after this long
    "INCIDENT_DEVICE_TYPES": {},  # device prefix → incident type code overrides
    "INCIDENT_REPORT_PLACE": None,  # place in the report's date line; default from COMMUNE_NAME
    "INCIDENT_ATTACHMENT_MAX_BYTES": 3 * 1024 * 1024,  # per attachment
    # --- ratings and reports -------------------------------------------
    "RATING_SCALE": None,  # [{"score", "label", "label_en"?}] best first; None = the 3 levels of QĐ 766
    "RATING_REASONS": None,  # [{"code", "label", "label_en"?}] asked at the lowest level; None = default 4
    "RATING_WINDOW_MINUTES": 30,  # a ticket can be rated this long after it was finished
    "RATING_PAGE_AWAKE_SECONDS": 60,  # the counter-side rating tablet sleeps again after this
    "REPORT_TARGET_WAIT_MINUTES": 15,  # reports: share of citizens called within this wait
    "SMTP_URL": None,  # the centre's mail relay: smtp://host:25, smtps://user:pass@host:465
    "MAIL_FROM": "hcc-queue@localhost",  # sender of the alert e-mails
    "INCIDENT_ALERT_EMAILS": "",  # comma-separated: IT and leadership, e-mailed on a new incident
    "PAPER_DIGEST_EMAILS": "",  # the paper register's morning list (default: INCIDENT_ALERT_EMAILS)
    "PAPER_DIGEST_AT": "07:30",  # when it goes out, the centre's time, on the days it opens
    "DRILL_MAX_MINUTES": 60,  # a drill left running longer stops marking incidents as drills
    # --- paper dossiers --------------------------------------------------------
    "PAPER_RETENTION_DAYS": 365,  # `qms purge` blanks names/phones of dossiers closed this long
    "PAPER_DUE_DAYS": 3,  # default appointment: this many days after receipt (slip, form)
    # --- screens: TV, counter page -----------------------------
    "DISPLAY_MEDIA_MAX_BYTES": 300 * 1024 * 1024,  # per guidance video or picture for the TV
    "DISPLAY_IMAGE_SECONDS": 12,  # how long the TV shows each guidance picture
    # --- province federation ---------------------------------
    "ROLE": "centre",  # centre | province: a province instance receives every centre's records
    "PROVINCE_URL": None,  # a centre: the province instance's base URL; unset = sends nothing
    "PROVINCE_TOKEN": None,  # a centre: its token, printed once by `qms centre add` there
    "FEDERATION_BATCH": 50,  # records per POST to the province (at most 100)
    "FEDERATION_SNAPSHOT_SECONDS": 10,  # queue changes coalesce into one snapshot this often
    "FEDERATION_HEARTBEAT_SECONDS": 60,  # nothing to send: an empty POST says "still here"
    "FEDERATION_FIGURES_SECONDS": 600,  # today's running figures re-sent this often if changed
    "FEDERATION_RETRY_MAX_SECONDS": 300,  # back-off ceiling while the province is unreachable
    "FEDERATION_TIMEOUT": 10,  # seconds per POST to the province
    "FEDERATION_KEEP_DAYS": 30,  # acknowledged records stay this long in the outbox
    "PROVINCE_SILENT_MINUTES": 15,  # the province page flags a centre silent longer than this
    # --- Flask and its extensions ---------------------------------------------------------
    "SECRET_KEY": None,  # default: generated once into DATA_DIR/secret_key, never a constant
    "WTF_CSRF_TIME_LIMIT": None,  # CSRF tokens live as long as the session
    "SESSION_COOKIE_HTTPONLY": True,  # scripts never read the session cookie
    "SESSION_COOKIE_SAMESITE": "Lax",  # no cross-site form posts with the session
}


def load_config(app, overrides=None):
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("QMS")
    if overrides:
        app.config.update(overrides)
    data_dir = Path(app.config["DATA_DIR"]).resolve()
    app.config["DATA_DIR"] = str(data_dir)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{data_dir / 'qms.sqlite3'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(data_dir)


def _secret_key(data_dir):
    """The key lives beside the database so sessions survive restarts; never a default."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if not path.exists():
        # write aside then link: several processes starting at once agree on one key
        tmp = data_dir / f".secret_key.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def parse_rate(text):
    """'12/60' → (12, 60.0): at most 12 events per 60 seconds."""
    count, _, seconds = str(text).partition("/")
    return int(count), float(seconds or 60)
