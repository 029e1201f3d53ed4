"""The kiosk web page, served by the station on localhost.

The page long-polls /screen.json (simpler than SSE for a kiosk browser that
may sleep or reload), posts typed or keyboard-wedge codes to /scan and the
operator's keys to /action. Its words come from the one catalog, wire.texts.

Any web page the kiosk PC's browser opens can reach localhost (docs/security.md, "The kiosk"):
- the Host header must name this server (localhost, a loopback address or the configured
  host), so a DNS-rebound name (evil.example resolving to 127.0.0.1) gets a 421;
- a POST must be JSON (a cross-site form cannot send it without a CORS preflight, which is never
  granted) and, when the browser says where it comes from (Origin, Sec-Fetch-Site), from here;
- every answer forbids framing and inline script (CSP), and sniffing.
"""

from __future__ import annotations

import ipaddress
import os
import threading
from urllib.parse import urlsplit

from flask import Flask, abort, jsonify, render_template, request, send_from_directory
from werkzeug.serving import make_server

from labels.gs1 import is_valid_gtin
from labels.preview import barcode_svg
from wire.contract import PRINTER_PROBLEMS, SHORT_REASONS, Action
from wire.texts import DEFAULT_LOCALE, section
from wire.texts_returns import REASONS as RETURN_REASONS

UI_DIR = os.path.dirname(os.path.abspath(__file__))
STATIC_FILES = {"station.js": "text/javascript", "wedge.js": "text/javascript", "pack.js": "text/javascript",
                "returns.js": "text/javascript", "station.css": "text/css"}
# Keyboard-wedge scanners (wedge.js, docs/drivers.md): a burst of keys this fast is a scan; GS1's
# GS arrives as this key chord (Ctrl+], the ASCII control-key convention most scanners follow).
HAND_OVER_REASONS = ("damaged", "missing", "wrong_item", "other")  # server/domain/packing.py PackPolicy
DEFAULT_WEDGE = {"max_gap_ms": 50, "min_length": 4, "gs_keys": "Control+BracketRight"}
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "127.0.0.1", "::1"})
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                                "frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def host_allowed(host_header: str, allowed: frozenset[str]) -> bool:
    """The Host header's name (without port) is a loopback name or address, or one configured."""
    try:
        name = (urlsplit(f"//{host_header}").hostname or "").lower()
    except ValueError:  # a malformed port or bracket
        return False
    if name in allowed or name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def make_ui_app(core, poll_timeout: float = 20.0, allowed_hosts: tuple[str, ...] = (),
                wedge: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=UI_DIR, static_folder=None)
    app.json.ensure_ascii = False  # labels embedded in the page stay readable UTF-8
    allowed = frozenset(h.lower() for h in allowed_hosts if h and h not in ("0.0.0.0", "::"))

    @app.before_request
    def only_this_kiosk():
        if not host_allowed(request.host, allowed):
            abort(421)  # Misdirected Request: DNS rebinding, or a name this kiosk does not answer to
        if request.method == "POST":
            origin = request.headers.get("Origin")
            if origin is not None and (origin == "null" or not host_allowed(urlsplit(origin).netloc, allowed)
                                       or urlsplit(origin).netloc != request.host):
                abort(403)
            if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
                abort(403)
            if not request.is_json:  # 400, as /scan and /action always answered a body that is not JSON
                return jsonify(error="send JSON (Content-Type: application/json)"), 400

    @app.after_request
    def headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.get("/")
    def page():
        screen = core.screen()
        # The signed-in operator's language, else the station's (FR/EN per operator).
        locale = (screen.get("operator") or {}).get("locale") or screen["station"].get("locale") or DEFAULT_LOCALE
        return render_template("index.html", locale=locale, texts=page_texts(locale),
                               contract={"printer_problems": PRINTER_PROBLEMS, "reprint": Action.REPRINT,
                                         "backup_printer": Action.BACKUP_PRINTER,  # its key: F8
                                         "count": Action.COUNT, "wedge": {**DEFAULT_WEDGE, **(wedge or {})},
                                         "hand_over_reasons": HAND_OVER_REASONS,
                                         # the pick screen's keys (issue 6): multiples typed, a bin short
                                         "quantity": Action.QUANTITY, "short": Action.SHORT,
                                         "short_reasons": SHORT_REASONS,
                                         # an extra item at the returns desk: the RMA's reasons
                                         "extra": Action.EXTRA, "return_reasons": list(RETURN_REASONS)})

    @app.get("/<any(station.js, wedge.js, pack.js, returns.js, station.css):name>")
    def static_file(name):
        response = send_from_directory(UI_DIR, name, mimetype=STATIC_FILES[name])
        response.cache_control.no_cache = True  # a kiosk never restarts its browser
        return response

    @app.get("/barcode/<code>.svg")
    def barcode(code: str):
        """The picture of an item's barcode, as the packer finds it on the item (EAN-13, else Code 128)."""
        try:
            ean13 = len(code) == 13 and code.isascii() and code.isdecimal() and is_valid_gtin(code)
            svg = barcode_svg(code[:12], "ean13") if ean13 else barcode_svg(code[:80])
        except ValueError:
            abort(404)
        response = app.response_class(svg, mimetype="image/svg+xml")
        response.cache_control.max_age = 86400
        return response

    @app.get("/label/<int:job_id>.png")
    def label_picture(job_id: int):
        """The label waiting to print, as the printer will print it (labels/raster.py)."""
        response = _label_png(core.board.label_zpl(job_id))
        response.cache_control.max_age = 3600  # a job's label never changes
        return response

    @app.get("/return-label/<rma>.png")
    def return_label_picture(rma: str):
        """The return label Colis made for the RMA on the desk, to compare with the parcel's."""
        response = _label_png(core.board.return_label_zpl(rma))
        response.cache_control.no_cache = True  # printed later for other media: the same URL, redrawn
        return response

    def _label_png(zpl: str | None):
        """A label's ZPL drawn as the printer prints it; 404 when the station holds none."""
        from labels.raster import PreviewError, label_png

        if not zpl:
            abort(404)
        try:
            return app.response_class(label_png(zpl.encode("utf-8")), mimetype="image/png")
        except PreviewError:
            abort(404)

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
    return {prefix: section(prefix, locale) for prefix in ("kiosk", "state", "printer", "scale")}


class UiServer:
    """Werkzeug's threaded server on a daemon thread (long polls need threads)."""

    def __init__(self, core, host: str = "127.0.0.1", port: int = 0, poll_timeout: float = 20.0,
                 allowed_hosts: tuple[str, ...] = (), wedge: dict | None = None):
        app = make_ui_app(core, poll_timeout, allowed_hosts=(host, *allowed_hosts), wedge=wedge)
        self._server = make_server(host, port, app, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,), name="station-ui",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
