"""The returns commands on both databases: open-return with lines and reasons (bad lines
refused, nothing created), return-label writes a PDF, returns-export writes the CSV."""
from __future__ import annotations

import csv

from sqlalchemy import func, select

from server.models import Return
from tests.returns_kit import shipped_order


def test_open_return_then_its_label_and_the_export(app, floor, tmp_path):
    with floor.uow() as uow:
        order = shipped_order(uow)
        uow.commit()
    runner = app.test_cli_runner()
    lamp, mug = order["lamp"].sku, order["mug"].sku
    opened = runner.invoke(args=["open-return", order["reference"], "--line", f"{lamp}:2:wrong_size",
                                 "--line", f"{mug}:1:damaged"])
    assert opened.exit_code == 0, opened.output
    rma = opened.stdout.strip().splitlines()[0]
    with floor.uow() as uow:
        case = uow.session.scalars(select(Return)).one()
        assert (case.rma, case.source, [(line.quantity, line.reason) for line in case.lines]) == (
            rma, "cli", [(2, "wrong_size"), (1, "damaged")])
    pdf = tmp_path / "label.pdf"
    assert runner.invoke(args=["return-label", rma, "--pdf", str(pdf)]).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
    exported = tmp_path / "returns.csv"
    result = runner.invoke(args=["returns-export", str(exported)])
    assert result.exit_code == 0 and "wrong_size: 1 return(s), 2 unit(s), 40.00" in result.output
    with exported.open(encoding="utf-8") as handle:
        assert [row["sku"] for row in csv.DictReader(handle)] == [lamp, mug]


def test_bad_lines_are_refused_and_nothing_is_created(app, floor):
    with floor.uow() as uow:
        order = shipped_order(uow)
        uow.commit()
    runner = app.test_cli_runner()
    lamp = order["lamp"].sku
    for line in ("NOPE:1:late", f"{lamp}:x:late", f"{lamp}:9:late", f"{lamp}:1:bored", "garbage"):
        result = runner.invoke(args=["open-return", order["reference"], "--line", line])
        assert result.exit_code != 0, line
    assert runner.invoke(args=["open-return", "CO-9999999", "--line", f"{lamp}:1:late"]).exit_code != 0
    with floor.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Return)) == 0
