"""Adapters from the outside world (Socket.IO, HTTP) to the services."""
from __future__ import annotations


def register(app, socketio) -> None:
    from server.api import auth, dashboard, rest, station_ns

    from server.i18n import t

    app.jinja_env.globals["t"] = t
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(rest.bp)
    socketio.on_namespace(station_ns.StationNamespace("/station"))
    socketio.on_namespace(dashboard.DashboardNamespace("/dashboard"))
