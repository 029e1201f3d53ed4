"""Adapters from the outside world (Socket.IO, HTTP) to the services."""
from __future__ import annotations


def register(app, socketio) -> None:
    from server.api import auth, dashboard, intake_cli, intake_webhooks, rest, station_ns

    from server import i18n, web

    i18n.init_app(app)  # t(), word(), when(), number(), money() in every template
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(rest.bp)
    app.register_blueprint(intake_webhooks.bp)
    app.register_blueprint(intake_cli.bp)
    from server.web import returns_pages, self_return

    app.register_blueprint(returns_pages.bp)  # the returns desk's pages (issue 8)
    app.register_blueprint(self_return.bp)  # the customers' self-service return page
    from server.api.v1 import init_api

    init_api(app)
    web.register(app)  # the supervisors' pages: orders, stations, users, error pages
    from server.api import customer

    app.register_blueprint(customer.bp)  # status page, unsubscribe (issue 11)
    app.register_blueprint(customer.carriers_bp)  # carriers' tracking webhooks
    app.register_blueprint(customer.promises_bp)  # the promise watcher's decisions, for supervisors
    socketio.on_namespace(station_ns.StationNamespace("/station"))
    socketio.on_namespace(dashboard.DashboardNamespace("/dashboard"))
