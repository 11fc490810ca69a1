"""What the register's API answers matches what its schema declares, for the records a
generated client meets every day: an open record entered on the staff form (no device uuid,
nobody assigned, no outcome yet) and one closed by arrest (no exceptional reason). The fuzz
test checks every operation; this one names the fields that once came back outside the
schema (null uuid and assigned_to, "" outcome, clearance and exceptional_reason)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.factories import closed, make_incident
from tests.security.schema import api_schema

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("label", ["GET /api/v1/incidents/", "GET /api/v1/incidents/{reference}/"])
def test_open_and_closed_records_answer_as_the_schema_declares(label, wsgi_app, policy, sokha, token_for):
    fresh = make_incident(sokha)
    done = closed(make_incident(sokha, category="assault"), sokha)
    assert fresh.client_uuid is None and fresh.assigned_to_id is None and fresh.outcome == ""
    assert done.exceptional_reason == ""
    schema = schemathesis.openapi.from_dict(api_schema())
    schema.app = wsgi_app
    operation: Any = schema.find_operation_by_label(label)
    headers = token_for(sokha)
    for reference in (fresh.reference, done.reference):
        path = {"reference": reference} if "{reference}" in label else None
        case = operation.Case(path_parameters=path, query=None if path else {"q": reference})
        response = case.call(base_url="http://testserver", headers=headers)
        assert response.status_code == 200
        case.validate_response(response, checks=[response_schema_conformance])
