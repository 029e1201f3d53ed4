"""The kiosk web page, served by the station on localhost.

The page long-polls /screen.json (simpler than SSE for a kiosk browser that
may sleep or reload), posts typed or keyboard-wedge codes to /scan and the
operator's keys to /action. Its words come from the one catalog, wire.texts.
"""

from __future__ import annotations

import os
import threading

from flask import Flask, jsonify, render_template, request, send_from_directory
from werkzeug.serving import make_server

from wire.contract import PRINTER_PROBLEMS, Action
from wire.texts import DEFAULT_LOCALE, section

UI_DIR = os.path.dirname(os.path.abspath(__file__))
STATIC_FILES = {"station.js": "text/javascript", "station.css": "text/css"}


def make_ui_app(core, poll_timeout: float = 20.0) -> Flask:
    app = Flask(__name__, template_folder=UI_DIR, static_folder=None)
    app.json.ensure_ascii = False  # labels embedded in the page stay readable UTF-8

    @app.get("/")
    def page():
        locale = core.screen()["station"].get("locale") or DEFAULT_LOCALE
        return render_template("index.html", locale=locale, texts=page_texts(locale),
                               contract={"printer_problems": PRINTER_PROBLEMS, "reprint": Action.REPRINT,
                                         "count": Action.COUNT})

    @app.get("/<any(station.js, station.css):name>")
    def static_file(name):
        response = send_from_directory(UI_DIR, name, mimetype=STATIC_FILES[name])
        response.cache_control.no_cache = True  # a kiosk never restarts its browser
        return response

    @app.get("/screen.json")
    def screen():
        after = request.args.get("after", default=-1, type=int)
        return jsonify(core.wait_screen(after, poll_timeout))

    @app.post("/scan")
    def scan():
        code = json_field("code")
        if code is None:
            return jsonify(error="send {\"code\": \"...\"} as JSON"), 400
        try:
            pending = core.submit_typed(code)
        except ValueError as exc:
            return jsonify(error=str(exc)), 400
        return jsonify(uuid=pending.uuid, queued=True), 202

    @app.post("/action")
    def action():
        name = json_field("name")
        if name is None:
            return jsonify(error="send {\"name\": \"...\"} as JSON"), 400
        body = request.get_json(silent=True)
        params = body.get("params") if isinstance(body, dict) else None
        if params is not None and not isinstance(params, dict):
            return jsonify(error="params must be an object"), 400
        try:
            if params:  # a key with what was typed (a counted quantity)
                core.submit_action(name, params)
            else:
                core.submit_action(name)
        except ValueError as exc:
            return jsonify(error=str(exc)), 400
        return jsonify(queued=True), 202

    @app.post("/reprint")
    def reprint():
        core.reprint()
        return jsonify(queued=True), 202

    return app


def json_field(key: str) -> str | None:
    # JSON only: a cross-site form cannot post JSON without a CORS preflight.
    body = request.get_json(silent=True) if request.is_json else None
    value = body.get(key) if isinstance(body, dict) else None
    return value if isinstance(value, str) else None


def page_texts(locale: str) -> dict[str, dict[str, str]]:
    """The catalog sections the kiosk draws with: its own words, state titles, printer words."""
    return {prefix: section(prefix, locale) for prefix in ("kiosk", "state", "printer")}


class UiServer:
    """Werkzeug's threaded server on a daemon thread (long polls need threads)."""

    def __init__(self, core, host: str = "127.0.0.1", port: int = 0, poll_timeout: float = 20.0):
        self._server = make_server(host, port, make_ui_app(core, poll_timeout), threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,), name="station-ui",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
