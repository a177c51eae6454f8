"""When an incident is reported, IT and leadership hear of it: the staff pages get the Socket.IO
"incident" event (qms/static/staff-alerts.js sounds and shows it), and, when the centre has a
mail relay (SMTP_URL) and INCIDENT_ALERT_EMAILS, an e-mail goes out.

The e-mail is sent from a short-lived thread with a timeout: a slow or absent relay never holds
up the officer who reported, nor the probe that opened the incident."""

import logging
import threading
from email.message import EmailMessage

from flask import current_app, has_request_context, request

from qms.mail import addresses, send_mail

log = logging.getLogger(__name__)


def recipients(config):
    return addresses(config.get("INCIDENT_ALERT_EMAILS"))


def alert_message(incident, config, base_url=""):
    kind = incident["type"]
    drill = "[DIỄN TẬP] " if incident.get("is_drill") else ""
    message = EmailMessage()
    message["Subject"] = f"{drill}Sự cố {kind['code']} {kind['title']} – {config['CENTRE_NAME']}"
    message["From"] = config["MAIL_FROM"]
    lines = [
        f"{config['CENTRE_NAME']} {config['COMMUNE_NAME']}",
        "",
        f"Sự cố: {kind['code']}. {kind['title']} ({'phức tạp' if kind['category'] == 'complex' else 'đơn giản'})",
        f"Thời điểm xảy ra: {_vn(incident['occurred_at'])}",
        f"Người báo: {incident['reporter']['name']}",
    ]
    if incident.get("scope"):
        lines.append(f"Phạm vi: {incident['scope']}")
    if incident.get("description"):
        lines += ["", incident["description"]]
    contacts = [
        c["name"] + (f": {c['phone']}" if c.get("phone") else "")
        for c in kind.get("contacts") or []
    ]
    if contacts:
        lines += ["", "Liên hệ theo phương án:"] + [f"- {c}" for c in contacts]
    if base_url:
        lines += ["", f"Xem và xử lý: {base_url}/incidents/{incident['id']}"]
    lines += ["", "Thư tự động từ hệ thống xếp hàng HCC Queue."]
    message.set_content("\n".join(lines), cte="quoted-printable")  # 7-bit safe on any relay
    return message


def public_base(config):
    """Where staff open the incident: PUBLIC_BASE_URL, else the host the reporter used."""
    if config.get("PUBLIC_BASE_URL"):
        return config["PUBLIC_BASE_URL"].rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else ""


def _vn(iso_text):
    return f"{iso_text[8:10]}/{iso_text[5:7]}/{iso_text[:4]} {iso_text[11:16]}" if iso_text else ""


def on_incident_changed(incident, action, **_):
    """incident_changed receiver: e-mail IT and leadership about a newly reported incident."""
    if action != "reported":
        return None
    config = current_app.config
    url, to = config.get("SMTP_URL"), recipients(config)
    if not url or not to:
        return None
    message = alert_message(incident, config, public_base(config))
    message["To"] = ", ".join(to)

    def deliver():
        try:
            send_mail(url, message, to)
        except Exception:  # the relay is down too: the staff pages still heard the alert
            log.exception("incident %s: alert e-mail not sent", incident["id"])

    thread = threading.Thread(target=deliver, name=f"incident-mail-{incident['id']}", daemon=True)
    thread.start()
    return {"mailed": to}
