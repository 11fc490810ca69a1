"""axe-core in the browser tests: the engine shipped inside the axe-playwright-python wheel
(no download at test time), run on the page as it stands."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe


def violations(page: Any) -> list[dict[str, Any]]:
    """The page's axe-core violations (WCAG 2.x A and AA and best practices), each with the
    rule, its impact and the first offending elements."""
    results = Axe().run(page)
    return [
        {"id": v["id"], "impact": v.get("impact"), "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in results.response["violations"]
    ]
