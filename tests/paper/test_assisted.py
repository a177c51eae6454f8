"""Assisted service (Đại Sơn plan, "Phục vụ tại chỗ, trọn gói"): seven steps on a citizen's
ticket, and the call-back list."""

import pytest

pytestmark = pytest.mark.storage


def test_seven_steps_and_the_call_back_list(client, officer, create_user, issue):
    it = create_user("it")
    ticket = issue("F", priority="elderly")
    opened = client.post(
        "/api/v1/assisted",
        json={
            "citizen_name": "Cụ Phạm Văn Dũng",
            "phone": "0912 345 678",
            "ticket": ticket["code"],
        },
        headers=officer["headers"],
    )
    assert opened.status_code == 201
    case = opened.get_json()
    assert [s["n"] for s in case["steps"]] == [1, 2, 3, 4, 5, 6, 7]
    assert case["ticket"] == {"id": ticket["id"], "code": ticket["code"]}
    twice = client.post(
        "/api/v1/assisted",
        json={"citizen_name": "Cụ Phạm Văn Dũng", "ticket": ticket["code"]},
        headers=officer["headers"],
    )
    assert (twice.status_code, twice.get_json()["error"]["code"]) == (409, "already_opened")
    step = "/api/v1/assisted/{}/steps/{}".format
    # who signed or witnessed (step 2) and which account (step 3) must be written down
    missing = client.post(step(case["id"], 2), json={"done": True}, headers=officer["headers"])
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (422, "missing_detail")
    details = {2: "Con trai Phạm Văn Hùng ký thay, có người làm chứng", 3: "Tài khoản công vụ"}
    for n in range(1, 7):
        answer = client.post(
            step(case["id"], n),
            json={"done": True, "detail": details.get(n, "")},
            headers=officer["headers"],
        )
        assert answer.status_code == 200, answer.get_json()
    after = answer.get_json()
    assert after["steps_done"] == 6 and after["steps"][1]["detail"] == details[2]
    callback = client.get("/api/v1/assisted?status=callback", headers=officer["headers"]).get_json()
    assert [c["id"] for c in callback] == [case["id"]]
    ready = client.post(f"/api/v1/assisted/{case['id']}/result-ready", headers=officer["headers"])
    assert ready.get_json()["callback_due"] is True
    summary = client.get("/api/v1/paper-dossiers/summary", headers=officer["headers"]).get_json()
    assert summary["callbacks_due"] == 1
    done = client.post(
        step(case["id"], 7),
        json={"done": True, "detail": "Đã gọi, cụ hẹn thứ Hai đến nhận"},
        headers=officer["headers"],
    ).get_json()
    assert done["is_complete"] is True and done["callback_due"] is False
    assert (
        client.get("/api/v1/assisted?status=callback", headers=officer["headers"]).get_json() == []
    )
    assert client.get("/api/v1/assisted", headers=it["headers"]).status_code == 403
    assert client.post(step(case["id"], 8), json={}, headers=officer["headers"]).status_code == 404
