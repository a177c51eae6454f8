"""What pages receive over Socket.IO: the board, calls with their announcement, and rooms."""

import pytest

SENTENCE_A001_COUNTER_1 = "Mời công dân có số thứ tự a một đến quầy số một"


def events(client, name):
    return [m["args"][0] for m in client.get_received() if m["name"] == name]


def call_next(client, officer, counter=1, ticket_id=None):
    response = client.post(
        f"/api/v1/counters/{counter}/call-next",
        json={"ticket_id": ticket_id},
        headers=officer["headers"],
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()["ticket"]


def test_public_client_gets_the_board_on_connect(socket_client, issue):
    issue("C")
    display = socket_client()
    boards = events(display, "board")
    assert boards, "the board comes on connect, before anything changes"
    board = boards[0]
    assert board["mode"] == "standalone"
    assert board["waiting"]["C"] == 1
    assert [c["number"] for c in board["counters"]] == [1, 2, 3, 4]
    assert board["services"]["A"]["name"] == "Hộ tịch"
    assert "notices" in board and "recent" in board and board["server_time"]


def test_call_and_recall_reach_every_display_with_the_spoken_sentence(
    socket_client, client, issue, officer
):
    ticket = issue("A")
    displays = [socket_client(), socket_client()]
    for d in displays:
        d.get_received()
    call_next(client, officer, ticket_id=None)
    for d in displays:
        (called,) = events(d, "ticket_called")
        assert called["ticket"]["code"] == "A001" and called["ticket"]["id"] == ticket["id"]
        assert called["ticket"]["status"] == "called"
        assert called["counter"] == {"number": 1, "name": "Quầy 1"}
        assert called["recall"] is False
        assert called["announcement"]["text"] == SENTENCE_A001_COUNTER_1

    response = client.post(
        "/api/v1/counters/1/recall", json={"ticket_id": ticket["id"]}, headers=officer["headers"]
    )
    assert response.status_code == 200
    for d in displays:
        (recalled,) = events(d, "ticket_called")
        assert recalled["recall"] is True
        assert recalled["ticket"]["code"] == "A001"
        assert recalled["announcement"]["text"] == SENTENCE_A001_COUNTER_1


def test_announcement_audio_is_a_chime_then_the_sentence_twice_all_served_locally(
    socket_client, client, issue, officer
):
    issue("A")
    display = socket_client()
    call_next(client, officer)
    (called,) = events(display, "ticket_called")
    audio = called["announcement"]["audio"]
    assert audio[0] == "/speech/chime.wav"
    assert all(url.startswith("/speech/") and url.endswith(".wav") for url in audio)
    body = [url for url in audio[1:] if url != "/speech/pause.wav"]
    half = len(body) // 2
    assert half > 0 and body[:half] == body[half:], "the sentence is said twice"
    for url in set(audio):
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert response.data[:4] == b"RIFF", url


def test_join_counter_without_login_is_refused(socket_client, client, issue, officer):
    issue("A")
    anonymous = socket_client()
    anonymous.get_received()
    ack = anonymous.emit("join_counter", {"counter": 1}, callback=True)
    assert ack["error"]["code"] == "login_required"
    assert not anonymous.is_connected()


def test_join_counter_with_a_login_gets_the_counter_and_its_state(
    app, socket_client, client, issue, officer, create_user, auth
):
    waiting = issue("B")
    staff = create_user("officer")
    browser = auth(staff, next_url="/counter", on=app.test_client()).client
    counter1 = socket_client(browser)
    counter2 = socket_client(browser)
    ack = counter1.emit("join_counter", {"counter": 1}, callback=True)
    assert ack["counter"]["number"] == 1 and ack["counter"]["services"] == ["A", "B"]
    assert [t["code"] for t in ack["waiting"]] == [waiting["code"]]
    assert counter2.emit("join_counter", {"counter": 2}, callback=True)["counter"]["number"] == 2
    assert counter1.emit("join_counter", {"counter": 99}, callback=True)["error"]["code"] == (
        "unknown_counter"
    )
    counter1.get_received()
    counter2.get_received()

    call_next(client, officer)
    states = events(counter1, "counter_state")
    assert states and states[0]["counter"]["number"] == 1
    assert states[0]["ticket"]["code"] == waiting["code"]
    assert events(counter2, "counter_state") == [], "counter 2 hears nothing of counter 1"


def test_tracking_room_gets_only_its_own_ticket(socket_client, client, issue, officer):
    first, second = issue("A"), issue("A")
    token = {t["id"]: t["track_url"].rsplit("/", 1)[-1] for t in (first, second)}
    phone1, phone2 = socket_client(), socket_client()
    ack1 = phone1.emit("track", {"token": token[first["id"]]}, callback=True)
    ack2 = phone2.emit("track", {"token": token[second["id"]]}, callback=True)
    assert ack1["ticket"]["code"] == "A001" and ack2["ticket"]["code"] == "A002"
    assert ack2["ticket"]["ahead"] == 1
    phone1.get_received()
    phone2.get_received()

    called = call_next(client, officer)
    assert called["code"] == "A001"
    mine = events(phone1, "ticket")
    assert mine and all(t["id"] == first["id"] for t in mine)
    assert mine[-1]["status"] == "called" and mine[-1]["counter"] == 1
    assert [t for t in events(phone2, "ticket") if t["id"] != second["id"]] == []


@pytest.mark.parametrize(
    "payload, code",
    [
        ({"token": "nope"}, "unknown_ticket"),
        ({"token": "x" * 41}, "invalid_token"),
        ({"token": 5}, "invalid_token"),
        ("text", "invalid_token"),
    ],
)
def test_track_refuses_unknown_or_malformed_tokens(socket_client, payload, code):
    phone = socket_client()
    ack = phone.emit("track", payload, callback=True)
    assert ack["error"]["code"] == code
