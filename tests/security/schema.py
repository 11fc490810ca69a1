"""The API's OpenAPI schema as a plain dict, generated the way ``/api/schema/`` generates it
(drf-spectacular, public view), and the list of its operations as "METHOD /path" labels."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")


@cache
def api_schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    generated = SchemaGenerator().get_schema(request=None, public=True)
    # Through JSON, as a client receives it: lazy translations become plain strings.
    return json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))


def operations() -> list[str]:
    """Every operation of the schema, e.g. ``GET /api/v1/places/{code}/``, sorted."""
    return sorted(
        f"{method.upper()} {path}"
        for path, item in api_schema()["paths"].items()
        for method in item
        if method in HTTP_METHODS
    )


def is_public(label: str) -> bool:
    """Whether the schema says the operation needs no authentication (``security: [{}]``
    or no security requirement at all)."""
    method, path = label.split(" ", 1)
    security = api_schema()["paths"][path][method.lower()].get("security", [])
    return not security or {} in security


def operation_spec(label: str) -> dict[str, Any]:
    method, path = label.split(" ", 1)
    spec: dict[str, Any] = api_schema()["paths"][path][method.lower()]
    return spec


def json_body_schema(label: str) -> dict[str, Any]:
    """The schema of the operation's JSON body ($ref resolved); {} when it takes none."""
    body = operation_spec(label).get("requestBody", {}).get("content", {}).get("application/json")
    if body is None:
        return {}
    schema: dict[str, Any] = body["schema"]
    if "$ref" in schema:
        schema = api_schema()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema
