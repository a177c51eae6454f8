"""Automatic incidents from signals: printer faults, the primary QMS failing, unclean starts."""

import pytest

from qms import signals

pytestmark = pytest.mark.storage  # run again on PostgreSQL by `make test-postgres`


def incidents(client, headers, query=""):
    return client.get(f"/api/v1/incidents{query}", headers=headers).get_json()


def full(client, headers, iid):
    return client.get(f"/api/v1/incidents/{iid}", headers=headers).get_json()


def test_printer_fault_opens_one_incident_and_recovery_resolves_it(app, client, officer):
    h = officer["headers"]
    signals.device_failed.send(
        app, device="printer:kiosk-1", kind="paper_out", message="Hết giấy", data={}
    )
    signals.device_failed.send(
        app, device="printer:kiosk-1", kind="cover_open", message="", data={}
    )
    [incident] = incidents(client, h)
    assert incident["type"]["code"] == "2.1"
    assert incident["is_automatic"] is True
    assert incident["source_key"] == "device:printer:kiosk-1"
    assert incident["status"] == "reported"
    assert "printer:kiosk-1" in incident["description"]

    signals.device_recovered.send(app, device="printer:kiosk-1", kind="paper_out", message="OK")
    [incident] = incidents(client, h)
    assert incident["status"] == "resolved"
    assert incident["resolution"] == "Tự động: thiết bị hoạt động trở lại"
    kinds = [e["kind"] for e in full(client, h, incident["id"])["timeline"]]
    assert kinds == ["reported", "device_failed_again", "resolved"]

    # a new fault after recovery is a new incident
    signals.device_failed.send(app, device="printer:kiosk-1", kind="offline", message="", data={})
    assert [i["status"] for i in incidents(client, h)] == ["reported", "resolved"]


def test_faults_of_different_devices_are_separate(app, client, officer):
    signals.device_failed.send(app, device="printer:kiosk-1", kind="paper_out", message="", data={})
    signals.device_failed.send(app, device="printer:kiosk-2", kind="paper_out", message="", data={})
    assert len(incidents(client, officer["headers"], "?status=open")) == 2
    signals.device_recovered.send(app, device="printer:kiosk-2", kind="paper_out", message="")
    [still] = incidents(client, officer["headers"], "?status=open")
    assert still["source_key"] == "device:printer:kiosk-1"


def test_recovery_without_fault_does_nothing(app, client, officer):
    signals.device_recovered.send(app, device="printer:kiosk-9", kind="paper_out", message="")
    assert incidents(client, officer["headers"]) == []


def test_other_devices_map_to_sensible_types(app, client, officer):
    signals.device_failed.send(app, device="network:router", kind="offline", message="", data={})
    signals.device_failed.send(app, device="display:tv-1", kind="offline", message="", data={})
    codes = {i["scope"]: i["type"]["code"] for i in incidents(client, officer["headers"])}
    assert codes == {"network:router": "2.3", "display:tv-1": "2.8"}


def test_primary_failure_opens_one_qms_incident_resolved_on_return(app, client, officer):
    h = officer["headers"]
    signals.mode_changed.send(
        app, old="standby", new="fallback", reason="health probe", user=None, automatic=True
    )
    signals.mode_changed.send(
        app, old="fallback", new="fallback", reason="again", user=None, automatic=True
    )
    [incident] = incidents(client, h)
    assert incident["type"]["code"] == "2.8"
    assert incident["type"]["title"] == "Lỗi hệ thống bấm số xếp hàng tự động QMS 1.2"
    assert incident["source_key"] == "mode:primary"
    assert incident["suggest_escalation"] is True
    signals.mode_changed.send(
        app, old="fallback", new="draining", reason="", user=None, automatic=True
    )
    assert incidents(client, h)[0]["status"] == "reported"
    signals.mode_changed.send(
        app, old="draining", new="standby", reason="", user=None, automatic=True
    )
    [incident] = incidents(client, h)
    assert incident["status"] == "resolved"
    kinds = [e["kind"] for e in full(client, h, incident["id"])["timeline"]]
    assert kinds == ["reported", "primary_back", "resolved"]
    # publishing the fallback notice is the fallback module's job, not ours
    assert not [
        n for n in client.get("/api/v1/board").get_json()["notices"] if n["source"] == "incident"
    ]


