"""The API's one error shape, RFC 9457 problem details (safevillage/core/problems.py),
asserted in one place: every test of an error answer goes through ``assert_problem``."""

from __future__ import annotations

import json
from typing import Any

PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}
ERROR_KEYS = {"code", "detail", "attr"}


def assert_problem(
    response: Any,
    status: int,
    *,
    type: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Check that ``response`` is a problem with ``status``, and return its body.

    ``type``: the expected type URI ("about:blank" or "/api/problems/…/"), when given.
    ``errors``: when given, the expected errors, each a dict of the keys to compare (for
    example ``{"attr": "uuid", "code": "invalid"}``), in order."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/problem+json", response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) == PROBLEM_KEYS, body
    assert body["status"] == status
    assert isinstance(body["type"], str) and (
        body["type"] == "about:blank" or body["type"].startswith("/api/problems/")
    )
    assert isinstance(body["title"], str) and body["title"], body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert isinstance(body["errors"], list) and body["errors"], body
    for error in body["errors"]:
        assert set(error) == ERROR_KEYS, error
        assert isinstance(error["code"], str) and error["code"], error
        assert isinstance(error["detail"], str) and error["detail"], error
        assert error["attr"] is None or isinstance(error["attr"], str), error
    if len(body["errors"]) == 1:
        assert body["detail"] == body["errors"][0]["detail"]
    # Never Python's own words.
    assert "Traceback" not in body["detail"] and "sys." not in body["detail"], body
    if type is not None:
        assert body["type"] == type, body
    if errors is not None:
        assert len(body["errors"]) == len(errors), body["errors"]
        for got, expected in zip(body["errors"], errors, strict=True):
            assert {key: got[key] for key in expected} == expected, (got, expected)
    return body


def messages(body: dict[str, Any]) -> dict[str | None, list[str]]:
    """The errors' messages by attr, e.g. ``{"deaths": ["…"]}``."""
    found: dict[str | None, list[str]] = {}
    for error in body["errors"]:
        found.setdefault(error["attr"], []).append(error["detail"])
    return found
