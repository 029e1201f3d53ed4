"""The promise watcher from the command line (a timer's `colis-server keep-promises`) and a
supervisor's REST undo."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.models import PromiseDecision, Task
from server.models._types import utcnow
from tests.factories import signed_in
from tests.integration.test_promises import _floor_orders


def test_keep_promises_then_undo_from_the_cli_and_from_rest(app, floor):
    long_ago = utcnow() - timedelta(days=10)  # whatever today is, nothing delivers by then
    ids = _floor_orders(floor, 1, late={0: {"ship_by": long_ago, "deliver_by": long_ago.date()}})
    runner = app.test_cli_runner()
    done = runner.invoke(args=["keep-promises"])
    assert done.exit_code == 0, done.output
    assert "1 open orders watched, 1 would miss their promise, 1 decisions recorded" in done.output
    listed = runner.invoke(args=["promise-decisions", "--order", f"CO-{ids[0]:07d}"])
    assert "none (0 cents): no action keeps the promise" in listed.output
    assert runner.invoke(args=["promise-decisions", "--order", "nope"]).exit_code != 0
    with floor.uow() as uow:
        decision_id = uow.session.scalar(select(PromiseDecision.id))
    web = signed_in(app, floor, "sophie", "supervisor")
    page = web.get(f"/api/v1/promises?order=CO-{ids[0]:07d}").get_json()
    assert [row["action"] for row in page["decisions"]] == ["none"]
    undone = web.post(f"/api/v1/promises/{decision_id}/undo").get_json()
    assert undone["undone_by"] == "user:sophie"
    assert runner.invoke(args=["undo-promise", str(decision_id)]).exit_code == 0  # already undone: the same
    refused = runner.invoke(args=["undo-promise", "424242"])
    assert refused.exit_code != 0 and "no promise decision 424242" in refused.output
    assert web.post("/api/v1/promises/424242/undo").status_code == 409
    clerk = signed_in(app, floor, "claire", "returns_clerk")
    assert clerk.get("/api/v1/promises").status_code == 403
    with floor.uow() as uow:
        assert uow.session.scalar(select(Task.priority)) == 5
