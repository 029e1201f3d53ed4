"""Web sign-in for supervisors, returns clerks and admins (Flask-Login, hashed passwords).

The doors of the web side (docs/security.md): where a signed-in user may be sent (local paths
only), how fast passwords may be guessed (a per-address limit with Flask-Limiter and a
per-(username, address) lockout that doubles and always ends), what a refusal costs the
supervisors' live feed (one coalesced line), and, for every response, the security headers and
the real client address behind a proxy.
"""
from __future__ import annotations

import logging
import re
import secrets
import threading
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_limiter import Limiter, RateLimitExceeded
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

from server.config import is_production
from server.extensions import login_manager, socketio
from server.i18n import current_locale, t
from server.models import AuditEvent, User
from server import slow_cpu
from server.services import users
from server.web.access import landing_for
from wire import texts

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

# No script or style from anywhere but this server, no inline script, never framed.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                           "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"
# A local path made of URL characters only: no scheme, no host, no backslash, no control or
# white space character (browsers drop tabs and newlines, so "/\t/evil" would become "//evil").
_LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@%/?#]*\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class WebUser(UserMixin):
    """The signed-in user as the web layer sees it (detached from any DB session)."""

    def __init__(self, user: User, login_id: str = ""):
        self.user_id, self.username, self.role = user.id, user.username, user.role
        self.display_name, self.locale, self.session_version = user.display_name, user.locale, user.session_version
        self.login_id = login_id

    def get_id(self) -> str:
        # The session version is part of the id: signing out everywhere, a password reset, a
        # role change or a deactivation bumps it, so every cookie (and socket) issued before is
        # refused. The login id names this browser's sign-in: signing out here revokes it alone.
        return f"{self.user_id}:{self.session_version}:{self.login_id}"


@login_manager.user_loader
def load_user(user_id: str) -> WebUser | None:
    uid, _, rest = user_id.partition(":")
    version, _, login_id = rest.partition(":")
    if login_id and login_revoked(current_app, login_id):
        return None
    with current_app.extensions["colis"].session_factory() as session:
        user = session.get(User, int(uid)) if uid.isdigit() else None
        if user is None or not user.active or str(user.session_version) != version:
            return None
        return WebUser(user, login_id)


def _revoked_key(app, login_id: str) -> str:
    return f"{app.config['SOCKETIO_CHANNEL']}:login-revoked:{login_id[:32]}"


def login_revoked(app, login_id: str) -> bool:
    """This browser's sign-in was ended by "sign out" (kept in the limiter's storage: Redis when
    several processes run, so every process refuses the cookie)."""
    return bool(app.extensions["colis_limiter"].storage.get(_revoked_key(app, login_id)))


def revoke_login(app, login_id: str) -> None:
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    app.extensions["colis_limiter"].storage.incr(_revoked_key(app, login_id), lifetime)


login_manager.login_view = "auth.login"


def client_address() -> str:
    """The client's address: the socket's peer, or the proxy's X-Forwarded-For (PROXY_COUNT)."""
    return request.remote_addr or "unknown"


# The per-address limit on sign-in attempts; its storage (memory, or Redis once REDIS_URL is set
# and several processes share the count) also keeps the lockouts. One per app (init_limits).
def _login_rate() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _all_logins_rate() -> str:
    return str(current_app.config["LOGIN_GLOBAL_RATE_LIMIT"])


def _everyone() -> str:
    return "everyone"


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method != "POST":
        return render_template("login.html")
    limiter = current_app.extensions["colis_limiter"]
    with limiter.limit(_login_rate, key_func=client_address, scope="login"):
        # All addresses together: each check costs a scrypt (~50 ms of CPU); a flood from many
        # addresses must not take the CPU the stations' scans need.
        with limiter.limit(_all_logins_rate, key_func=_everyone, scope="login-all"):
            return _sign_in()


