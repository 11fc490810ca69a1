"""axe-core in the browser tests, run on the page as it stands: the WCAG 2.1 A and AA rules
(``axe_violations``, ``assert_accessible``), or every rule axe runs by default, best practices
included (``violations``, the portal's tests).

axe-core is an npm development dependency (package.json), read from node_modules by the tests
alone: scripts/build-assets.sh copies nothing of it into the static files the product serves.
It goes into the page through ``page.evaluate`` (DevTools' evaluation), which the pages'
Content-Security-Policy does not govern: an inline ``<script>`` tag would be refused, and the
policy stays exactly what users get.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("AXE_CORE_PATH") or ROOT / "node_modules" / "axe-core" / "axe.min.js")
# The gate is WCAG 2.1 A and AA; AXE_EXTRA_TAGS="best-practice wcag22aa" looks further.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", *os.environ.get("AXE_EXTRA_TAGS", "").split()]

RUN = """async ([context, tags]) => {
  const options = {resultTypes: ["violations"]};
  if (tags) options.runOnly = {type: "tag", values: tags};
  const results = await window.axe.run(context || document, options);
  return results.violations.map((rule) => ({
    id: rule.id,
    impact: rule.impact,
    help: rule.help,
    nodes: rule.nodes.map((node) => ({target: node.target.join(" "), summary: node.failureSummary})),
  }));
}"""


@functools.cache
def axe_source() -> str:
    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} is missing: `make assets` (npm ci) installs axe-core")
    # A trailing expression, so that evaluating the file returns something serialisable.
    return AXE.read_text(encoding="utf-8") + "\n;true"


def axe_violations(page: Any, context: Any = None, tags: list[str] | None = WCAG_21_AA) -> list[dict[str, Any]]:
    """The violations axe finds on the page now (an empty list when none): the WCAG 2.1 A/AA
    rules unless ``tags`` says otherwise (None: axe's defaults); ``context`` as axe.run takes it
    (``{"include": [[".report-charts"]]}``), the whole document by default."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return list(page.evaluate(RUN, [context, tags]))


def violations(page: Any) -> list[dict[str, Any]]:
    """Every rule axe runs by default (WCAG 2.x A and AA and best practices), each violation
    with its rule, impact and first offending elements."""
    return [
        {"id": rule["id"], "impact": rule["impact"], "nodes": [node["target"] for node in rule["nodes"][:3]]}
        for rule in axe_violations(page, tags=None)
    ]


def describe(rules: list[dict[str, Any]], where: str = "") -> str:
    """One line per violation (rule, impact, help), then one per element it names."""
    lines = []
    for rule in rules:
        lines.append(f"{where}{rule['id']} ({rule['impact']}): {rule['help']}")
        for node in rule["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}  -- {summary}")
    return "\n".join(lines)


def assert_accessible(page: Any) -> None:
    found = axe_violations(page)
    assert not found, f"axe-core on {page.url}:\n" + describe(found)