def test_leader_switch_to_fallback_records_the_leader(app, client, leader):
    user = {
        "id": leader["id"],
        "username": leader["username"],
        "role": "leader",
        "name": "Trần Văn B",
    }
    signals.mode_changed.send(
        app, old="standby", new="fallback", reason="QMS treo", user=user, automatic=False
    )
    [incident] = incidents(client, leader["headers"])
    assert incident["reporter"] == {"id": leader["id"], "name": "Trần Văn B"}
    assert "QMS treo" in incident["description"]
    signals.mode_changed.send(
        app, old="fallback", new="standalone", reason="", user=user, automatic=False
    )
    assert incidents(client, leader["headers"])[0]["status"] == "resolved"


def test_unclean_start_records_a_possible_power_outage(app, client, officer, it_user):
    signals.app_started.send(app, unclean=False)
    assert incidents(client, officer["headers"]) == []
    signals.app_started.send(app, unclean=True)
    [incident] = incidents(client, officer["headers"])
    assert incident["type"]["code"] == "2.7"
    assert incident["needs_confirmation"] is True
    confirmed = client.post(
        f"/api/v1/incidents/{incident['id']}/confirm", headers=officer["headers"]
    )
    assert confirmed.get_json()["needs_confirmation"] is False
    assert confirmed.get_json()["status"] == "reported"


def test_unclean_start_can_be_dismissed(app, client, officer, it_user):
    signals.app_started.send(app, unclean=True)
    signals.app_started.send(app, unclean=True)  # a second crash adds to the same one
    [incident] = incidents(client, officer["headers"])
    denied = client.post(
        f"/api/v1/incidents/{incident['id']}/dismiss", headers=officer["headers"], json={}
    )
    assert denied.status_code == 403
    response = client.post(
        f"/api/v1/incidents/{incident['id']}/dismiss",
        json={"reason": "Khởi động lại để cập nhật"},
        headers=it_user["headers"],
    )
    dismissed = response.get_json()
    assert dismissed["status"] == "closed"
    assert dismissed["outcome"] == "dismissed"
    assert dismissed["needs_confirmation"] is False
    kinds = [e["kind"] for e in full(client, officer["headers"], incident["id"])["timeline"]]
    assert kinds == ["reported", "restarted_again", "dismissed"]


def test_handlers_never_raise_into_the_sender(app, client, officer, monkeypatch, caplog):
    from qms.incidents.operations import lifecycle

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(lifecycle, "report_incident", broken)
    signals.device_failed.send(app, device="printer:kiosk-1", kind="paper_out", message="", data={})
    signals.app_started.send(app, unclean=True)
    signals.mode_changed.send(
        app, old="standby", new="fallback", reason="", user=None, automatic=True
    )
    assert incidents(client, officer["headers"]) == []
    failures = [
        r.getMessage() for r in caplog.records if r.name == "qms.incidents.operations.automatic"
    ]
    assert failures == [
        "automatic incident from device_failed failed",
        "automatic incident from app_started failed",
        "automatic incident from mode_changed failed",
    ]


def test_another_apps_signals_are_ignored(app, client, officer, database_url, data_dir):
    from qms import create_app

    other = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "DATABASE_URL": database_url})
    try:
        signals.device_failed.send(other, device="printer:x", kind="paper_out", message="", data={})
    finally:
        other.extensions["qms"].db.dispose()
    # only the other app's own listener acted: one incident, not two
    assert len(incidents(client, officer["headers"])) == 1
