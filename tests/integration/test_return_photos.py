"""A photo of a returned unit on the return's page (issue 8), SQLite and PostgreSQL: a JPEG or a
PNG is kept under the instance folder and shown; anything else, nothing, or more than 5 MB is
refused in words (422) and nothing is stored; a line of another return is 404."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select

from server.models import Return
from server.web.return_photos import MAX_PHOTO_BYTES
from tests.factories import signed_in
from tests.returns_kit import open_rma, shipped_order
from wire.texts import text


def png() -> bytes:
    """A real 1x1 PNG (signature, IHDR, IDAT, IEND with their CRCs)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"


@pytest.fixture
def case(app, floor, tmp_path):
    app.instance_path = str(tmp_path)  # the session's instance folder is shared; RMA numbers repeat per database
    with floor.uow() as uow:
        rma = open_rma(uow, shipped_order(uow), [("lamp", 1, "damaged"), ("mug", 1, "late")])
        other = open_rma(uow, shipped_order(uow), [("lamp", 1, "late")])
        returned = uow.session.scalars(select(Return).where(Return.rma == rma)).one()
        stranger = uow.session.scalars(select(Return).where(Return.rma == other)).one()
        uow.commit()
        return {"rma": rma, "line": returned.lines[0].id, "other_line": stranger.lines[0].id}


def send(client, case, data: bytes, name: str = "photo.jpg", line: int | None = None):
    form = {"photo": (io.BytesIO(data), name)} if data is not None else {}
    return client.post(f"/returns/{case['rma']}/lines/{line or case['line']}/photo?lang=en", data=form,
                       content_type="multipart/form-data")


def stored(app, case) -> list[str]:
    folder = Path(app.instance_path) / "return_photos" / case["rma"]
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def test_a_png_then_a_jpeg_of_a_unit_is_kept_and_shown(app, floor, case):
    clerk = signed_in(app, floor, "claire", "returns_clerk")
    assert send(clerk, case, png(), "lampe.png").status_code == 302
    assert stored(app, case) == [f"{case['line']}.png"]
    page = clerk.get(f"/returns/{case['rma']}?lang=en").data.decode()
    url = f"/returns/{case['rma']}/lines/{case['line']}/photo"
    assert f'src="{url}"' in page and text("web.ret.photo_saved", "en") in page
    shown = clerk.get(url)
    assert (shown.status_code, shown.mimetype, shown.data) == (200, "image/png", png())
    assert send(clerk, case, JPEG, "lampe.png").status_code == 302  # the bytes say JPEG, not the name
    assert stored(app, case) == [f"{case['line']}.jpg"]  # the new photo replaces the old one
    assert clerk.get(url).mimetype == "image/jpeg"


@pytest.mark.parametrize("data, name, why", [
    (b"GIF89a" + b"\x00" * 40, "photo.gif", "photo_not_image"),
    (b"%PDF-1.7\n", "photo.jpg", "photo_not_image"),  # a name saying JPEG is not enough
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "photo.png", "photo_not_image"),
    (b"", "photo.jpg", "photo_missing"),
    (None, "", "photo_missing"),
    (JPEG[:3] + b"\x00" * MAX_PHOTO_BYTES, "big.jpg", "photo_too_big"),
])
def test_anything_but_a_jpeg_or_png_up_to_5_mb_is_refused_and_nothing_is_stored(app, floor, case, data, name, why):
    clerk = signed_in(app, floor, "claire", "returns_clerk")
    refused = send(clerk, case, data, name)
    words = text(f"web.ret.{why}", "en", mb=5)
    assert refused.status_code == 422 and words in refused.data.decode()
    assert stored(app, case) == []


def test_a_line_of_another_return_or_an_unknown_photo_is_404(app, floor, case):
    clerk = signed_in(app, floor, "claire", "returns_clerk")
    assert send(clerk, case, JPEG, line=case["other_line"]).status_code == 404
    assert stored(app, case) == []
    assert clerk.get(f"/returns/{case['rma']}/lines/{case['line']}/photo").status_code == 404
    assert clerk.get("/returns/..%2F..%2Fsecret_key/lines/1/photo").status_code == 404
