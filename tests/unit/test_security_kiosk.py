"""The kiosk's local web server against the other pages its browser may open (issue 10, finding 7).

Before: a cross-site form POST /reprint was accepted (202) and any Host header was served, so a
page on a DNS-rebound name could drive the station. Each test fails on the code before the fix.
"""
from __future__ import annotations

import os
import re

import pytest

from station.ui.server import host_allowed, make_ui_app

HERE = "127.0.0.1:8800"


class FakeCore:
    def __init__(self):
        self.reprints, self.typed, self.actions = 0, [], []

    def screen(self):
        return {"station": {"locale": "fr"}, "version": 1}

    def wait_screen(self, after, timeout):
        return self.screen()

    def reprint(self):
        self.reprints += 1

    def submit_typed(self, code):
        self.typed.append(code)
        return type("Pending", (), {"uuid": "u-1"})()

    def submit_action(self, name, params=None):
        self.actions.append(name)


@pytest.fixture
def kiosk():
    core = FakeCore()
    return core, make_ui_app(core, poll_timeout=0.1).test_client()


def test_a_cross_site_form_cannot_press_reprint(kiosk):
    core, web = kiosk
    reply = web.post("/reprint", data={"x": "1"}, base_url=f"http://{HERE}",
                     headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert reply.status_code == 403 and core.reprints == 0


def test_a_form_post_without_origin_headers_is_refused_for_not_being_json(kiosk):
    core, web = kiosk  # an old browser, or a plain HTML form that sent no Origin
    reply = web.post("/reprint", data={"x": "1"}, base_url=f"http://{HERE}")
    assert reply.status_code == 400 and core.reprints == 0


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Origin": "null"},
                                     {"Origin": "http://localhost:9999"},  # another local app
                                     {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}])
def test_json_from_another_origin_is_refused(kiosk, headers):
    core, web = kiosk
    for path, body in (("/reprint", {}), ("/scan", {"code": "4006381333931"}), ("/action", {"name": "done"})):
        assert web.post(path, json=body, base_url=f"http://{HERE}", headers=headers).status_code == 403, path
    assert core.reprints == 0 and core.typed == [] and core.actions == []


def test_the_kiosk_page_itself_still_posts(kiosk):
    core, web = kiosk
    same = {"Origin": f"http://{HERE}", "Sec-Fetch-Site": "same-origin"}
    assert web.post("/reprint", json={}, base_url=f"http://{HERE}", headers=same).status_code == 202
    assert web.post("/scan", json={"code": "4006381333931"}, base_url=f"http://{HERE}").status_code == 202
    assert core.reprints == 1 and core.typed == ["4006381333931"]


@pytest.mark.parametrize("host", ["evil.example:8800", "evil.example", "127.0.0.1.evil.example:8800",
                                  "localhost.evil.example", "192.168.1.20:8800"])
def test_a_foreign_host_header_is_misdirected_dns_rebinding(kiosk, host):
    core, web = kiosk
    for method, path in (("get", "/"), ("get", "/screen.json"), ("post", "/reprint")):
        reply = getattr(web, method)(path, base_url=f"http://{host}", **({"json": {}} if method == "post" else {}))
        assert reply.status_code in (400, 421), (host, path, reply.status_code)
    assert core.reprints == 0


@pytest.mark.parametrize("host", ["127.0.0.1:8800", "localhost:8800", "LOCALHOST", "[::1]:8800", "127.0.0.2:8800"])
def test_loopback_names_are_served(kiosk, host):
    _, web = kiosk
    assert web.get("/screen.json", base_url=f"http://{host}").status_code == 200


def test_a_configured_host_is_served_and_a_wildcard_bind_is_not_a_name():
    assert host_allowed("kiosk-7.floor.lan:8800", frozenset({"kiosk-7.floor.lan"}))
    assert not host_allowed("[::1:8800", frozenset())  # malformed: refused, not a 500
    assert not host_allowed("evil.example", frozenset({"kiosk-7.floor.lan"}))
    web = make_ui_app(FakeCore(), allowed_hosts=("0.0.0.0",)).test_client()
    assert web.get("/screen.json", base_url="http://0.0.0.0:8800").status_code == 421


def test_every_answer_forbids_framing_inline_script_and_sniffing(kiosk):
    _, web = kiosk
    for path in ("/", "/station.js", "/screen.json"):
        headers = web.get(path, base_url=f"http://{HERE}").headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_kiosk_page_has_no_inline_script():
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "station", "ui", "index.html"),
              encoding="utf-8") as page:
        html = page.read()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="' in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I)
