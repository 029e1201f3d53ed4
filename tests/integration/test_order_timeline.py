"""An order's timeline (issue 9): the wave that released it, with who and which wave, and a
timeline read in the same few queries whatever the number of its labels."""
from __future__ import annotations

from sqlalchemy import select

from server.models import Order, Package, PrintJob
from server.services import order_pages, waves
from tests.factories import add_station, signed_in
from tests.integration.test_scan_path import statements_of
from tests.integration.test_supervisor_pages import _order


def _in_waves(floor) -> None:
    with floor.uow() as uow:
        waves.set_policy(uow, "pick", 0, actor="test")  # orders reach the floor only in waves
        uow.commit()


def test_the_order_page_shows_the_wave_that_released_it_who_and_which(app, floor):
    _in_waves(floor)
    ref, order_id, _ = _order(floor)
    other, _, _ = _order(floor)
    with floor.uow() as uow:
        wave = waves.release_wave(uow, 10, actor="user:sophie")
        uow.commit()
        wave_id = wave.id
    web = signed_in(app, floor, "marc", "supervisor")
    row = next(line for line in web.get(f"/orders/{ref}?lang=fr").get_data(as_text=True).split("<tr")
               if "Vague" in line)
    assert f"Vague n° {wave_id} lancée (2 commandes)" in row and "sophie" in row
    english = web.get(f"/orders/{ref}?lang=en").get_data(as_text=True)
    assert f"Wave {wave_id} released (2 orders)" in english


def test_an_order_released_without_a_wave_has_no_wave_line(app, floor):
    ref, _, _ = _order(floor)  # the default policy: released as allocated, no wave
    web = signed_in(app, floor, "marc", "supervisor")
    assert "Vague n°" not in web.get(f"/orders/{ref}?lang=fr").get_data(as_text=True)


def _labels(floor, order_id: int, stations: list[int]) -> None:
    with floor.uow() as uow:
        for station_id in stations:
            package = Package(order_id=order_id, carrier="DEMO", service="STANDARD", weight_g=300)
            uow.session.add(package)
            uow.session.flush()
            uow.session.add(PrintJob(station_id=station_id, package_id=package.id, kind="shipping", zpl="^XA^XZ"))
        uow.commit()


def _timeline_statements(floor, order_id: int) -> int:
    def read():
        with floor.uow() as uow:
            order_pages.timeline(uow.session, uow.session.get(Order, order_id))
    return len(statements_of(floor, read))


def test_the_timeline_reads_as_many_statements_for_one_label_as_for_six(floor):
    _in_waves(floor)
    with floor.uow() as uow:
        stations = [add_station(uow, f"PACK-0{n}", "pack")[0] for n in range(1, 4)]
        uow.commit()
    _, one, _ = _order(floor)
    _, six, _ = _order(floor)
    with floor.uow() as uow:
        waves.release_wave(uow, 10, actor="test")
        uow.commit()
    _labels(floor, one, stations[:1])
    _labels(floor, six, stations * 2)
    assert _timeline_statements(floor, one) == _timeline_statements(floor, six)
    with floor.uow() as uow:
        places = {item["where"] for item in order_pages.timeline(uow.session, uow.session.get(Order, six))
                  if item["kind"] == "print"}
        assert places == {"PACK-01", "PACK-02", "PACK-03"}
        assert uow.session.scalar(select(Order.wave_id).where(Order.id == six)) is not None
