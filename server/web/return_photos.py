"""A photo of one returned unit (issue 8), taken at the desk's PC and uploaded on the return's
page: JPEG or PNG only (read from the file's first bytes, not its name or the browser's word),
at most 5 MB, kept under the instance folder as ``return_photos/<RMA>/<line id>.<jpg|png>``
(names built from ids only: nothing the client sends reaches a path). A new photo of the same
unit replaces the old one. Shown on ``/returns/<rma>``; served to the returns pages' roles only.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import abort, current_app, flash, redirect, request, send_file, url_for

from server.services.refunds import find_return
from server.web.access import RETURNS, roles
from server.web.returns_pages import _actor, _floor, bp, rt, show

MAX_PHOTO_BYTES = 5 * 1024 * 1024
KINDS = {"jpg": (b"\xff\xd8\xff", "image/jpeg"), "png": (b"\x89PNG\r\n\x1a\n", "image/png")}


def photos_dir(rma: str) -> Path:
    return Path(current_app.instance_path) / "return_photos" / rma


def photo_of(rma: str, line_id: int) -> Path | None:
    """The unit's photo on disk, or None."""
    for ext in KINDS:
        path = photos_dir(rma) / f"{line_id}.{ext}"
        if path.is_file():
            return path
    return None


def photo_lines(rma: str) -> set[int]:
    """Ids of the return's lines that have a photo (for the page)."""
    folder = photos_dir(rma)
    if not folder.is_dir():
        return set()
    return {int(name.split(".")[0]) for name in os.listdir(folder) if name.split(".")[0].isdigit()}


def photo_kind(head: bytes) -> str | None:
    """``jpg`` or ``png`` from the file's first bytes, else None."""
    return next((ext for ext, (magic, _) in KINDS.items() if head.startswith(magic)), None)


@bp.post("/returns/<rma>/lines/<int:line_id>/photo")
@roles(*RETURNS)
def upload_photo(rma: str, line_id: int):
    # Past twice the limit the request is refused before it is read (413); up to it, the words below.
    request.max_content_length = 2 * MAX_PHOTO_BYTES
    upload = request.files.get("photo")
    data = upload.stream.read(MAX_PHOTO_BYTES + 1) if upload else b""
    kind = photo_kind(data[:8])
    if not data:
        return _refuse(rma, rt("photo_missing"))
    if len(data) > MAX_PHOTO_BYTES:
        return _refuse(rma, rt("photo_too_big", mb=MAX_PHOTO_BYTES // (1024 * 1024)))
    if kind is None:
        return _refuse(rma, rt("photo_not_image"))
    with _floor().uow() as uow:
        case = find_return(uow.session, rma)
        if case is None or line_id not in {line.id for line in case.lines}:
            abort(404)
        _store(case.rma, line_id, kind, data)
        uow.emit("return_photo_added", rma=case.rma, line_id=line_id, bytes=len(data), actor=_actor())
        uow.commit()
        flash(rt("photo_saved"), "ok")
        return redirect(url_for(".show", rma=case.rma))


def _store(rma: str, line_id: int, kind: str, data: bytes) -> None:
    folder = photos_dir(rma)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{line_id}.{kind}"
    partial = folder / f".{line_id}.{kind}.part"
    partial.write_bytes(data)
    os.replace(partial, final)  # whole or not at all: a reader never sees half a photo
    for other in KINDS:  # a PNG replacing a JPEG leaves one photo
        if other != kind:
            (folder / f"{line_id}.{other}").unlink(missing_ok=True)


def _refuse(rma: str, why: str):
    """The return's page again with the reason, 422, nothing stored."""
    flash(rt("photo_refused", why=why), "error")
    page = show(rma)
    return page, 422


@bp.get("/returns/<rma>/lines/<int:line_id>/photo")
@roles(*RETURNS)
def photo(rma: str, line_id: int):
    path = photo_of(rma.strip().upper(), line_id) if rma.isalnum() else None
    if path is None:
        abort(404)
    return send_file(path, mimetype=KINDS[path.suffix[1:]][1], max_age=0)
