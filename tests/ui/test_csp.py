"""Every page works under its real Content-Security-Policy: no violation, its scripts run.

The other browser tests bypass the policy (Playwright's string predicates need eval); this one
does not, so an inline handler or a script from elsewhere slipping into a page fails here.
"""

import re

import pytest
import requests

from tests.browser import SIZES, WAIT_MS

pytestmark = pytest.mark.browser

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""

PUBLIC = [
    ("/kiosk?kiosk=k1", "kiosk", "[data-service='A']"),
    ("/display", "display", "body[data-connected='1']"),
]
STAFF = [
    ("/counter", "counter", "body"),
    ("/admin", "counter", "main"),
    ("/incidents", "counter", "main"),
    ("/admin/fallback", "counter", "main"),
    ("/admin/devices", "counter", "main"),
    ("/paper", "counter", "main"),
    ("/reports", "counter", "main"),
]


def test_pages_run_under_the_policy(live, browser):
    policy = requests.get(live.url + "/kiosk", timeout=10).headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    context = browser.new_context(viewport=SIZES["counter"], locale="vi-VN")
    context.add_init_script(WATCH)
    errors = []
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
        for path, _size, ready in PUBLIC:
            page.goto(live.url + path)
            page.wait_for_selector(ready)
            assert (path, page.evaluate("window.__csp")) == (path, [])
        page.goto(live.url + "/login?next=/counter")
        page.fill("#username", "admin")
        page.fill("#password", live.admin_password)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/(counter|password)"))
        for path, _size, ready in STAFF:
            page.goto(live.url + path)
            page.wait_for_selector(ready)
            assert (path, page.evaluate("window.__csp")) == (path, [])
    finally:
        context.close()
    assert errors == []
