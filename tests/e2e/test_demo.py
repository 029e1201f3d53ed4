"""``make demo`` as a newcomer runs it: the floor comes up, answers, and Ctrl-C stops it cleanly."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import urllib.request



def http_status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as reply:
        return reply.status


def test_the_demo_floor_comes_up_moves_and_stops_on_ctrl_c(tmp_path):
    demo = subprocess.Popen([sys.executable, "-m", "demo", "--home", str(tmp_path / "demo"), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines: list[str] = []
    try:
        for line in demo.stdout:
            lines.append(line)
            if line.startswith("Type a barcode"):
                break
        output = "".join(lines)
        dashboard = re.search(r"Dashboard:\s+(\S+)", output).group(1)
        stations = re.findall(r"Station (\S+)\s+(http://\S+)", output)
        assert len(stations) >= 2
        assert http_status(dashboard) == 200
        for _, url in stations:
            assert http_status(url) == 200
        health = dashboard.split("/login")[0] + "/api/v1/health"
        assert http_status(health) == 200
        time.sleep(3)  # let the simulated operators scan a little
        demo.send_signal(signal.SIGINT)
        rest, _ = demo.communicate(timeout=20)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.communicate()
    assert demo.returncode == 0, rest
    before_stop = rest.split("Stopping the floor")[0]
    assert "disconnected" not in before_stop, "stations dropped before the orderly stop"
    assert "Stopped." in rest
