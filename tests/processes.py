"""Real processes for tests: the production server (``colis-server serve``) on a free port, several
of them sharing PostgreSQL and Redis, nginx in front of them (deploy/nginx/colis.conf), and the
HTTP and Socket.IO clients that talk to them (a supervisor signing in, a dashboard)."""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("COLIS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
NGINX_SITE = REPO / "deploy" / "nginx" / "colis.conf"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout: float, every: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()


# --- colis-server serve ---------------------------------------------------------------------------

def _server_command(port: int) -> list[str]:
    """What docs/deployment.md tells a floor to run: gunicorn with one gevent worker."""
    return [sys.executable, "-c", "from server.cli import main; main()", "serve", "--port", str(port)]


class ServerProcess:
    def __init__(self, name: str, env: dict, tmp: Path, port: int | None = None):
        # ``port``: a server restarted where its stations expect it (tests/e2e/test_pack_bench.py).
        self.name, self.port = name, port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / f"server-{name}.log"
        self._log_file = open(self.log, "ab")
        # Its own process group: gunicorn's master and worker can be killed together (kill_hard).
        self.proc = subprocess.Popen(_server_command(self.port), cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                     stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_healthy(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server {self.name} exited with {self.proc.returncode}\n{self.output()}")
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise AssertionError(f"server {self.name} not healthy in time\n{self.output()}")

    def kill_hard(self) -> None:
        """``kill -9`` the whole server, master and worker (a crash, or ``systemctl kill -s KILL``)."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=5)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                # gunicorn's graceful stop, then its job worker's (2-3 s here; more while the
                # machine is busy; systemd would wait 90 s)
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # a worker its master left behind
        self._log_file.close()

    def output(self) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        return self.log.read_text(errors="replace")[-6000:]


def require_redis() -> None:
    import redis

    from tests.conftest import require

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        require(False, f"Redis unreachable at {REDIS_URL}: {exc.__class__.__name__}")


def cluster_env(postgres_url: str, tmp: Path) -> dict:
    """One floor's settings for every process: the same database, Redis and secret key (a cookie
    signed by one process is valid on the others), and a pub/sub channel of its own
    (COLIS_SOCKETIO_CHANNEL) so parallel runs on one Redis never hear each other."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLIS_")}
    env.update({
        "COLIS_DATABASE_URL": postgres_url,
        "COLIS_REDIS_URL": REDIS_URL,
        "COLIS_SOCKETIO_CHANNEL": f"colis-test-{uuid.uuid4().hex}",
        "COLIS_SECRET_KEY": f"test-{uuid.uuid4().hex}{uuid.uuid4().hex}",
        "COLIS_INSTANCE_PATH": str(tmp / "instance"),
        "PYTHONUNBUFFERED": "1",
    })
    return env


@contextlib.contextmanager
def running_servers(names, env: dict, tmp: Path, timeout: float = 15):
    """``colis-server serve`` processes, one per name, healthy; stopped on the way out."""
    servers = {name: ServerProcess(name, env, tmp) for name in names}
    try:
        deadline = time.monotonic() + timeout
        for server in servers.values():
            server.wait_healthy(deadline)
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@contextlib.contextmanager
def seeding_floor(database_url: str):
    """The app's floor on ``database_url``, to write a test's data before the processes start."""
    from server import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "seed-only"})
    floor = app.extensions["colis"]
    try:
        yield floor
    finally:
        floor.close()


@contextlib.contextmanager
def logs_on_failure(*processes):
    """On any error, print each process's output (pytest shows it with the failure)."""
    try:
        yield
    except BaseException:
        for process in processes:
            print(f"----- {process.name} ({process.url}) -----\n{process.output()}")
        raise


# --- nginx ----------------------------------------------------------------------------------------

def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def _replace_once(text: str, pattern: str, replacement, what: str) -> str:
    result, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if count != 1:
        raise AssertionError(f"{NGINX_SITE.relative_to(REPO)}: expected one {what}, found {count}")
    return result


