"""Every ``/api/v1`` operation (7), generated from the served OpenAPI document (schemathesis).

At least 100 examples per operation (valid and invalid requests alike), each answered with
no 5xx, a documented status code and content type, and a body that matches the document.
Half the generated order lines name a product that exists, so creation and the order pages
are reached, not only the 422 path. Run on PostgreSQL, the database of a real floor (SQLite
answers the same operations in test_intake_api.py): 600+ generated requests are the slowest
part of the intake tests, and the suite is kept fast.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_headers_conformance,
                                 response_schema_conformance, status_code_conformance)

from server.services.intake.integrations import create_integration
from server.services.intake.tokens import issue_token
from tests.factories import add_item

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = 100
CSV_HEADER = "order_id;name;address1;postal_code;city;country;sku;quantity;unit_price\n"

# The import takes CSV: generate exports, some well formed, some not, in both encodings.
_csv_row = st.tuples(st.sampled_from(["A-1", "A-2", "", "B;1"]), st.text(max_size=12), st.text(max_size=12),
                     st.sampled_from(["69003", ""]), st.text(max_size=8), st.sampled_from(["FR", "France", "fr"]),
                     st.text(max_size=10), st.sampled_from(["1", "2", "dix", "0"]), st.sampled_from(["1,50", "2.00", "x"]))
schemathesis.openapi.media_type("text/csv", st.one_of(
    st.binary(max_size=200),
    st.lists(_csv_row, max_size=5).flatmap(lambda rows: st.sampled_from(["utf-8", "cp1252"]).map(
        lambda encoding: (CSV_HEADER + "".join(";".join(row) + "\n" for row in rows)).encode(encoding, "replace")))))


@pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_every_operation_holds_to_its_openapi_document(app, floor):
    with floor.uow() as uow:
        integration, _ = create_integration(uow, "fuzz", "api")
        token = issue_token(uow, integration.id, ["admin"])
        item = add_item(uow, "Tasse", on_hand=1000)
        uow.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7 + 3  # + issue 8's returns: open one, read one, its PDF label
    calls: dict[str, int] = {}
    statuses: dict[str, set[int]] = {}
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            body = case.body
            if isinstance(body, dict) and isinstance(body.get("lines"), list):
                for index, line in enumerate(body["lines"]):
                    if isinstance(line, dict) and index % 2 == 0 and isinstance(line.get("sku"), str):
                        line["sku"] = item.sku
            calls[label] = calls.get(label, 0) + 1
            response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
            statuses.setdefault(label, set()).add(response.status_code)

        run()
    assert all(count >= EXAMPLES for count in calls.values()) and len(calls) == len(operations), calls
    # Both sides of the main operations were reached, not only refusals.
    assert {201, 422} <= statuses["POST /api/v1/orders"], statuses
    assert {200, 422} <= statuses["GET /api/v1/orders"], statuses
    assert 200 in statuses["GET /api/v1/stock"], statuses
    assert {200, 422} <= statuses["POST /api/v1/imports"], statuses
