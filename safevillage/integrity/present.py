"""A flag as the page and the API show it: its rule's words, its evidence as label/value
pairs, and the drill-down (the register filtered to its records, and each record's page)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from safevillage.incidents.models import Incident
from safevillage.integrity.catalogue import BY_CODE, Rule
from safevillage.integrity.models import Flag

# The most record pages listed on a flag's page (the register link lists them all).
MAX_LINKS = 100


def rule_of(flag: Flag) -> Rule:
    return BY_CODE[flag.rule]


def register_link(flag: Flag) -> str:
    """The register filtered as the rule selected the records, or "" when no filter of the
    register expresses it (the records are then listed one by one)."""
    if not flag.query:
        return ""
    return f"{reverse('incidents:list')}?{urlencode(flag.query)}"


def record_links(flag: Flag, user: Any) -> list[dict[str, str]]:
    """The flag's records the reader may open (the register's own scoping), by reference."""
    ids = flag.record_ids[:MAX_LINKS]
    if not ids:
        return []
    rows = Incident.objects.visible_to(user).filter(pk__in=ids).values_list("reference", "place_code").order_by("pk")
    return [
        {"reference": reference, "place_code": code, "url": reverse("incidents:detail", args=[reference])}
        for reference, code in rows
    ]


def evidence_items(flag: Flag) -> list[tuple[str, str]]:
    """The evidence as (key, value) text pairs, nested values flattened for reading."""
    items = []
    for key, value in flag.evidence.items():
        if isinstance(value, (list, dict)):
            text = ", ".join(_short(v) for v in value) if isinstance(value, list) else _short(value)
        else:
            text = "—" if value is None else str(value)
        items.append((key.replace("_", " "), text))
    return items


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)
