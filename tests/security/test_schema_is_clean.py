"""The OpenAPI schema is generated without a warning and is valid OpenAPI: the fuzzing and
the access matrix read it, so a view it describes wrongly (a guessed type, an unnamed
enum, a missing serializer) would be fuzzed and checked wrongly too."""

from __future__ import annotations

import io
from pathlib import Path

import yaml
from django.core.management import call_command

from tests.security.schema import operations


def test_the_schema_generates_without_warnings_and_validates(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    output = io.StringIO()
    # --fail-on-warn raises on any warning or error; --validate on an invalid schema.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=output, stderr=output)
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert len(operations()) == sum(
        1 for item in schema["paths"].values() for method in item if method in ("get", "post", "put", "patch", "delete")
    )
