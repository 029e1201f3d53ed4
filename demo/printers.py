"""The demo floor's printer fleet: each station's fake Zebra is a fleet printer serving it, the
packing table and the returns desk back each other up, so /printers shows live states (the demo's
empty label rolls) and a reprint from an order page really prints."""
from __future__ import annotations

from sqlalchemy import select

from server.models import Printer
from server.services.printers import add_printer

BACKUPS = {"ZD-PACK-01": "ZD-RET-01", "ZD-RET-01": "ZD-PACK-01"}


def register_printers(app, floor) -> None:
    uow_of = app.extensions["colis"].uow
    for code, live in floor.stations.items():
        with uow_of() as uow:
            add_printer(uow, name=f"ZD-{code}", url=f"{live.printer.url}?timeout=1", location=code,
                        media="4x4" if code.startswith("RET") else "4x6", station_code=code)
    with uow_of() as uow:
        fleet = {printer.name: printer for printer in uow.session.scalars(select(Printer))}
        for name, backup in BACKUPS.items():
            if name in fleet and backup in fleet:
                fleet[name].backup_id = fleet[backup].id
        uow.commit()
