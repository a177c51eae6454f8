"""The paper register's morning e-mail (qms/paper/digest.py), through a real local SMTP relay:
overdue dossiers and call-backs due, codes and procedures only, once a day, on working days."""

from email import message_from_string, policy

import pytest

from qms.liveserver import free_port
from qms.paper.digest import send_if_due
from tests.relay import Relay

pytestmark = pytest.mark.storage

OFFICE_WEEK = {
    "weekly": {
        **{
            d: [["07:30", "11:30"], ["13:30", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")
        },
        "sat": [],
        "sun": [],
    },
    "holidays": [],
    "cutoff_minutes": 15,
}
# 2026-11-23 is a Monday


@pytest.fixture
def relay(app):
    pytest.importorskip("aiosmtpd")
    with Relay() as relay:
        app.config.update(
            SMTP_URL=f"smtp://127.0.0.1:{relay.port}",
            PAPER_DIGEST_EMAILS="motcua@tanky.gov.vn; giamdoc@tanky.gov.vn",
            MAIL_FROM="hcc-queue@tanky.gov.vn",
            PUBLIC_BASE_URL="https://hcc.tanky.gov.vn",
        )
        yield relay


def _mails(relay):
    return [(to, message_from_string(raw, policy=policy.default)) for to, raw in relay.messages]


def test_the_morning_list_names_what_is_overdue_without_personal_data(
    app, client, officer, receive, clock, relay, issue
):
    clock("2026-11-20T09:00:00")
    late = receive(
        citizen_name="Trần Thị Mai",
        phone="0912345678",
        procedure="Chứng thực bản sao",
        appointment_date="2026-11-21",
    )
    receive(procedure="Đăng ký kết hôn", appointment_date="2026-11-30")  # not due yet
    done = receive(procedure="Cấp bản sao trích lục", appointment_date="2026-11-21")
    for step, body in (("entered", {"official_code": "X-9"}), ("returned", None)):
        answer = client.post(
            f"/api/v1/paper-dossiers/{done['id']}/{step}", json=body, headers=officer["headers"]
        )
        assert answer.status_code == 200, answer.get_json()
    receive(procedure="Diễn tập", appointment_date="2026-11-21", is_drill=True)
    ticket = issue("F", priority="elderly")
    case = client.post(
        "/api/v1/assisted",
        json={"citizen_name": "Cụ Phạm Văn Dũng", "phone": "0987654321", "ticket": ticket["code"]},
        headers=officer["headers"],
    ).get_json()
    client.post(f"/api/v1/assisted/{case['id']}/result-ready", headers=officer["headers"])

    with app.app_context():
        clock("2026-11-23T07:00:00")
        assert send_if_due() == "not yet"
        clock("2026-11-23T07:45:00")
        assert send_if_due() == "sent"
        assert relay.arrived.wait(10)
        assert send_if_due() == "sent already"  # a second pass, a restart: never twice a day
    [(to, mail)] = _mails(relay)
    assert to == ["motcua@tanky.gov.vn", "giamdoc@tanky.gov.vn"]
    body = mail.get_content()
    assert mail["Subject"].startswith("Hồ sơ giấy cần xử lý ngày 23/11/2026: 1 quá hạn hẹn, 1")
    assert f"- {late['code']}: Chứng thực bản sao (hẹn 21/11/2026;" in body
    assert f"- {ticket['code']} (có kết quả 20/11/2026 09:00)" in body
    assert "https://hcc.tanky.gov.vn/paper" in body
    for hidden in ("Trần Thị Mai", "0912345678", "Phạm Văn Dũng", "0987654321"):
        assert hidden not in body  # an e-mail leaves the centre: no name, no phone
    for not_due in ("Đăng ký kết hôn", "Cấp bản sao trích lục", "Diễn tập"):
        assert not_due not in body


def test_a_relay_that_fails_is_tried_again_and_closed_days_wait(
    app, receive, clock, relay, client, leader
):
    assert (
        client.put("/api/v1/calendar", json=OFFICE_WEEK, headers=leader["headers"]).status_code
        == 200
    )
    clock("2026-11-20T09:00:00")
    late = receive(procedure="Đăng ký khai tử", appointment_date="2026-11-20")
    with app.app_context():
        clock("2026-11-22T08:00:00")  # a Sunday: the centre is closed, the list waits
        assert send_if_due() == "closed today"
        clock("2026-11-23T08:00:00")
        working = app.config["SMTP_URL"]
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"  # the relay is down
        assert send_if_due() == "failed"
        app.config["SMTP_URL"] = working  # back up: the next pass sends
        clock("2026-11-23T08:01:00")
        assert send_if_due() == "sent"
        assert relay.arrived.wait(10)
    [(_to, mail)] = _mails(relay)
    assert late["code"] in mail.get_content()


def test_nothing_due_sends_nothing(app, clock, relay):
    with app.app_context():
        clock("2026-11-23T08:00:00")
        assert send_if_due() == "nothing due"
        assert send_if_due() == "sent already"
    assert relay.messages == []


def test_without_a_relay_the_list_stays_on_the_page(app, clock, receive):
    clock("2026-11-20T09:00:00")
    receive(appointment_date="2026-11-20")
    with app.app_context():
        clock("2026-11-23T08:00:00")
        assert send_if_due() == "no relay"


def test_the_background_loop_sends_it_once_over_many_passes(
    app, clock, relay, receive, monkeypatch
):
    import threading
    import time

    from qms.paper import digest

    assert app.extensions["qms"].loops["paper-digest"] is digest.run  # `qms serve` starts it
    clock("2026-11-20T09:00:00")
    receive(appointment_date="2026-11-20")
    clock("2026-11-23T08:00:00")
    monkeypatch.setattr(digest, "PASS_SECONDS", 0.05)
    stop = threading.Event()
    loop = threading.Thread(target=digest.run, args=(app, stop), daemon=True)
    loop.start()
    try:
        assert relay.arrived.wait(10)
        time.sleep(0.5)  # ten more passes
    finally:
        stop.set()
        loop.join(5)
    assert len(relay.messages) == 1
