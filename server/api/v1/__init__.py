"""``/api/v1``: orders and stock for integrations, documented at ``/api/v1/openapi.json``.

flask-smorest makes the OpenAPI 3 document from the same marshmallow schemas that validate
each request (server/api/v1/schemas.py). Its app-wide JSON error handler is left out: the
pages keep theirs, and this API answers RFC 9457 problem details from its own blueprint.
"""
from __future__ import annotations

from http import HTTPStatus

from flask_smorest import Api
from flask_smorest.utils import prepare_response

from server.api.v1.problems import MEDIA_TYPE
from server.api.v1.schemas import Problem

CONFIG = {
    "INTAKE_API_TITLE": "Colis", "INTAKE_API_VERSION": "v1", "INTAKE_OPENAPI_VERSION": "3.0.3",
    "INTAKE_OPENAPI_URL_PREFIX": "/api/v1", "INTAKE_OPENAPI_JSON_PATH": "openapi.json",
    "INTAKE_API_SPEC_OPTIONS": {
        "info": {"description": "Orders in from every channel. Errors are RFC 9457 problem details."},
        "components": {"securitySchemes": {"bearerAuth": {
            "type": "http", "scheme": "bearer",
            "description": "an integration's API token (scopes: read, orders:write, admin)"}}},
        "security": [{"bearerAuth": []}],
    },
}


class ProblemApi(Api):
    ERROR_SCHEMA = Problem

    def _register_error_handlers(self):
        """None app-wide: the v1 blueprint has its own (server/api/v1/views.py)."""

    def _register_responses(self):
        for status in HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem details (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def init_api(app) -> ProblemApi:
    for key, value in CONFIG.items():
        app.config.setdefault(key, value)
    from server.api.v1.views import bp
    from server.api.v1 import returns_views  # noqa: F401 - issue 8: its operations join bp
    from server.extensions import csrf

    api = ProblemApi(app, config_prefix="INTAKE")
    csrf.exempt(bp)  # bearer tokens, no cookie: nothing for a cross-site request to ride on
    api.register_blueprint(bp)
    app.extensions["colis_api"] = api
    for code in (404, 405):
        app.register_error_handler(code, _api_paths_answer_problems)
    return api


def _api_paths_answer_problems(error):
    """No route matched: under /api/v1 the answer is a problem too; elsewhere Flask's own page."""
    from flask import request

    from server.api.v1.problems import from_http_exception

    if request.path.startswith("/api/v1/"):
        return from_http_exception(error)
    return error
