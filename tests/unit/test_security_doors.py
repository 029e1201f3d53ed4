"""The web doors without a database: secret keys, production settings, headers, redirects, lockout.

Issue 10, findings 1 and 4 (docs/security.md). Each test fails on the code before the fix.
"""
from __future__ import annotations

import os
import re
import stat
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask

from server import create_app
from server.api.auth import LoginGuard, RefusalFeed, safe_next
from server.config import InsecureConfiguration, instance_secret_key

GOOD_KEY = "9f2c41d07be85a3e6d1c0f94b27a8e53c6d0f1a29b84e7c35d6a0b1f92e47c8d"


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """create_app from the environment, with an instance folder and database of the test's own."""
    monkeypatch.setenv("COLIS_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("COLIS_DATABASE_URL", f"sqlite:///{tmp_path}/colis.sqlite")
    for name in ("COLIS_SECRET_KEY", "COLIS_ENV", "COLIS_REDIS_URL", "COLIS_PROXY_COUNT"):
        monkeypatch.delenv(name, raising=False)
    made = []

    def make(**env):
        for name, value in env.items():
            monkeypatch.setenv(f"COLIS_{name}", value)
        app = create_app()
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["colis"].close()


# --- the secret key --------------------------------------------------------------------------------

def test_without_a_configured_key_a_random_one_is_made_once_and_kept_in_the_instance_folder(make_app, tmp_path):
    first = make_app().config["SECRET_KEY"]
    again = make_app().config["SECRET_KEY"]
    kept = tmp_path / "instance" / "secret_key"
    assert first == again == kept.read_text().strip()
    assert len(first) >= 64 and first != "dev-only-not-secret"
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600  # only the server's user reads it


def test_two_instance_folders_get_two_keys(tmp_path):
    assert instance_secret_key(str(tmp_path / "a")) != instance_secret_key(str(tmp_path / "b"))


def test_a_cookie_forged_with_the_published_development_key_is_not_accepted(make_app):
    """Before: a server started without COLIS_ENV=production signed sessions with the public key,
    so anyone could forge a supervisor's cookie."""
    app = make_app()
    forger = Flask("forger")
    forger.secret_key = "dev-only-not-secret"
    forged = forger.session_interface.get_signing_serializer(forger).dumps({"_user_id": "1:0", "_fresh": True})
    from itsdangerous import BadSignature

    with pytest.raises(BadSignature):
        app.session_interface.get_signing_serializer(app).loads(forged)
    web = app.test_client()
    web.set_cookie("session", forged)
    assert web.get("/dashboard").status_code == 302  # to the sign-in page: nobody is signed in


@pytest.mark.parametrize("env", ["development", "production", "Production"])
def test_the_published_development_key_is_refused_in_every_mode(make_app, env):
    kwargs = {"SECRET_KEY": "dev-only-not-secret", "ENV": env}
    with pytest.raises(InsecureConfiguration, match="published development key"):
        make_app(**kwargs)


@pytest.mark.parametrize("env", ["Production", "PRODUCTION", " production "])
def test_production_mode_is_recognised_whatever_its_case(make_app, env):
    with pytest.raises(InsecureConfiguration):
        make_app(ENV=env, SECRET_KEY="a" * 32)
    app = make_app(ENV=env, SECRET_KEY=GOOD_KEY)
    assert app.config["ENV"] == "production" and app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("key", ["a" * 32, "ab" * 32, "0123456789" * 4, "password" * 5])
def test_production_refuses_a_long_but_guessable_key(make_app, key):
    with pytest.raises(InsecureConfiguration, match="random value"):
        make_app(ENV="production", SECRET_KEY=key)


def test_production_without_a_key_uses_the_instance_folders_random_one(make_app, tmp_path):
    app = make_app(ENV="production")
    assert app.config["SECRET_KEY"] == (tmp_path / "instance" / "secret_key").read_text().strip()


# --- production cookies and headers ---------------------------------------------------------------

def test_production_cookies_are_secure_httponly_and_samesite(make_app):
    app = make_app(ENV="production", SECRET_KEY=GOOD_KEY)
    web = app.test_client()
    reply = web.get("/login", base_url="https://colis.example")
    cookie = reply.headers["Set-Cookie"]  # the CSRF token lives in the session
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert reply.headers["Strict-Transport-Security"].startswith("max-age=")


def test_development_cookies_are_httponly_and_samesite_but_not_secure(make_app):
    cookie = make_app().test_client().get("/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_every_page_carries_the_security_headers(make_app):
    web = make_app().test_client()
    for path in ("/login", "/dashboard", "/api/v1/health", "/static/dashboard.js"):
        headers = web.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize("template", ["base.html", "login.html", "dashboard.html"])
def test_no_template_has_inline_script_the_csp_would_block(template):
    root = os.path.join(os.path.dirname(__file__), "..", "..", "server", "templates")
    with open(os.path.join(root, template), encoding="utf-8") as page:
        html = page.read()
    assert not INLINE_SCRIPT.search(html) and not INLINE_HANDLER.search(html) and "javascript:" not in html


def test_the_development_server_refuses_to_run_in_production(make_app):
    app = make_app(ENV="production", SECRET_KEY=GOOD_KEY)
    result = app.test_cli_runner().invoke(args=["run"])
    assert result.exit_code != 0 and "colis-server serve" in result.output


# --- where a signed-in user is sent ---------------------------------------------------------------

# Known open-redirect bypasses (OWASP's cheat sheet, PortSwigger's lists), as Werkzeug hands them
# to the view after decoding the query string once.
BYPASSES = [
    "//evil.example", "///evil.example", "////evil.example", "/\\evil.example", "\\\\evil.example",
    "/\\/evil.example", "\\/evil.example", "/\t/evil.example", "/\n/x", "/\r\n/x", "/\x00/x", " //evil.example",
    "https:evil.example", "https://evil.example", "http:/evil.example", "//evil.example/%2F..", "javascript:alert(1)",
    "JaVaScRiPt:alert(1)", "data:text/html,x", "evil.example", "@evil.example", "/\u3000/evil.example",
    "//evil%E3%80%82example", "/\x0b/evil.example", "/\x0c/evil.example", "//\\evil.example", "/./\\evil.example",
    "", None,
]


def _where_a_browser_goes(location: str) -> str:
    # Browsers drop tabs and newlines and read a backslash as a slash in http(s) URLs.
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    return urlsplit(urljoin("http://colis.local/login", cleaned)).netloc


@pytest.mark.parametrize("target", BYPASSES)
def test_a_bypass_of_the_local_path_check_lands_on_the_dashboard(make_app, target):
    app = make_app()
    with app.test_request_context("/login"):
        assert safe_next(target) == "/dashboard"


@pytest.mark.parametrize("target", ["/dashboard?lang=en", "/dashboard/snapshot.json", "/dashboard#feed",
                                    "/a/b;c=d?e=%2F%2Fx"])
def test_a_local_path_is_kept(make_app, target):
    app = make_app()
    with app.test_request_context("/login"):
        assert safe_next(target) == target
        assert _where_a_browser_goes(safe_next(target)) == "colis.local"


# --- the lockout, on a clock the test owns --------------------------------------------------------

class FakeStorage:
    """limits' storage interface (incr with expiry, get, get_expiry, clear) on a fake clock."""

    def __init__(self, clock):
        self.clock, self.values, self.expiries = clock, {}, {}

    def _live(self, key):
        if key in self.expiries and self.expiries[key] <= self.clock():
            self.values.pop(key, None), self.expiries.pop(key, None)

    def incr(self, key, expiry, amount=1):
        self._live(key)
        if key not in self.values:
            self.expiries[key] = self.clock() + expiry
        self.values[key] = self.values.get(key, 0) + amount
        return self.values[key]

    def get(self, key):
        self._live(key)
        return self.values.get(key, 0)

    def get_expiry(self, key):
        return self.expiries.get(key, self.clock())

    def clear(self, key):
        self.values.pop(key, None), self.expiries.pop(key, None)


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def test_the_lockout_doubles_and_is_capped():
    guard = LoginGuard(FakeStorage(Clock()), free=3, base=30, ceiling=900)
    assert [guard.lock_seconds(n) for n in range(1, 12)] == [0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900]
    assert guard.lock_seconds(10**6) == 900  # never forever, never an overflow


def test_a_locked_pair_opens_again_when_its_time_is_up_and_a_success_forgets_the_failures():
    clock = Clock()
    guard = LoginGuard(FakeStorage(clock), free=2, base=30, ceiling=900, clock=clock)
    for _ in range(2):
        assert guard.failed("sophie", "10.0.0.66") == 0
    assert guard.failed("sophie", "10.0.0.66") == 30
    assert guard.locked_for("sophie", "10.0.0.66") == 30
    assert guard.locked_for("Sophie", "10.0.0.66") == 30  # the name's case does not escape it
    assert guard.locked_for("sophie", "10.0.0.7") == 0  # the real user at her own desk is not locked out
    clock.now += 30
    assert guard.locked_for("sophie", "10.0.0.66") == 0
    assert guard.failed("sophie", "10.0.0.66") == 60  # the next failure doubles
    clock.now += 60
    guard.succeeded("sophie", "10.0.0.66")
    assert guard.failed("sophie", "10.0.0.66") == 0  # back to the free failures


def test_refused_sign_ins_reach_the_live_feed_as_one_line_per_interval():
    clock, pushed = Clock(), []
    feed = RefusalFeed(pushed.extend, every=10, clock=clock)
    for _ in range(500):
        feed.count("10.0.0.66")
    assert pushed == [{"type": "sign_ins_refused", "count": 1, "address": "10.0.0.66"}]
    clock.now += 10
    feed.count("10.0.0.67")
    assert pushed[-1] == {"type": "sign_ins_refused", "count": 500, "address": "10.0.0.67"}
    assert len(pushed) == 2


def test_with_redis_the_limits_are_kept_in_redis(make_app, monkeypatch, tmp_path):
    """Several processes must share the counts: REDIS_URL makes it Flask-Limiter's storage too."""
    from server.config import load

    app = Flask("probe", instance_path=str(tmp_path / "a"))
    monkeypatch.setenv("COLIS_REDIS_URL", "redis://127.0.0.1:6379/0")
    load(app)
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    monkeypatch.delenv("COLIS_REDIS_URL")
    fresh = Flask("probe2", instance_path=str(tmp_path / "b"))
    load(fresh)
    assert fresh.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_a_flood_of_refusals_is_one_log_line_per_interval():
    from server.api.auth import ThrottledLog

    class Collect:
        def __init__(self):
            self.lines = []

        def warning(self, message, *args):
            self.lines.append(message % args)

    clock, out = Clock(), Collect()
    throttled = ThrottledLog(out, every=10, clock=clock)
    for n in range(1000):
        throttled.note("refused %s", n)
    clock.now += 10
    throttled.note("refused %s", "last")
    assert out.lines == ["refused 0", "refused last (and 999 more since the last such line)"]
