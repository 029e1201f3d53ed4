"""A private CUPS scheduler for tests and benches: its own config, port, spool and logs in a
temporary folder, run in the foreground (`cupsd -f`) and stopped by its process id."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

CUPSD = "/usr/sbin/cupsd"
TOOLS = ("lp", "lpstat", "lpadmin")


def cups_missing() -> str | None:
    """Why a private CUPS cannot run here, or None."""
    if not os.access(CUPSD, os.X_OK):
        return f"{CUPSD} is not installed (Debian: cups-daemon)"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    return f"{', '.join(missing)} not installed (Debian: cups-client)" if missing else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateCups:
    """Its folder is made under the system temp dir, not pytest's: the backends run as the
    ``lp`` user, which must reach the spooled files (pytest's folders are 0700)."""

    def __init__(self):
        self.root, self.port = Path(tempfile.mkdtemp(prefix="colis-cups-")), _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def server(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> PrivateCups:
        for name in ("spool", "tmp", "cache", "state", "log", "ppd", "ssl"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        os.chmod(self.root / "tmp", 0o1777)  # the backends run as lp
        os.chmod(self.root, 0o755)
        files = {"ServerRoot": "", "RequestRoot": "/spool", "TempDir": "/tmp", "CacheDir": "/cache",
                 "StateDir": "/state", "ErrorLog": "/log/error_log", "AccessLog": "/log/access_log",
                 "PageLog": "/log/page_log"}
        lines = [f"{key} {self.root}{value}" for key, value in files.items()]
        lines.append(f"Printcap {self.root}/printcap")  # not /run/cups: nothing outside the folder
        lines += ["ServerBin /usr/lib/cups", "DataDir /usr/share/cups", "User lp", "Group lp", "SystemGroup root"]
        (self.root / "cups-files.conf").write_text("\n".join(lines) + "\n")
        (self.root / "cupsd.conf").write_text(
            f"Listen 127.0.0.1:{self.port}\nLogLevel info\nWebInterface No\nBrowsing No\nDefaultAuthType None\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order allow,deny\n    Allow all\n  </Limit>\n</Policy>\n")
        self.process = subprocess.Popen([CUPSD, "-f", "-c", str(self.root / "cupsd.conf"),
                                         "-s", str(self.root / "cups-files.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_running()
        return self

    def _wait_running(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"cupsd exited {self.process.returncode}: {self.process.stderr.read()!r}")
            if b"is running" in self.run("lpstat", "-r").stdout:
                return
            time.sleep(0.1)
        raise TimeoutError(f"cupsd did not answer on {self.server} within {timeout:g} s; see {self.root}/log")

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([tool, "-h", self.server, *args], capture_output=True, timeout=15)

    def add_raw_queue(self, name: str, device_uri: str) -> None:
        done = self.run("lpadmin", "-p", name, "-E", "-v", device_uri, "-m", "raw")
        if done.returncode != 0:
            raise RuntimeError(f"lpadmin: {done.stderr!r}")

    def completed_jobs(self, queue: str) -> list[str]:
        out = self.run("lpstat", "-W", "completed", "-o", queue).stdout.decode()
        return [line.split()[0] for line in out.splitlines() if line.strip()]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)
