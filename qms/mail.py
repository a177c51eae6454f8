"""E-mail through the centre's own relay (SMTP_URL): incident alerts, the paper register's
morning list. Callers send from a short-lived thread or a background loop with this timeout,
so a slow or absent relay never holds up a request."""

import smtplib
from urllib.parse import parse_qs, unquote, urlsplit

SMTP_TIMEOUT = 10.0


def addresses(raw):
    """ "a@x, b@y; c@z" (or a list) → the addresses that look like addresses."""
    if isinstance(raw, list | tuple):
        raw = ",".join(raw)
    return [a.strip() for a in str(raw or "").replace(";", ",").split(",") if "@" in a]


def send_mail(url, message, to):
    """Send through the relay at url: smtp://[user:pass@]host[:25][?starttls=1] or smtps://…:465."""
    parts = urlsplit(url)
    host, port = parts.hostname or "localhost", parts.port
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(host, port or 465, timeout=SMTP_TIMEOUT)
    elif parts.scheme == "smtp":
        client = smtplib.SMTP(host, port or 25, timeout=SMTP_TIMEOUT)
    else:
        raise ValueError(f"SMTP_URL must start with smtp:// or smtps://, not {parts.scheme}://")
    with client:
        if parts.scheme == "smtp" and parse_qs(parts.query).get("starttls") == ["1"]:
            client.starttls()
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message, to_addrs=to)
