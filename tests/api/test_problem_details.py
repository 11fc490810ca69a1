"""Every error of the API is RFC 9457 problem details (application/problem+json), in the
caller's language, and the schema documents each error status with the body that is sent.

One sample of each status the API answers with an error: 400 (input, unreadable body),
401, 403, 404 (a record, an address that matches no route), 405, 406, 409, 412, 415, 429,
500 and 503."""

from __future__ import annotations

import datetime
import errno
import json
import uuid
from typing import Any

import jsonschema
import pytest
from django.core.cache import cache
from django.http import HttpRequest
from django.test import Client
from django.urls import include, path
from django.utils import timezone
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.test import APIClient

from safevillage.api.errors import PreconditionFailed
from safevillage.audit.models import AuditEvent
from safevillage.core.diskfull import RETRY_AFTER_SECONDS
from safevillage.incidents.models import Incident
from tests.factories import make_incident, nothing_written
from tests.problems import assert_problem
from tests.security.schema import api_schema

pytestmark = pytest.mark.django_db
INCIDENTS = "/api/v1/incidents/"
COMPLAINTS = "/api/v1/public/complaints/"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def api(user: Any = None, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_authenticate(user)
    return client


def submission(**overrides: Any) -> dict[str, Any]:
    body = {
        "uuid": str(uuid.uuid4()),
        "category": "theft",
        "village": "14030501",
        "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "description": "A water pump was taken from the rice field.",
    }
    body.update(overrides)
    return body


def json_schema(openapi: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: ``nullable`` becomes a "null" type."""
    if isinstance(openapi, list):
        return [json_schema(item) for item in openapi]
    if not isinstance(openapi, dict):
        return openapi
    converted = {key: json_schema(value) for key, value in openapi.items() if key != "nullable"}
    if openapi.get("nullable") and "type" in converted:
        converted["type"] = [converted["type"], "null"]
    return converted


def conforms(response: Any, path: str, method: str) -> None:
    """The body and its media type are what the schema documents for this status of this
    operation (what schemathesis's response conformance checks compare)."""
    schema = api_schema()
    documented = schema["paths"][path][method]["responses"][str(response.status_code)]
    assert list(documented["content"]) == [response["Content-Type"]]
    media = documented["content"]["application/problem+json"]["schema"]
    jsonschema.validate(json.loads(response.content), json_schema({"components": schema["components"], **media}))


# --- 400 ----------------------------------------------------------------------------------


def test_invalid_input_lists_every_error_with_its_dotted_path(policy, sokha):
    body = submission(category="witchcraft", people=[{"role": "victim"}, {"role": "bystander", "name": "x\x00"}])
    with nothing_written():
        response = api(sokha).post(INCIDENTS, body, format="json")
    problem = assert_problem(
        response,
        400,
        type="/api/problems/invalid-input/",
        errors=[
            {"attr": "category", "code": "unknown_category", "detail": "Choose a category from the list."},
            {"attr": "people.1.role", "code": "invalid_choice"},
            {"attr": "people.1.name"},
        ],
    )
    assert problem["title"] == "Invalid input"
    assert problem["detail"] == "There are 3 errors; each is listed in errors."
    conforms(response, INCIDENTS, "post")


def test_a_body_that_is_not_json_says_where_in_the_callers_language(policy, sokha):
    client = api(sokha)
    response = client.generic("POST", INCIDENTS, '{"uuid": ', content_type="application/json")
    problem = assert_problem(response, 400, type="/api/problems/unreadable-body/", errors=[{"code": "parse_error"}])
    assert problem["detail"] == "The body is not valid JSON (line 1, column 10)."
    conforms(response, INCIDENTS, "post")


@pytest.mark.parametrize("number", ["1" * 5000, "NaN", "-Infinity"], ids=["5000 digits", "NaN", "-Infinity"])
def test_a_number_python_cannot_read_is_refused_without_pythons_words(policy, sokha, number):
    body = f'{{"uuid": "{uuid.uuid4()}", "deaths": {number}}}'
    with nothing_written():
        response = api(sokha).generic("POST", INCIDENTS, body, content_type="application/json")
    problem = assert_problem(response, 400, type="/api/problems/unreadable-body/")
    assert problem["detail"] == "The body holds a number that cannot be read: too long, or not a finite number."
    assert "sys." not in response.content.decode() and "4300" not in response.content.decode()


def test_malformed_form_data_and_too_many_fields_are_400_problems(policy, sokha):
    client = api(sokha)
    response = client.generic("POST", INCIDENTS, "--x\r\n", content_type="multipart/form-data")
    problem = assert_problem(response, 400, type="/api/problems/unreadable-body/")
    assert problem["detail"] == "The body is not valid multipart form data."
    fields = "&".join(f"f{number}=1" for number in range(1_001))  # Django's limit is 1,000
    response = client.generic("POST", INCIDENTS, fields, content_type="application/x-www-form-urlencoded")
    # Refused before it is read (core/request_text.py), as a body too large to read.
    assert_problem(response, 400, type="/api/problems/unreadable-body/", errors=[{"code": "too_large"}])


def test_body_errors_are_in_khmer_when_asked_in_khmer(policy, sokha):
    response = api(sokha, "km").generic("POST", INCIDENTS, "{", content_type="application/json")
    problem = assert_problem(response, 400, type="/api/problems/unreadable-body/")
    assert problem["title"] == "មិនអាចអានខ្លឹមសារនៃសំណើបានទេ"
    assert problem["detail"] == "ខ្លឹមសារមិនមែនជា JSON ដែលត្រឹមត្រូវទេ (បន្ទាត់ទី 1 ជួរឈរទី 2)។"


def test_an_error_answer_is_khmer_by_default_and_english_when_asked(policy, sokha, khmer_default):
    """Without Accept-Language the API speaks the product's language, Khmer."""
    response = APIClient().get("/api/v1/incidents/14-1403-2026-999999/")
    assert assert_problem(response, 401)["title"] == "មិនទាន់បានចូលប្រព័ន្ធ"
    assert assert_problem(api(None, "en").get("/api/v1/incidents/"), 401)["title"] == "Unauthorized"


# --- 401, 403 -----------------------------------------------------------------------------


def test_no_credentials_and_a_bad_token_are_401_problems(places):
    response = APIClient().get(INCIDENTS, HTTP_ACCEPT_LANGUAGE="en")
    assert_problem(response, 401, type="about:blank", errors=[{"code": "not_authenticated", "attr": None}])
    assert response["WWW-Authenticate"] == "Token"
    conforms(response, INCIDENTS, "get")
    response = APIClient().get(INCIDENTS, HTTP_AUTHORIZATION="Token not-a-key", HTTP_ACCEPT_LANGUAGE="en")
    assert_problem(response, 401, errors=[{"code": "authentication_failed", "detail": "Invalid or revoked token."}])


def test_an_officer_reading_the_audit_log_is_a_403_problem(sokha):
    response = api(sokha).get("/api/v1/audit/events/")
    problem = assert_problem(response, 403, type="about:blank", errors=[{"code": "permission_denied"}])
    assert (problem["title"], problem["detail"]) == ("Forbidden", "Only auditors may read the audit log.")
    conforms(response, "/api/v1/audit/events/", "get")


# --- 404 ----------------------------------------------------------------------------------


def test_a_record_not_found_and_an_address_that_matches_nothing_are_404_problems(sokha, policy):
    response = api(sokha).get("/api/v1/incidents/14-1403-2026-999999/")
    assert_problem(response, 404, type="about:blank", errors=[{"code": "not_found", "detail": "Not found."}])
    conforms(response, "/api/v1/incidents/{reference}/", "get")
    # Django's own 404: no route at all (a malformed reference does not match the route).
    for address in ("/api/v1/nothing-here/", "/api/v1/incidents/not-a-reference/"):
        assert_problem(Client().get(address, HTTP_ACCEPT_LANGUAGE="en"), 404, errors=[{"code": "not_found"}])


def test_an_unknown_problem_type_is_a_404_problem_and_a_known_one_explains_itself(places):
    page = Client().get("/api/problems/changed-meanwhile/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and b"The record changed meanwhile" in page.content
    assert_problem(Client().get("/api/problems/no-such-problem/"), 404)


# --- 405, 406, 415 ------------------------------------------------------------------------


def test_a_wrong_method_is_a_405_problem(places):
    response = APIClient().get(COMPLAINTS, HTTP_ACCEPT_LANGUAGE="en")
    assert_problem(response, 405, type="about:blank", errors=[{"code": "method_not_allowed"}])
    conforms(response, COMPLAINTS, "post")


def test_an_accept_header_the_api_cannot_serve_still_gets_a_json_problem(places):
    response = APIClient().post(COMPLAINTS, {}, format="json", HTTP_ACCEPT="application/xml")
    assert_problem(response, 406, type="about:blank", errors=[{"code": "not_acceptable"}])
    conforms(response, COMPLAINTS, "post")


def test_a_body_of_an_unknown_media_type_is_a_415_problem(policy, sokha):
    response = api(sokha).generic("POST", INCIDENTS, "uuid=1", content_type="text/csv")
    assert_problem(response, 415, type="about:blank", errors=[{"code": "unsupported_media_type"}])
    conforms(response, INCIDENTS, "post")


# --- 409, 412 -----------------------------------------------------------------------------


def test_a_stale_version_is_a_409_problem_of_its_own_type(policy, sokha):
    record = make_incident(sokha)
    base = f"{INCIDENTS}{record.reference}"
    api(sokha).post(f"{base}/acknowledge/", {"version": 1}, format="json")
    response = api(sokha).post(f"{base}/investigate/", {"version": 1}, format="json")
    problem = assert_problem(response, 409, type="/api/problems/changed-meanwhile/")
    assert problem["title"] == "The record changed meanwhile"
    conforms(response, "/api/v1/incidents/{reference}/investigate/", "post")


@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def conditional_write(request: Request) -> Any:
    """A test-only endpoint whose precondition never holds."""
    raise PreconditionFailed


@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def faulty(request: Request) -> Any:
    """A test-only endpoint with a bug."""
    raise ZeroDivisionError("Python's words, not for the caller")


def faulty_django_view(request: HttpRequest) -> Any:
    raise ZeroDivisionError("Python's words, not for the caller")


# The product's handlers of Django's own errors, with the product's routes after these.
from safevillage.urls import handler400, handler404, handler500  # noqa: E402, F401

urlpatterns = [
    path("api/test/conditional/", conditional_write),
    path("api/test/faulty/", faulty),
    path("api/test/faulty-django/", faulty_django_view),
    path("", include("safevillage.urls")),
]


@pytest.mark.urls(__name__)
def test_a_failed_precondition_is_a_412_problem(places):
    response = APIClient().post("/api/test/conditional/", HTTP_ACCEPT_LANGUAGE="en")
    assert_problem(response, 412, type="about:blank", errors=[{"code": "precondition_failed"}])


# --- 429 ----------------------------------------------------------------------------------


def test_too_many_complaints_is_a_429_problem_with_retry_after(policy, places, settings):
    settings.COMPLAINT_THROTTLE_RATE = "1/hour"
    citizen = APIClient(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.7")
    body = {
        "category": "environment_hygiene",
        "village": "08010101",
        "occurred_at": (timezone.now() - datetime.timedelta(days=1)).isoformat(),
        "description": "Rubbish is burnt every night next to the school.",
        "anonymous": True,
    }
    assert citizen.post(COMPLAINTS, body, format="json").status_code == 201
    response = citizen.post(COMPLAINTS, body, format="json")
    assert_problem(response, 429, type="about:blank", errors=[{"code": "throttled"}])
    assert int(response["Retry-After"]) > 0
    conforms(response, COMPLAINTS, "post")


# --- 500, 503 -----------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_a_bug_is_a_500_problem_without_internals(places):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    for address in ("/api/test/faulty/", "/api/test/faulty-django/"):
        response = client.get(address)
        problem = assert_problem(response, 500, type="about:blank")
        assert problem["detail"] == "A server error occurred."
        assert "Python" not in json.dumps(problem) and "ZeroDivision" not in json.dumps(problem)


def test_a_full_disk_during_an_api_write_is_a_503_problem_with_retry_after(policy, sokha, monkeypatch):
    def save(self: AuditEvent, *args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(AuditEvent, "save", save)
    response = api(sokha).post(INCIDENTS, submission(), format="json")
    problem = assert_problem(response, 503, type="/api/problems/storage-full/", errors=[{"code": "storage_full"}])
    assert "has not been saved" in problem["detail"]
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert not Incident.objects.exists()
    conforms(response, INCIDENTS, "post")


# --- the schema ---------------------------------------------------------------------------


def test_every_documented_error_is_a_problem_in_the_schema():
    schema = api_schema()
    errors = 0
    for item in schema["paths"].values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if status[0] in "45":
                    errors += 1
                    assert response["content"] == {
                        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }, (operation["operationId"], status)
            # Where it can happen: a token is needed, a full disk can happen anywhere.
            assert "503" in operation["responses"]
            if operation.get("security") and {} not in operation["security"]:
                assert "401" in operation["responses"]
    assert errors > 100
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "errors"}
