"""An API query parameter sent empty is refused before any view reads it, naming the
parameter in the client's language; the free texts searched for may be empty."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.problems import assert_problem, messages

pytestmark = pytest.mark.django_db


def test_an_empty_parameter_is_a_400_naming_it(national):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(national)
    for path, names in (
        ("/api/v1/reports/14/2026Q1/?live=", ["live"]),
        ("/api/v1/places/?parent=&level=1", ["parent"]),
        ("/api/v1/incidents/?limit=&period=%20", ["limit", "period"]),
    ):
        body = assert_problem(client.get(path), 400, type="/api/problems/invalid-input/")
        assert messages(body) == {name: ["Give a value, or leave the parameter out."] for name in names}, path
    assert client.get("/api/v1/places/?q=&level=1").status_code == 200


def test_the_refusal_is_in_khmer_for_a_khmer_client(national):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="km")
    client.force_authenticate(national)
    body = client.get("/api/v1/places/?parent=").json()
    assert body["errors"][0]["detail"] == "សូមផ្ដល់តម្លៃ ឬកុំដាក់ប៉ារ៉ាម៉ែត្រនេះ។"
