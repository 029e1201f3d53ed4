"""Adapters from the outside world (Socket.IO, HTTP) to the services."""
from __future__ import annotations


def register(app, socketio) -> None:
    from server.api import auth, dashboard, intake_cli, intake_webhooks, rest, station_ns

    from server.i18n import t

    app.jinja_env.globals["t"] = t
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(rest.bp)
    app.register_blueprint(intake_webhooks.bp)
    app.register_blueprint(intake_cli.bp)
    from server.api.v1 import init_api

    init_api(app)
    from server.api import customer

    app.register_blueprint(customer.bp)  # status page, unsubscribe (issue 11)
    app.register_blueprint(customer.carriers_bp)  # carriers' tracking webhooks
    socketio.on_namespace(station_ns.StationNamespace("/station"))
    socketio.on_namespace(dashboard.DashboardNamespace("/dashboard"))
