"""RFC 9457 problem details for every ``/api/v1`` error, with the field at fault."""
from __future__ import annotations

from http import HTTPStatus

from flask import jsonify
from werkzeug.exceptions import HTTPException

from server.services.intake.api import ApiProblem

MEDIA_TYPE = "application/problem+json"


def problem_response(status: int, detail: str, errors: list[dict] | None = None, headers: dict | None = None,
                     title: str | None = None, **extra):
    body = {"type": "about:blank", "title": title or HTTPStatus(status).phrase, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    body.update({key: value for key, value in extra.items() if value is not None})
    response = jsonify(body)
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_api_problem(problem: ApiProblem):
    return problem_response(problem.status, problem.detail, problem.errors, title=problem.title, **problem.extra)


def from_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    errors = list(flatten(messages)) if messages else None
    detail = data.get("message") or (f"{len(errors)} invalid field(s)" if errors else error.description or error.name)
    return problem_response(error.code or 500, str(detail), errors, headers=data.get("headers"))


def flatten(messages, prefix: str = ""):
    """webargs' nested messages ``{"json": {"lines": {"0": {"sku": [...]}}}}`` → ``lines[0].sku``."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if prefix == "" and key in ("json", "query", "headers", "path", "form", "files"):
                yield from flatten(value, "")
                continue
            key = str(key)
            if key == "_schema":
                name = prefix
            elif key.isdigit():
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else key
            yield from flatten(value, name)
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(item, str) for item in messages):
            for item in messages:
                yield {"field": prefix, "detail": item}
        else:
            for item in messages:
                yield from flatten(item, prefix)
    else:
        yield {"field": prefix, "detail": str(messages)}
