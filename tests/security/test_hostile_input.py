"""Input that gets past a schema and used to end in a 500: a NUL character in a query
parameter (PostgreSQL refuses it in a query), a lone surrogate in JSON (``"\\ud800"`` is a
valid JSON escape but not Unicode: an error message quoting it could not be encoded) and JSON
nested deeper than Python's reader allows (a RecursionError). Every operation of the schema
gets each of them; the answer is a status the schema documents, never a 500. Hypothesis
generates none of these by default, so they are sent here."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.security.conftest import Register, fill_path
from tests.security.schema import json_body_schema, operation_spec, operations

pytestmark = pytest.mark.django_db


def documented(label: str) -> set[int]:
    return {int(code) for code in operation_spec(label)["responses"] if code.isdigit()}


def query_parameters(label: str) -> list[str]:
    return [p["name"] for p in operation_spec(label).get("parameters", []) if p["in"] == "query"]


def json_properties(label: str) -> list[str]:
    return list(json_body_schema(label).get("properties", {}))


WITH_QUERY = [label for label in operations() if query_parameters(label)]
WITH_JSON = [label for label in operations() if json_properties(label)]


@pytest.fixture
def call(register: Register, caller_headers: Callable[[str], dict[str, str]], dara: Any) -> Callable[..., Any]:
    def send(label: str, *, query: str = "", body: str | None = None, **extra: str) -> Any:
        method, path = label.split(" ", 1)
        cache.clear()  # the public operations' rate limits would answer 429 after a few calls
        client = APIClient(raise_request_exception=False)
        headers = {f"HTTP_{k.upper()}": v for k, v in caller_headers(label).items()} | extra
        url = fill_path(path, register) + query
        if body is None:
            return client.generic(method, url, **headers)
        return client.generic(method, url, body, content_type="application/json", **headers)

    return send


def test_the_lists_cover_the_operations_that_take_input():
    assert WITH_QUERY and WITH_JSON


@pytest.mark.parametrize("label", WITH_QUERY)
def test_a_nul_character_in_any_query_parameter_gets_a_documented_answer(label: str, call: Callable[..., Any]) -> None:
    for name in query_parameters(label):
        for value in ("\x00", "14\x00", "a\x00b"):
            response = call(label, query=f"?{name}={quote(value)}")
            assert response.status_code in documented(label), (name, value, response.status_code)
            assert response.status_code < 500


@pytest.mark.parametrize("label", WITH_JSON)
@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_a_lone_surrogate_in_any_json_field_gets_a_documented_answer(
    label: str, accept: str, call: Callable[..., Any]
) -> None:
    """Refused where it is, before a field could quote it back (``"\\ud800" is not a valid
    choice`` could not be encoded), in JSON and in the browsable API's HTML."""
    for name in json_properties(label):
        for text in ('"\\ud800"', '["\\udfff"]', '{"a\\ud800": 1}'):
            response = call(label, body=f'{{"{name}": {text}}}', HTTP_ACCEPT=accept)
            assert response.status_code == 400, (name, text, response.status_code)
            assert response.status_code in documented(label)


@pytest.mark.parametrize("label", WITH_JSON)
def test_json_nested_deeper_than_the_reader_allows_is_a_400(label: str, call: Callable[..., Any]) -> None:
    for body in ("[" * 100_000, '{"a":' * 5_000 + "1" + "}" * 5_000):
        response = call(label, body=body)
        assert response.status_code == 400, response.content[:200]


@pytest.mark.parametrize("label", WITH_JSON)
def test_a_nul_character_in_any_json_field_gets_a_documented_answer(label: str, call: Callable[..., Any]) -> None:
    for name in json_properties(label):
        response = call(label, body=json.dumps({name: "a\x00b"}))
        assert response.status_code in documented(label), (name, response.status_code)
        assert response.status_code < 500


def test_a_correct_surrogate_pair_is_still_accepted(call: Callable[..., Any], register: Register) -> None:
    """An emoji sent as an escaped pair (as JavaScript's JSON.stringify may send it) is
    valid Unicode: the note is saved."""
    record = register.by_status["received"]
    body = json.dumps({"version": record.version, "text": "Goats returned \U0001f410"}, ensure_ascii=True)
    assert "\\ud83d" in body
    response = call("POST /api/v1/incidents/{reference}/note/", body=body)
    assert response.status_code == 200, response.content
    record.refresh_from_db()
    assert record.notes.get().text == "Goats returned \U0001f410"
