"""bandit over the shipped code, with every finding reviewed (issue 10; docs/security.md, "bandit").

A new finding fails this test until it is fixed or reviewed here with the reason it is safe.
Findings are counted per (file, check), not per line, so edits elsewhere in a file do not churn
this list, and a second occurrence of a reviewed pattern in the same file still needs a look.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter

from tests.conftest import require

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCANNED = ["server", "station", "wire", "labels"]

REVIEWED: dict[tuple[str, str], tuple[int, str]] = {
    ("server/config.py", "B105"): (4, "the public dev key listed to be refused, a comment next to SECRET_KEY=None, "
                                      "MAIL_SMTP_PASSWORD=None and DPD_PUSH_TOKEN=None (unset by default)"),
    ("server/demo_data/__init__.py", "B311"): (1, "seeded demo data: determinism, not secrecy"),
    ("server/demo_data/writer.py", "B608"): (1, "table names from the models' own list; no input reaches it"),
    ("server/tracking_poll.py", "B310"): (1, "La Poste's configured URL (TRACKING_LAPOSTE_URL), http(s) only, "
                                            "checked before opening; never a customer's input"),
    ("server/production.py", "B404"): (1, "subprocess: serve starts its own `colis-server worker` child"),
    ("server/production.py", "B603"): (1, "a fixed argument list (this Python, `worker --beside-serve`), no shell"),
    ("server/services/stations.py", "B106"): (1, "token_hash='' placeholder, set to the hash before the flush"),
    ("server/services/users.py", "B106"): (1, "password_hash='' placeholder, set to the hash before the flush"),
    ("station/config.py", "B105"): (1, "the name of an environment variable, not a token"),
    ("station/drivers/cups.py", "B404"): (1, "subprocess for lpstat/lp (CUPS)"),
    ("station/drivers/cups.py", "B603"): (1, "argument list, no shell; queue and server come from the printer's URL in config"),
    ("station/drivers/simulated.py", "B101"): (1, "an assert in the simulated printer used by tests and the demo"),
    ("station/link.py", "B311"): (1, "reconnect back-off jitter: spreading, not secrecy"),
    ("station/outbox.py", "B608"): (6, "column lists and WHERE clauses are module constants; values are bound ?"),
    ("station/ui/server.py", "B104"): (1, "'0.0.0.0' is compared, to refuse it as a Host name; nothing binds it"),
}


def test_bandit_reports_nothing_that_was_not_reviewed():
    bandit = shutil.which("bandit", path=os.path.dirname(sys.executable)) or shutil.which("bandit")
    require(bandit is not None, "bandit is not installed (pip install -e '.[dev]')")  # CI=true: a failure
    done = subprocess.run([bandit, "-q", "-r", *SCANNED, "-f", "json"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    report = json.loads(done.stdout)
    assert not report["errors"], report["errors"]
    found = Counter((r["filename"].replace(os.sep, "/"), r["test_id"]) for r in report["results"])
    unreviewed = {key: n for key, n in found.items() if n > REVIEWED.get(key, (0, ""))[0]}
    details = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]
               if (r["filename"].replace(os.sep, "/"), r["test_id"]) in unreviewed]
    assert not unreviewed, "new bandit findings (fix, or review in this file):\n" + "\n".join(details)