def _sign_in():
    username, password = request.form.get("username", ""), request.form.get("password", "")
    if _CONTROL.search(username) or "\x00" in password:
        raise BadRequest("control characters in the username or password")
    username, address = username[:64], client_address()
    guard: LoginGuard = current_app.extensions["colis_login_guard"]
    wait = guard.locked_for(username, address)
    if wait:
        _refusals_log.note("sign-in of %r from %s refused: locked for %d s more", username, address, wait)
        return _too_many_answer(wait)
    with current_app.extensions["colis"].uow() as uow:
        user = users.check_login(uow, username, password)
        web_user = WebUser(user) if user else None
        if user:
            uow.emit("user_signed_in", actor=f"user:{username}", address=address)
        else:
            locked = guard.failed(username, address)
            # Audited one row each, but not pushed one by one to the supervisors' feed.
            uow.session.add(AuditEvent(actor=f"user:{username}"[:64], action="sign_in_refused", subject="",
                                       detail={"type": "sign_in_refused", "address": address,
                                               "locked_for": locked}))
        uow.commit()
    if web_user:
        guard.succeeded(username, address)
        web_user.login_id = secrets.token_urlsafe(16)
        login_user(web_user)
        return redirect(safe_next(request.args.get("next"), landing=landing_for(web_user.role)))
    current_app.extensions["colis_refusals"].count(address)
    flash(t("bad_login"))
    return render_template("login.html"), 401


@bp.post("/logout")
@login_required
def logout():
    """Sign out this browser (a wall screen signed in elsewhere stays), or everywhere."""
    user_id, login_id = current_user.user_id, current_user.login_id
    everywhere = request.form.get("everywhere") == "1" or not login_id
    with current_app.extensions["colis"].uow() as uow:
        if everywhere:
            uow.session.get(User, user_id).session_version += 1
        uow.emit("user_signed_out", actor=f"user:{current_user.username}", address=client_address(),
                 everywhere=everywhere)
        uow.commit()
    if not everywhere:
        revoke_login(current_app, login_id)
    logout_user()
    # Every dashboard socket of the user is closed; the other browsers' sockets reconnect at
    # once with their still valid cookie (and a fresh snapshot), this one's is refused.
    disconnect_user_sockets(user_id)
    return redirect(url_for("auth.login"))


def disconnect_user_sockets(user_id: int) -> None:
    """End the user's dashboard sockets on every process (the registry knows them all)."""
    for sid in current_app.extensions["colis_sockets"].sids(user_id):
        socketio.server.disconnect(sid, namespace="/dashboard")


_disconnect_sockets = disconnect_user_sockets  # the old name


def safe_next(target: str | None, landing: str | None = None) -> str:
    """Only local paths: never bounce a signed-in user to another site (nor into a 500)."""
    if target and _LOCAL_PATH.match(target):
        return target
    return landing or url_for("dashboard.page")


_safe_next = safe_next  # the old name


class LoginGuard:
    """Lockout per (username, address): after ``free`` failures, each failure locks the pair for
    ``base`` seconds, doubling, at most ``ceiling`` seconds; a success clears it.

    Keyed by address as well as name, so a guesser elsewhere cannot lock the real user out, and
    bounded, so nothing is locked forever. Failures are forgotten an hour after the first.
    Kept in Flask-Limiter's storage (limits' ``incr``/``get``/``clear`` with expiry), so every
    process behind nginx sees the same counts when REDIS_URL is set.
    """

    MEMORY_SECONDS = 3600

    def __init__(self, storage, free: int = 5, base: int = 30, ceiling: int = 900, prefix: str = "colis",
                 clock=time.time):
        self._storage, self._free, self._base, self._ceiling = storage, free, base, ceiling
        self._prefix, self._clock = prefix, clock

    def _keys(self, username: str, address: str) -> tuple[str, str]:
        pair = f"{username.casefold()}|{address}"
        return f"{self._prefix}:login-failures:{pair}", f"{self._prefix}:login-lock:{pair}"

    def locked_for(self, username: str, address: str) -> int:
        """Seconds left of this pair's lockout (0: not locked)."""
        _, lock = self._keys(username, address)
        if not self._storage.get(lock):
            return 0
        return max(1, int(self._storage.get_expiry(lock) - self._clock() + 0.999))

    def lock_seconds(self, failures: int) -> int:
        if failures <= self._free:
            return 0
        return int(min(self._ceiling, self._base * 2 ** min(failures - self._free - 1, 32)))

    def failed(self, username: str, address: str) -> int:
        """Count a failure; returns the lockout it starts, in seconds (0: none yet)."""
        failures_key, lock = self._keys(username, address)
        failures = self._storage.incr(failures_key, self.MEMORY_SECONDS)
        seconds = self.lock_seconds(failures)
        if seconds:
            self._storage.clear(lock)
            self._storage.incr(lock, seconds)
        return seconds

    def succeeded(self, username: str, address: str) -> None:
        for key in self._keys(username, address):
            self._storage.clear(key)


