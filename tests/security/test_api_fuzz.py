"""Fuzzing the API from its own OpenAPI schema with schemathesis: for every operation of the
schema, 100 generated requests (derandomised, so that CI sends the same ones every run),
through the real WSGI application with a real device token. Every answer must be below 500
and carry a status code that the schema documents for the operation.

Who calls: the national secretariat (the whole country, so scoped lists and records answer
with data), except where it may not act at all — recording, acknowledging, investigating
and closing are the commune police's, so Kansoam Ak's officer calls and the body is read
rather than refused unread; the audit log is read by a national auditor. The two public
operations are called without credentials.

What is sent: schemathesis's valid requests (positive mode) and invalid ones (negative
mode: wrong types, missing fields, values outside the schema). Half of the requests are
*anchored*: a real reference, receipt code or place code in the path, and a real category,
village, version and officer in the body, so that they get past the first check and reach
the workflow instead of stopping at "unknown category"."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from safevillage.incidents import intake
from safevillage.incidents.models import Incident
from tests.security.conftest import Register
from tests.security.schema import api_schema, is_public, json_body_schema, operations

pytestmark = pytest.mark.django_db

CASES_PER_OPERATION = 100


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The real WSGI application, called in-process. Django closes the database connection
    at the end of every request, which would end the test's transaction too: like Django's
    test client, keep the connection while the test runs."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def path_anchors(operation: Any, register: Register) -> dict[str, list[Any]]:
    """Real values for the operation's path parameters."""
    names = {parameter.name for parameter in operation.path_parameters}
    if names == {"reference"}:
        return {"reference": register.references}
    if names == {"code"}:
        return {"code": ["14", "1403", "140305", "14030501"]}
    if names == {"place_code", "period"}:
        return {"place_code": ["KH", "14", "1403", "140305", "14030501"], "period": ["2026", "202601", "2026Q1"]}
    return {}


# The body fields given real values below.
REAL_VALUES = {"category", "village", "occurred_at", "version", "assignee", "receipt"}


def anchor_body(case: Any, data: st.DataObject, register: Register, public: bool) -> None:
    """Put real values in the generated body's fields (those it has): what a real client
    would send, with the generated values everywhere else."""
    body = case.body
    if not isinstance(body, dict):
        return
    # Optional fields left out half the time: the defaults are valid, the generated values rarely.
    required = set(json_body_schema(case.operation.label).get("required", []))
    for name in [name for name in body if name not in required and name not in REAL_VALUES]:
        if data.draw(st.booleans(), label=f"omit {name}"):
            del body[name]
    if "category" in body:
        codes = [c.code for c in (intake.public_categories() if public else intake.staff_categories())]
        body["category"] = data.draw(st.sampled_from(codes), label="category")
    if "village" in body:
        body["village"] = data.draw(st.sampled_from(["14030501", "14030502", "14030601", "08010101"]), label="village")
    if "occurred_at" in body:
        body["occurred_at"] = (timezone.now() - datetime.timedelta(days=2)).isoformat()
    if "version" in body and "reference" in (case.path_parameters or {}):
        record = Incident.objects.filter(reference=case.path_parameters["reference"]).first()
        if record is not None:
            body["version"] = record.version
    if "assignee" in body:
        body["assignee"] = data.draw(st.sampled_from(["sokha", "dara", "national", "nobody"]), label="assignee")
    if "receipt" in body:
        body["receipt"] = data.draw(st.sampled_from(register.receipts), label="receipt")


@pytest.mark.parametrize("label", operations())
def test_no_generated_request_gets_a_server_error_or_an_undocumented_status(
    label: str,
    wsgi_app: Any,
    register: Register,
    caller_headers: Any,
    dara: Any,
    nobody: Any,
) -> None:
    """(``dara`` and ``nobody`` exist so that an assignment may name them.)"""
    schema = schemathesis.openapi.from_dict(api_schema(), config=schemathesis.Config())
    schema.app = wsgi_app
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    public = is_public(label)
    headers = caller_headers(label)
    calls = 0
    anchors = path_anchors(operation, register)
    generated = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    if anchors:
        anchored = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in anchors.items()}).flatmap(
            lambda path: st.one_of(
                operation.as_strategy(GenerationMode.POSITIVE, path_parameters=path),
                operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=path),
            )
        )
    else:
        anchored = operation.as_strategy(GenerationMode.POSITIVE)

    @settings(
        max_examples=CASES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        # Slow data generation and filtered examples are expected here (real rows, big bodies).
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def call(data: st.DataObject) -> None:
        nonlocal calls
        if data.draw(st.booleans(), label="anchored"):
            case = data.draw(anchored, label="case")
            anchor_body(case, data, register, public)
        else:
            case = data.draw(generated, label="case")
        cache.clear()  # the rate limits would otherwise answer most cases with 429
        response = case.call(base_url="http://testserver", headers=headers)
        calls += 1
        case.validate_response(response, checks=[not_a_server_error, status_code_conformance])

    call()
    assert calls >= CASES_PER_OPERATION
