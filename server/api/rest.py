"""REST API ``/api/v1``. Health for probes; more endpoints arrive with intake issues."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

bp = Blueprint("rest", __name__, url_prefix="/api/v1")


@bp.get("/health")
def health():
    """Liveness and database reachability, for load balancers and ``make demo``."""
    try:
        with current_app.extensions["colis"].engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # noqa: BLE001 - any DB failure means "not healthy"
        current_app.logger.warning("health check: database unreachable: %s", exc)
        database = "unreachable"
    status = 200 if database == "ok" else 503
    return jsonify({"status": "ok" if status == 200 else "degraded", "database": database}), status
