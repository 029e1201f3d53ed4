"""Colis server: ``create_app`` builds the floor's brain (web pages, REST API, Socket.IO)."""
from __future__ import annotations

import os

from flask import Flask

from server import config as colis_config


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=colis_config.instance_dir(), instance_relative_config=True)
    colis_config.load(app, test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    from server.floor import Floor
    from server.extensions import csrf, login_manager, socketio

    floor = Floor.from_config(app.config)
    app.extensions["colis"] = floor
    from server.domain.packing import PackPolicy

    # The packing bench's PACK_* settings, where the pack scenario's facts read them (docs/flows.md).
    floor.session_factory.kw.setdefault("info", {})["pack_policy"] = PackPolicy.from_mapping(app.config)
    csrf.init_app(app)
    login_manager.init_app(app)
    socketio.init_app(app, async_mode=app.config["SOCKETIO_ASYNC_MODE"],
                      message_queue=app.config["REDIS_URL"], channel=app.config["SOCKETIO_CHANNEL"],
                      max_http_buffer_size=app.config["SOCKETIO_MAX_MESSAGE_BYTES"],
                      logger=False, engineio_logger=False)
    from server.api.sockets_registry import make_registry

    app.extensions["colis_sockets"] = make_registry(app.config["REDIS_URL"], app.config["SOCKETIO_CHANNEL"])
    floor.attach_broadcaster(socketio, app.config["DASHBOARD_MAX_RATE"], app.config["DASHBOARD_SNAPSHOT_EVERY"])

    from server.api import register

    register(app, socketio)
    from server.web import printers as printers_web

    printers_web.init_app(app)  # the fleet's page and its spooler (issue 7)
    from server.cli import register_commands

    register_commands(app)
    from server import queue

    queue.configure(app)  # after register(): every module defining jobs is imported by then
    return app
