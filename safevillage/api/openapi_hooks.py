"""Post-processing of the generated OpenAPI schema (drf-spectacular POSTPROCESSING_HOOKS)."""

from __future__ import annotations

from typing import Any

_METHODS = ("get", "put", "post", "patch", "delete")


def document_sign_in_required(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Document the 401 of every operation that needs credentials.

    DRF answers 401 to a request with no or a bad token wherever the default IsAuthenticated
    applies (the first authentication class, the device token, names a scheme), so the answer
    is a property of the settings, not of each view: it is added here once rather than in
    every view. Public operations (``security`` empty or holding ``{}``) are left alone."""
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            security = operation.get("security") or []
            if not security or {} in security:
                continue
            operation.setdefault("responses", {}).setdefault(
                "401", {"description": "Not signed in, or the token is invalid or revoked."}
            )
    return result


def document_bad_page(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Document the 400 of every paginated list: ``limit`` or ``offset`` that is not a whole
    number, or is given twice (api.pagination), like the 401 a property of the settings."""
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            names = {parameter.get("name") for parameter in operation.get("parameters", [])}
            if {"limit", "offset"} <= names:
                operation.setdefault("responses", {}).setdefault(
                    "400", {"description": "A limit or offset that is not a whole number, or given twice."}
                )
    return result
