"""The configured layout is the one allocation and the batch walk route with (SQLite and
PostgreSQL): with zone C configured as the block's first aisles, C's bins come first."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server import create_app
from server.models import Station, Task
from server.services import dispatch
from server.services.allocation import allocate_order
from tests.factories import add_item, add_order, add_station


@pytest.fixture
def app_with_layout(database_url, tmp_path):
    layout = tmp_path / "layout.toml"
    layout.write_text('[layout]\nzones = ["C", "B", "A"]\n', encoding="utf-8")
    made = {}

    def make(layout_file: str | None):
        app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                          "LAYOUT_FILE": layout_file})
        made.setdefault("apps", []).append(app)
        return app.extensions["colis"]

    yield make, str(layout)
    for app in made.get("apps", []):
        app.extensions["colis"].close()


def bins_of_new_task(floor) -> list[str]:
    with floor.uow() as uow:
        items = [add_item(uow, name, on_hand=3, bin_code=code)
                 for name, code in (("Lampe", "A-01-05-1"), ("Mug", "C-01-05-1"), ("Vase", "B-02-03-1"))]
        order = add_order(uow, [(item, 1) for item in items])
        task = allocate_order(uow, order.id)
        uow.commit()
        return [line.bin.code for line in sorted(task.lines, key=lambda line: line.sequence)]


def test_allocation_and_the_batch_walk_follow_the_configured_floor(app_with_layout):
    make, layout_file = app_with_layout
    assert bins_of_new_task(make(None)) == ["A-01-05-1", "B-02-03-1", "C-01-05-1"]  # the demo floor
    floor = make(layout_file)
    assert bins_of_new_task(floor) == ["C-01-05-1", "B-02-03-1", "A-01-05-1"]
    with floor.uow() as uow:
        cart = add_station(uow, "CART-01", "pick_batch")[0]
        uow.commit()
    with floor.uow() as uow:
        screen = dispatch.request_task(uow, uow.session.get(Station, cart))
    assert screen["state"] == "bind_totes"
    with floor.uow() as uow:
        held = uow.session.scalars(select(Task).where(Task.station_id == cart)).all()
        assert held  # the batch's first line, on this floor, is in zone C
    assert screen["batch"]["next"]["bin"].startswith("C-")
