"""Who may take how many numbers: limits a client cannot dodge.

- per client address, always (a changed kiosk id or header changes nothing);
- per kiosk, only for a kiosk that proves who it is: the enrolled-kiosk cookie that an IT
  officer sets once on the kiosk's browser (signed with the app's secret key);
- a centre-wide ceiling per minute: a flood from many addresses still cannot empty the
  paper roll; staff see it at GET /issuing-limit and leadership can lift it for a while.
Staff issuing for a citizen ("override") is never limited.
"""

import threading
import time
from collections import deque

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from qms.errors import RateLimited
from qms.extensions import get_db
from qms.models import Setting
from qms.state import get_state
from qms.timeutil import iso, utcnow

KIOSK_COOKIE = "qms_kiosk"
CEILING_KEY = "issuing.ceiling"


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="qms-kiosk-enrolment")


def enrolment_cookie(kiosk_id):
    return _serializer().dumps({"kiosk": kiosk_id})


def enrolled_kiosk():
    """The kiosk id this browser was enrolled as, or None."""
    if "HTTP_COOKIE" not in request.environ:  # most kiosks of a centre are not enrolled
        return None
    raw = request.cookies.get(KIOSK_COOKIE)
    if not raw:
        return None
    try:
        value = _serializer().loads(raw)
    except BadSignature:
        return None
    kiosk = value.get("kiosk") if isinstance(value, dict) else None
    return kiosk if isinstance(kiosk, str) and 0 < len(kiosk) <= 40 else None


class Ceiling:
    """A sliding one-minute count of every anonymous ticket of this process."""

    def __init__(self):
        self._times = deque()
        self._lock = threading.Lock()

    def used(self, now=None):
        now = time.monotonic() if now is None else now
        with self._lock:
            while self._times and self._times[0] <= now - 60:
                self._times.popleft()
            return len(self._times)

    def hit(self, per_minute, now=None):
        now = time.monotonic() if now is None else now
        with self._lock:
            while self._times and self._times[0] <= now - 60:
                self._times.popleft()
            if per_minute and len(self._times) >= per_minute:
                retry = max(1, int(self._times[0] + 60 - now) + 1)
                raise RateLimited(
                    "Hệ thống đang nhận quá nhiều yêu cầu lấy số, xin quý vị chờ giây lát "
                    "hoặc liên hệ cán bộ tại quầy. Too many tickets at once: please wait.",
                    "centre_busy",
                    retry_after=retry,
                )
            self._times.append(now)


def ceiling_setting(s):
    row = s.get(Setting, CEILING_KEY)
    value = dict(row.value) if row is not None else {}
    per_minute = int(value.get("per_minute") or current_app.config["ISSUE_CEILING_PER_MINUTE"])
    lifted_until = value.get("lifted_until")
    return per_minute, lifted_until


def _cached_ceiling():
    # read once per change (qms/cache.py): the issuing path does not open a read per ticket
    def read():
        with get_db().read() as s:
            return ceiling_setting(s)

    return get_state().cache.get("issue-ceiling", read, 5.0, kind="setup")


def admit(address, kiosk=None):
    """Count one anonymous ticket; raise RateLimited (429) when a limit is reached."""
    state = get_state()
    state.address_limiter.hit(("address", address))
    if kiosk is not None:
        state.kiosk_limiter.hit(("kiosk", kiosk))
    per_minute, lifted_until = _cached_ceiling()
    if lifted_until and lifted_until > iso(utcnow()):
        per_minute = 0
    state.ceiling.hit(per_minute)


def ceiling_status(s):
    per_minute, lifted_until = ceiling_setting(s)
    lifted = bool(lifted_until and lifted_until > iso(utcnow()))
    return {
        "per_minute": per_minute,
        "used_last_minute": get_state().ceiling.used(),
        "lifted_until": lifted_until if lifted else None,
    }
