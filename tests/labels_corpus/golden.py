"""Every label of a fixed corpus, by name, so a speed-up can prove it changed no byte.

``tests/fixtures/labels_golden.json`` holds the SHA-256 of each label's ZPL as built by the code
before the label build was made faster (written with ``python -m tests.labels_corpus.golden``
from that code, then committed before any optimisation). The corpus: every hard address as
recipient and as return customer, the bench's recipients, at 203, 300 and 600 dpi on every media
the label takes, with the routing barcode, a QR code, a second tracking format and a packing slip.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from labels import (LabelAddress, PackingSlipData, ReturnLabelData, ShippingLabelData, SlipLine, make_sscc,
                    packing_slip, return_label, shipping_label)
from labels.text import LabelDataError
from tests.labels_corpus import HARD_ADDRESSES, TRACKING_NUMBERS

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "labels_golden.json"
WAREHOUSE = LabelAddress("Colis - Entrepot Lyon Sud", "ZI des Platanes, quai 4", "", "69200", "Vénissieux", "FR")
BENCH_NAMES = ("Élodie Dupré-Saint-Exupéry", "山田 太郎", "Γιώργος Παπαδόπουλος", "Hans Müller")


def _recipients() -> Iterator[tuple[str, LabelAddress]]:
    yield from HARD_ADDRESSES.items()
    for i, name in enumerate(BENCH_NAMES):
        yield f"bench-{i}", LabelAddress(f"{name} {i * 37}", f"{i * 11 + 1} rue de la Gare", "", "69003",
                                         "Lyon", "FR")


def _shipping(name: str, recipient: LabelAddress, n: int) -> Iterator[tuple[str, ShippingLabelData]]:
    base = dict(sender=WAREHOUSE, recipient=recipient, carrier="Colissimo", service="Domicile",
                sscc=make_sscc(0, "3761234", n + 1), order_ref=f"CMD-2026-{n:06d}", weight_g=800 + 37 * n,
                ship_date=date(2026, 11, 29))
    yield name, ShippingLabelData(tracking_number=TRACKING_NUMBERS[n % len(TRACKING_NUMBERS)], **base)
    try:
        yield f"{name}+routing", ShippingLabelData(tracking_number="LA123456789FR", routing_barcode=True,
                                                   package_no=2, package_count=3, company_prefix_length=7,
                                                   **base)
    except LabelDataError:
        pass  # no postal code a routing barcode can carry


def labels() -> Iterator[tuple[str, bytes]]:
    """(case name, ZPL bytes) for every label of the corpus, in a fixed order."""
    for n, (name, recipient) in enumerate(_recipients()):
        for case, data in _shipping(name, recipient, n):
            for dpi in (203, 300, 600):
                for size in ("4x6", "100x150"):
                    yield f"ship/{case}/{dpi}/{size}", shipping_label(data, dpi=dpi, size=size)
        back = ReturnLabelData(rma=f"RMA{n:08d}", order_ref=f"CMD-2026-{n:06d}", customer=recipient,
                               return_to=WAREHOUSE, carrier="Colissimo" if n % 2 else "",
                               tracking_number="6A12345678901" if n % 2 else "",
                               # 4x4 has no room for a QR code and a tracking barcode together (a known limit):
                               # the QR only where there is no carrier.
                               status_url=f"https://colis.example/r/{n:06d}" if n % 4 == 0 else "")
        for dpi in (203, 300, 600):
            for size in ("4x4", "4x6", "100x150"):
                yield f"return/{name}/{dpi}/{size}", return_label(back, dpi=dpi, size=size)
    slip = PackingSlipData(order_ref="CMD-2026-000042", recipient_name=HARD_ADDRESSES["greek"].name,
                           lines=tuple(SlipLine(f"SKU-{i:04d}", f"Article {i} Élodie ligne longue " * (i % 3 + 1), i + 1)
                                       for i in range(30)),
                           ship_date=date(2026, 11, 29))
    for dpi in (203, 300):
        yield f"slip/{dpi}", packing_slip(slip, dpi=dpi)


def digests() -> dict[str, str]:
    return {name: hashlib.sha256(zpl).hexdigest() for name, zpl in labels()}


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(digests(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}", file=sys.stderr)