def render_nginx_site(listen_port: int, node_ports: list[int], access_log: Path) -> str:
    """deploy/nginx/colis.conf as it is, but listening on ``listen_port`` for ``node_ports``."""
    site = NGINX_SITE.read_text()
    site = _replace_once(site, r"^    listen 80;$", f"    listen 127.0.0.1:{listen_port};", "`listen 80;`")
    site = _replace_once(site, r"^(    access_log )/var/log/nginx/colis\.access\.log( colis;)$",
                         lambda m: f"{m.group(1)}{access_log}{m.group(2)}", "access_log line")

    def nodes(match: re.Match) -> str:
        return "".join(f"    server 127.0.0.1:{port} {match.group('params')};\n" for port in node_ports)

    return _replace_once(site, r"(?:^    server 127\.0\.0\.1:\d+ (?P<params>[^;\n]*);\n)+", nodes,
                         "block of upstream `server` lines")


class NginxProcess:
    """Debian's nginx in the foreground with its own prefix, pid, logs and temp dirs (never the
    system service), serving deploy/nginx/colis.conf in front of ``node_ports``."""

    name = "nginx"

    def __init__(self, binary: str, tmp: Path, node_ports: list[int]):
        self.root = tmp / "nginx"
        self.root.mkdir()
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = self.root / "colis.access.log"
        (self.root / "colis.conf").write_text(render_nginx_site(self.port, node_ports, self.access_log))
        temp_paths = "".join(f"    {kind}_temp_path {self.root / kind};\n"
                             for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root;\n" if os.geteuid() == 0 else ""  # not nobody: temp dirs are under a 0700 tmp
        (self.root / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {self.root / 'nginx.pid'};\n"
            f"error_log {self.root / 'error.log'} info;\n"
            "events { worker_connections 4096; }\n"
            f"http {{\n{temp_paths}    include {self.root / 'colis.conf'};\n}}\n")
        self.log = self.root / "stderr.log"
        self._log_file = open(self.log, "wb")
        self.proc = subprocess.Popen([binary, "-p", str(self.root), "-c", str(self.root / "nginx.conf"),
                                      "-g", "daemon off;"], stdin=subprocess.DEVNULL, stdout=self._log_file,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"nginx exited with {self.proc.returncode}\n{self.output()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.05)
        raise AssertionError(f"nginx not listening in time\n{self.output()}")

    def requests_logged(self) -> list[dict]:
        """The access log, one dict a request (deploy/nginx/colis.conf's ``colis`` format)."""
        if not self.access_log.exists():
            return []
        return [json.loads(line) for line in self.access_log.read_text().splitlines() if line.strip()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # fast shutdown: open sockets are closed
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._log_file.close()

    def output(self) -> str:
        texts = [path.read_text(errors="replace")[-3000:] for path in (self.log, self.root / "error.log")
                 if path.exists()]
        return "\n".join(texts)


# --- clients --------------------------------------------------------------------------------------

def csrf(page: requests.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, f"no csrf_token in {page.url}"
    return found.group(1)


def login(base_url: str, username: str, password: str, web: requests.Session | None = None) -> requests.Session:
    """Sign in through the login form, as a browser does; the session keeps the cookies."""
    web = web or requests.Session()
    form = web.get(f"{base_url}/login", timeout=5)
    answer = web.post(f"{base_url}/login", allow_redirects=False, timeout=5,
                      data={"username": username, "password": password, "csrf_token": csrf(form)})
    assert answer.status_code == 302, f"login on {base_url}: {answer.status_code}"
    return web


def cookie_header(web: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in web.cookies)


def dashboard(url: str, cookie: str | None = None, transports=("websocket",), web: requests.Session | None = None):
    """A supervisor's dashboard socket: (client, floor events seen, set when disconnected).

    ``cookie`` goes with the connection's first request only; ``web``, a signed-in session, lends
    its cookie jar to every request, as a browser does (long-polling behind a sticky proxy)."""
    import socketio

    events: list[dict] = []
    gone = threading.Event()
    client = socketio.Client(reconnection=False, **({"http_session": web} if web is not None else {}))
    client.on("floor_update", lambda update: events.extend(update["events"]), namespace="/dashboard")
    client.on("disconnect", lambda *reason: gone.set(), namespace="/dashboard")
    client.connect(url, namespaces=["/dashboard"], headers={"Cookie": cookie} if cookie else {},
                   transports=list(transports), wait_timeout=5)
    return client, events, gone


def disconnect_all(*clients) -> None:
    """In parallel: each WebSocket close may wait seconds for the server's close frame."""
    closers = [threading.Thread(target=client.disconnect) for client in clients]
    for closer in closers:
        closer.start()
    for closer in closers:
        closer.join(timeout=10)
