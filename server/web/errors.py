"""Our own 403, 404 and 500 pages, in the reader's language, with a way out.

API paths keep their JSON answers (the REST blueprints and /api/v1 have their own problem
documents); only pages get these.
"""
from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)
PAGES = {403: ("forbidden_title", "forbidden_text"), 404: ("not_found_title", "not_found_text"),
         500: ("server_error_title", "server_error_text")}


def _wants_page() -> bool:
    if request.path.startswith(("/api/", "/static/", "/socket.io")):
        return False
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best != "application/json" or request.accept_mimetypes.accept_html


def _page(code: int):
    title, text = PAGES[code]
    return render_template("error.html", code=code, title_key=title, text_key=text), code


def _problem(exc: HTTPException):
    """An API client gets an RFC 9457 problem document, not a page (nor werkzeug's HTML)."""
    if not request.path.startswith("/api/"):
        return exc
    body = {"type": "about:blank", "title": exc.name, "status": exc.code}
    return jsonify(body), exc.code, {"Content-Type": "application/problem+json"}


def init_app(app) -> None:
    def handle(exc: HTTPException):
        if not _wants_page():
            return _problem(exc)
        return _page(exc.code)

    for code in (403, 404):
        app.register_error_handler(code, handle)

    def server_error(exc):
        original = getattr(exc, "original_exception", None) or exc
        if not isinstance(original, HTTPException):
            log.error("unhandled error on %s %s", request.method, request.path, exc_info=original)
        if not _wants_page():
            return _problem(InternalServerError())
        return _page(500)

    app.register_error_handler(500, server_error)
