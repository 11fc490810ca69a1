"""Post-processing of the generated OpenAPI schema (drf-spectacular POSTPROCESSING_HOOKS)."""

from __future__ import annotations

from typing import Any

from safevillage.core import problems

_METHODS = ("get", "put", "post", "patch", "delete")


def document_bad_page(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Document the 400 of every paginated list: ``limit`` or ``offset`` that is not a whole
    number, or is given twice (api.pagination). A property of the settings, not of each view,
    so it is added here once; the body is problem details like every other error (api.errors)."""
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            names = {parameter.get("name") for parameter in operation.get("parameters", [])}
            if {"limit", "offset"} <= names:
                operation.setdefault("responses", {}).setdefault(
                    "400",
                    {
                        "description": "A limit or offset that is not a whole number, or given twice.",
                        "content": {problems.CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    },
                )
    return result
