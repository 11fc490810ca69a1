"""Fuzzing the API from its own OpenAPI schema with schemathesis: for every operation of the
schema, 100 generated requests (derandomised, so that CI sends the same ones every run),
through the real WSGI application with real device tokens, and every answer checked by all
of schemathesis's checks that apply to single requests (``all_checks``): no server error, a
documented status code, content type and headers, a body valid against the schema, requests
valid by the schema accepted and invalid ones refused, credentials enforced.

Who calls: every operation needing an account is called by the national secretariat (the
whole country, so scoped lists and records answer with data) and by a commune police officer
of Kansoam Ak, 50 requests each; the audit log's operations also by an auditor (the only
caller they answer with data). The public operations are called without credentials.

What is sent: schemathesis's valid requests (positive mode) and invalid ones (negative
mode: wrong types, missing fields, values outside the schema). Half of the requests are
*anchored*: a real reference, receipt code or place code in the path, and a real category,
village, version and officer in the body, so that they get past the first check and reach
the workflow instead of stopping at "unknown category"."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from safevillage.incidents import intake
from safevillage.incidents.models import Incident
from safevillage.policy.models import Category
from tests.security.conftest import AS_AUDITOR, Register
from tests.security.schema import api_schema, is_public, json_body_schema, operations

pytestmark = pytest.mark.django_db

CASES_PER_OPERATION = 100


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


def fuzz_targets() -> list[Any]:
    """Every operation of the schema with each of its callers: a public operation without
    credentials; every other one as the national secretariat and as a commune police officer
    (Kansoam Ak), and the audit log's operations also as an auditor, whose answers are the
    only successful ones there."""
    targets = []
    for label in operations():
        callers = ["public"] if is_public(label) else ["national", "commune_officer"]
        if label in AS_AUDITOR:
            callers.append("auditor")
        targets += [pytest.param(label, caller, id=f"{label} as {caller}") for caller in callers]
    return targets


# Every check schemathesis has, but those that cannot apply to generated single requests:
# they read what only its other phases produce, and would pass here without looking at
# anything. use_after_free and ensure_resource_availability follow links between operations
# (stateful phase; the API deletes nothing and declares no links); missing_required_header
# and unsupported_method read the coverage phase's scenarios; object_level_authorization
# compares the answers of several configured identities (tests/security/test_access_matrix.py
# does that, against a written-out policy); allow_header_conformance reads OPTIONS answers,
# which generated cases never send.
NOT_APPLICABLE = {
    "use_after_free",
    "ensure_resource_availability",
    "missing_required_header",
    "unsupported_method",
    "object_level_authorization",
    "allow_header_conformance",
}


# A schema cannot say which category codes the policy holds, which villages are in the
# caller's area, whether a complainant who is not anonymous gave a name, or what the workflow
# allows from a record's status: a schema-valid body may get a 400 that says so. Queries and
# paths have no such excuse: every value matching their schema is accepted (or is a 404 for a
# place or record that is not there or not yours).
BODY_ACCEPTANCE = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]


def with_the_policys_codes(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema, with the category filter's values drawn from the codes the policy holds
    (GET /api/v1/categories/ lists them; the schema cannot, as they are data): an unknown code
    is a 400 that says so, not a schema-valid value the list must accept."""
    schema = copy.deepcopy(schema)
    codes = sorted(Category.objects.values_list("code", flat=True))
    for parameter in schema["paths"]["/api/v1/incidents/"]["get"]["parameters"]:
        if parameter["name"] == "category":
            parameter["schema"] = {"type": "string", "enum": codes}
    return schema


def config_for(label: str) -> schemathesis.Config:
    if label.startswith("GET "):
        return schemathesis.Config()
    return schemathesis.Config.from_dict(
        {"checks": {"positive_data_acceptance": {"expected-statuses": BODY_ACCEPTANCE}}}
    )


def all_checks() -> list[Any]:
    load_all_checks()
    return [check for check in CHECKS.get_all() if check.__name__ not in NOT_APPLICABLE]


@pytest.mark.parametrize(("label", "caller"), fuzz_targets())
def test_every_generated_request_gets_an_answer_conforming_to_the_schema(
    label: str,
    caller: str,
    wsgi_app: Any,
    register: Register,
    caller_credentials: Any,
    dara: Any,
    nobody: Any,
) -> None:
    """All of schemathesis's checks on every answer: no server error, a documented status,
    content type and headers, a body valid against the schema, schema-valid requests
    accepted and invalid ones refused. (``dara`` and ``nobody`` exist so that an assignment
    may name them.)"""
    schema = schemathesis.openapi.from_dict(with_the_policys_codes(api_schema()), config=config_for(label))
    schema.app = wsgi_app
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    public = is_public(label)
    headers = caller_credentials(caller)
    checks = all_checks()
    calls = 0
    cases = CASES_PER_OPERATION // (1 if public else 2)
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
        max_examples=cases,
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
            # A body generated invalid stays as it is: real values in it could make it valid,
            # and the checks would then expect a refusal.
            if case.meta.generation.mode.is_positive:
                anchor_body(case, data, register, public)
        else:
            case = data.draw(generated, label="case")
        cache.clear()  # the rate limits would otherwise answer most cases with 429
        response = case.call(base_url="http://testserver", headers=headers)
        calls += 1
        # The base URL also for the requests some checks send themselves (without credentials).
        case.validate_response(
            response, checks=checks, headers=headers, transport_kwargs={"base_url": "http://testserver"}
        )

    call()
    assert calls >= cases
