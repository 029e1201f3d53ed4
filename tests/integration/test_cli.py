"""``colis-server`` commands, through Flask's CLI runner, on both databases."""
from __future__ import annotations

from sqlalchemy import select

from server.models import Order, Station


def test_create_station_prints_a_token_only_its_hash_is_kept(app, floor):
    result = app.test_cli_runner().invoke(args=["create-station", "PACK-09", "--role", "pack"])
    token = result.output.strip()
    assert result.exit_code == 0 and len(token) >= 40
    with floor.uow() as uow:
        station = uow.session.scalars(select(Station).where(Station.code == "PACK-09")).one()
        assert token not in station.token_hash


def test_seed_allocate_and_a_clear_error_for_a_bad_order_reference(app, floor):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo", "--orders", "5"]).exit_code == 0
    assert "allocated" in runner.invoke(args=["allocate"]).output
    for bad in ("CO-12x", "nonsense", "CO-0009999"):
        result = runner.invoke(args=["authorize-return", bad])
        assert result.exit_code == 2 and "no order" in result.output, result.output
    with floor.uow() as uow:
        first = uow.session.scalars(select(Order).order_by(Order.id)).first().reference
    result = runner.invoke(args=["authorize-return", first])
    assert result.exit_code == 1 and "only a shipped order can be returned" in result.output