class RefusalFeed:
    """Refused sign-ins reach the supervisors' live feed as one line per ``every`` seconds
    ("12 refused sign-ins, last from 10.0.0.7"), whatever the rate; the audit has each one."""

    def __init__(self, publish, every: float, clock=time.monotonic):
        self._publish, self._every, self._clock = publish, every, clock
        self._lock = threading.Lock()
        self._pending, self._last_push = 0, float("-inf")

    def count(self, address: str) -> None:
        with self._lock:
            self._pending += 1
            now = self._clock()
            if now - self._last_push < self._every:
                return
            count, self._pending, self._last_push = self._pending, 0, now
        if self._publish is not None:
            self._publish([{"type": "sign_ins_refused", "count": count, "address": address}])


def security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if is_production(current_app.config):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


@bp.record_once
def init_doors(state) -> None:
    """Per app: the proxy's headers trusted (or not), the limiter, the lockout, the headers."""
    app = state.app
    config = app.config
    proxies = int(config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        # Outermost: Socket.IO's middleware and Flask both see the client's address and scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0)
    prefix = f"{config['SOCKETIO_CHANNEL']}:limits"
    config.setdefault("RATELIMIT_KEY_PREFIX", prefix)
    # Its X-RateLimit headers would overwrite the lockout's Retry-After: too_many() sets it instead.
    config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter = Limiter(key_func=client_address, default_limits=[])
    limiter.init_app(app)
    app.extensions["colis_limiter"] = limiter
    app.extensions["colis_login_guard"] = LoginGuard(
        limiter.storage, free=int(config["LOGIN_FREE_FAILURES"]), base=int(config["LOGIN_LOCKOUT_BASE"]),
        ceiling=int(config["LOGIN_LOCKOUT_MAX"]), prefix=prefix)
    floor = app.extensions["colis"]

    def publish(events: list[dict]) -> None:
        if floor.broadcaster is not None:
            floor.broadcaster.publish(events)

    app.extensions["colis_refusals"] = RefusalFeed(publish, float(config["LOGIN_FAILURE_FEED_EVERY"]))
    app.after_request(security_headers)
    app.register_error_handler(RateLimitExceeded, too_many)
    # Password checks off the serving thread, at the lowest CPU priority (server/slow_cpu.py).
    users.cpu_runner = slow_cpu.runner_for(config.get("SOCKETIO_ASYNC_MODE"))
    timeout = float(config.get("SOCKET_SIGN_IN_TIMEOUT") or 0)
    if timeout > 0 and socketio.server is not None:
        from server.api.sockets_registry import IdleSocketCloser

        app.extensions["colis_idle_sockets"] = IdleSocketCloser(socketio.server, timeout)


def too_many(exc: RateLimitExceeded):
    """The limits' answer: the sign-in page, and when to come back (at most a window)."""
    _refusals_log.note("sign-in attempts from %s over the limit (%s)", client_address(), exc.limit.limit)
    return _too_many_answer(int(exc.limit.limit.get_expiry()))


def hold_refusal(seconds: float) -> None:
    """Wait before a refusal: a greenlet under gevent, a thread with the development server."""
    socketio.sleep(seconds)


def _too_many_answer(seconds: int):
    """429, after LOGIN_REFUSAL_DELAY seconds: a client that floods and waits for each answer
    (as browsers and scripts do) is slowed to about one attempt per delay, instead of taking
    the CPU that the stations' scans need by asking thousands of times a second (bench_security)."""
    delay = float(current_app.config.get("LOGIN_REFUSAL_DELAY") or 0)
    if delay > 0:
        hold_refusal(delay)
    flash(texts.text("web.too_many_attempts", current_locale(), seconds=seconds))
    response = current_app.make_response((render_template("login.html"), 429))
    response.headers["Retry-After"] = str(seconds)
    return response


class ThrottledLog:
    """One warning per ``every`` seconds, saying how many were folded into it (a flood of refusals
    must not become a flood of log lines: writing them cost more than refusing)."""

    def __init__(self, logger, every: float = 10.0, clock=time.monotonic):
        self._log, self._every, self._clock = logger, every, clock
        self._lock = threading.Lock()
        self._last, self._folded = float("-inf"), 0

    def note(self, message: str, *args) -> None:
        with self._lock:
            now = self._clock()
            if now - self._last < self._every:
                self._folded += 1
                return
            folded, self._folded, self._last = self._folded, 0, now
        self._log.warning(message + (f" (and {folded} more since the last such line)" if folded else ""), *args)


_refusals_log = ThrottledLog(log)
