"""Fixtures for every page test, loaded once for the whole run (tests/conftest.py): a real
`qms serve`, staff on it, and one Debian chromium shared by every test file."""

import os
from pathlib import Path

import pytest
import requests

from qms.liveserver import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]
SIZES = {
    "kiosk": {"width": 1080, "height": 1920},
    "counter": {"width": 1366, "height": 768},
    "display": {"width": 1920, "height": 1080},
    "phone": {"width": 390, "height": 844},
}
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
OFFICER = ("officer1", "counter-pass-42")
WAIT_MS = 20_000  # generous: waits for behaviour, never asserts on speed


@pytest.fixture
def live(tmp_path):
    # a printer that always works (raw bytes into a file): the kiosk's paper line goes live
    printer = tmp_path / "printer.bin"
    server = LiveServer(tmp_path / "live", env={"QMS_PRINTER": f"file:{printer}"})
    server.printer_path = printer
    server.init()
    server.qms("user", "add", OFFICER[0], "--role", "officer", "--password", OFFICER[1])
    server.start()
    yield server
    server.stop()


@pytest.fixture
def api(live):
    """api(method, path, json=None, staff=False) against the live server."""
    headers = {}

    def call(method, path, json=None, staff=False):
        if staff and not headers:
            headers.update(live.token(*OFFICER))
        return requests.request(
            method, live.url + path, json=json, headers=headers if staff else {}, timeout=10
        )

    return call


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """open_page(url, size) → a page in its own context; page errors fail the test."""
    contexts, errors = [], []

    def factory(url, size):
        # Playwright's string predicates need eval, which the pages' CSP forbids;
        # tests/ui/test_csp.py opens every page under the real policy
        context = browser.new_context(viewport=SIZES[size], locale="vi-VN", bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.on("pageerror", lambda exc: errors.append(f"{size}: {exc}"))
        page.goto(url)
        return page

    yield factory
    for context in contexts:
        context.close()
    assert not errors, errors


@pytest.fixture
def screenshot(tmp_path):
    """screenshot(page, name): into docs/screenshots when QMS_SCREENSHOTS=1, else tmp."""
    target = SCREENSHOTS if os.environ.get("QMS_SCREENSHOTS") == "1" else tmp_path
    target.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.wait_for_timeout(400)  # let fonts and the last transition settle for the image
        path = target / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    return take
