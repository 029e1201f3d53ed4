"""``POST /api/v1/webhooks/<platform>/<integration>``: Shopify and WooCommerce order webhooks.

The signature is checked on the raw body before anything is parsed or stored: a forged,
unsigned or unknown-integration call is answered 401 and leaves no row. A signed delivery
is stored (committed) and answered 200; it is applied by a background job
(server/intake_jobs.py). The answer says what became of it when the job has already run
(always with the immediate queue of tests), else ``queued``; a duplicate, stale or held
delivery is answered 200 too: any other status would only make the platform send the same
bytes again.
"""
from __future__ import annotations

import re
from flask import Blueprint, current_app, jsonify, request

from server.domain.intake import signature_matches
from server import queue
from server.extensions import csrf
from server.intake_jobs import enqueue_webhook
from server.services.intake.webhooks import PLATFORMS, SIGNATURE_HEADER, find_integration, receipt_of, store_delivery

bp = Blueprint("intake_webhooks", __name__, url_prefix="/api/v1/webhooks")
csrf.exempt(bp)  # signed by HMAC, not by a session: there is no cookie to forge
MAX_BODY_BYTES = 2 * 1024 * 1024


def problem(status: int, title: str, detail: str, **extra):
    """An RFC 9457 problem details answer."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


@bp.post("/<platform>/<name>")
def receive(platform: str, name: str):
    if platform not in PLATFORMS:
        return problem(404, "Not Found", f"no webhook platform {platform!r} (shopify, woocommerce)")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return problem(413, "Content Too Large", f"a delivery is at most {MAX_BODY_BYTES} bytes")
    body = request.stream.read(MAX_BODY_BYTES + 1)  # never more, whatever a chunked body says
    if len(body) > MAX_BODY_BYTES:
        return problem(413, "Content Too Large", f"a delivery is at most {MAX_BODY_BYTES} bytes")
    if platform == "woocommerce" and _is_ping(body):
        # WooCommerce's ping when a webhook is saved: unsigned, and the webhook is refused
        # unless it gets exactly 200 (WC_Webhook::deliver_ping). Nothing is read or stored.
        return jsonify({"outcome": "ping"}), 200
    floor = current_app.extensions["colis"]
    with floor.session_factory() as session:
        integration = find_integration(session, platform, name)
        secret = integration.webhook_secret if integration else None
        integration_id = integration.id if integration else None
    header = SIGNATURE_HEADER[platform]
    # One answer for an unknown integration and a bad signature: nothing to probe for.
    if not signature_matches(secret, body, request.headers.get(header)):
        return problem(401, "Unauthorized", f"missing or invalid {header}")
    stored = store_delivery(floor, platform, integration_id, request.headers, body, then=enqueue_webhook)
    if stored.pk is None or not queue.huey.immediate:  # a duplicate, or applied later by a worker
        return jsonify({"outcome": stored.outcome, "detail": stored.detail, "delivery_id": stored.delivery_id,
                        "order": None}), 200
    with floor.session_factory() as session:
        receipt = receipt_of(session, stored.pk)  # applied already, or still queued
    return jsonify({"outcome": receipt.outcome, "detail": receipt.detail,
                    "delivery_id": receipt.delivery_id, "order": receipt.order}), 200


def _is_ping(body: bytes) -> bool:
    # The form body ``webhook_id=N`` and no topic header: what WooCommerce sends, nothing more.
    return (re.fullmatch(rb"webhook_id=\d{1,20}", body) is not None
            and not request.headers.get("X-WC-Webhook-Topic"))
