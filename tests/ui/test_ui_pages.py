"""The pages as HTML: who may open them, what they reference, the QR code, readable 404s."""

import json
import re
from urllib.parse import urlsplit

import pytest

from qms.pages.counter import DEFAULT_KEYS, counter_keys

ASSET = re.compile(r'(?:<script[^>]* src|<img[^>]* src|<link[^>]* href)="([^"]+)"')


def token_of(ticket):
    return ticket["track_url"].rsplit("/", 1)[-1]


def assets_of(html):
    return [u for u in ASSET.findall(html) if not u.startswith(("data:", "?", "#"))]


@pytest.fixture
def staff_client(app, create_user, auth):
    login = auth(create_user("officer"), next_url="/counter", on=app.test_client())
    assert login.response.status_code == 302
    return login.client


@pytest.mark.parametrize("path", ["/kiosk", "/kiosk?kiosk=K1", "/display", "TRACK", "/counter"])
def test_every_asset_is_served_by_our_server(client, staff_client, issue, path):
    if path == "TRACK":
        path = "/t/" + token_of(issue("A"))
    page_client = staff_client if path == "/counter" else client
    response = page_client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assets = assets_of(html)
    assert any("socket.io.min.js" in a for a in assets)
    for url in assets:
        assert not urlsplit(url).netloc, f"{path} loads {url} from another host"
        if url.startswith("/"):
            with page_client.get(url) as asset:
                assert asset.status_code == 200, url
    with client.get("/static/css/base.css") as css:
        fonts = re.findall(r'url\("([^"]+)"\)', css.get_data(as_text=True))
    assert fonts
    for font in fonts:
        with client.get(font) as asset:
            assert asset.status_code == 200, font


def test_counter_page_needs_a_staff_login(client):
    response = client.get("/counter")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/counter")


def test_counter_page_carries_the_default_keypad_map(staff_client):
    html = staff_client.get("/counter").get_data(as_text=True)
    config = json.loads(re.search(r"window.QMS_COUNTER = (\{.*?\});</script>", html).group(1))
    assert config["keys"] == DEFAULT_KEYS
    assert config["strings"]["next"] == "Gọi tiếp"
    assert 'name="csrf-token"' in html


@pytest.mark.parametrize(
    "app_config", [{"COUNTER_KEYS": '{"next": ["F1", "Enter"], "done": "F9", "bogus": ["x"]}'}]
)
def test_counter_keys_are_configurable(staff_client):
    html = staff_client.get("/counter").get_data(as_text=True)
    config = json.loads(re.search(r"window.QMS_COUNTER = (\{.*?\});</script>", html).group(1))
    assert config["keys"]["next"] == ["F1", "Enter"]
    assert config["keys"]["done"] == ["F9"]
    assert config["keys"]["recall"] == DEFAULT_KEYS["recall"]
    assert "bogus" not in config["keys"]


def test_counter_keys_survive_a_broken_setting(app):
    assert counter_keys({"COUNTER_KEYS": "{not json"}) == DEFAULT_KEYS
    assert counter_keys({"COUNTER_KEYS": {"next": "F2"}})["next"] == ["F2"]


def test_tracking_page_shows_the_ticket_and_no_personal_data(client, issue):
    ticket = issue("B", priority="elderly")
    html = client.get("/t/" + token_of(ticket)).get_data(as_text=True)
    assert ticket["code"] in html and "Chứng thực" in html and "Ưu tiên" in html
    assert "Đang cập nhật trực tiếp" in html
    assert "kiosk" not in html.lower()


def test_tracking_page_in_english(client, issue):
    ticket = issue("A")
    html = client.get("/t/" + token_of(ticket) + "?lang=en").get_data(as_text=True)
    assert "Your number" in html and "Civil status" in html


@pytest.mark.parametrize("token", ["nope", "x" * 60])
def test_unknown_tracking_link_is_a_readable_404(client, token):
    for path in (f"/t/{token}", f"/t/{token}/qr.svg"):
        response = client.get(path)
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert "Không tìm thấy vé này" in html and "bàn hướng dẫn" in html
        assert "Traceback" not in html


def test_qr_code_is_an_svg_drawn_by_the_server(client, issue):
    ticket = issue("A")
    response = client.get("/t/" + token_of(ticket) + "/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert "<svg" in svg and "<path" in svg


def test_kiosk_and_display_work_without_login(client):
    assert client.get("/kiosk").status_code == 200
    assert client.get("/display").status_code == 200
    assert client.get("/").headers["Location"].endswith("/kiosk")
