"""The register's filters (``incidents.filters``) as the OpenAPI parameters of the API list.

The page, the CSV export, the API list and the links behind every report figure read the same
parameters through the one implementation; this module only describes them to API clients.
A parameter the implementation reads but this list lacks fails
tests/incidents/test_api_filters_documented.py."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from safevillage.api.patterns import PERIOD_PATTERN, PLACE_CODE_PATTERN
from safevillage.incidents.filters import MAX_QUERY_LENGTH, SORTS
from safevillage.incidents.models import Channel, Outcome, Status

_PERIOD: dict[str, Any] = {"type": "string", "pattern": PERIOD_PATTERN}
# Only "true" selects; the register page's check boxes also send 1, yes or on, read alike.
_ONLY_TRUE: dict[str, Any] = {"type": "string", "enum": ["true"]}


def _query(name: str, schema: dict[str, Any] | OpenApiTypes, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, schema, OpenApiParameter.QUERY, description=description)


INCIDENT_FILTERS = [
    _query(
        "place",
        {"type": "string", "pattern": PLACE_CODE_PATTERN},
        "A place code (2 digits a province, 4 a district, 6 a commune, 8 a village): its records and "
        "those of the places under it.",
    ),
    _query("period", _PERIOD, "Month of occurrence: a DHIS2 period (202601, 2026Q1, 2026S1 or 2026)."),
    _query(
        "closed",
        _PERIOD,
        "Closed records whose closure falls in this DHIS2 period, in Cambodian local time "
        "(202601, 2026Q1, 2026S1 or 2026).",
    ),
    _query(
        "category",
        {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$", "maxLength": 48},
        "A category code (GET /api/v1/categories/); an unknown code is a 400.",
    ),
    _query(
        "criterion",
        {"type": "string", "pattern": r"^[a-zA-Z0-9_.]+-([0-9]+|none)$"},
        "Records of the categories counted against a criterion, written <framework>-<number> (2021-2, "
        "GET /api/v1/criteria/), or <framework>-none: the categories counted against none of that framework.",
    ),
    _query("crime", _ONLY_TRUE, "true: only records of categories that are crimes."),
    _query(
        "status",
        {"type": "string", "enum": [*Status.values, "open", "counted"]},
        "A status; open: every status before closure; counted: every record but withdrawn ones.",
    ),
    _query("outcome", {"type": "string", "enum": list(Outcome.values)}, "Closed records with this outcome."),
    _query("channel", {"type": "string", "enum": list(Channel.values)}, "The channel the report came through."),
    _query("arrests", _ONLY_TRUE, "true: only records with at least one person arrested."),
    _query(
        "overdue",
        OpenApiTypes.BOOL,
        "true: only open records past a deadline (acknowledge, first action or close); false or absent: "
        "no restriction.",
    ),
    _query(
        "overdue_days",
        {"type": "string", "pattern": r"^[0-9]{1,5}-[0-9]{0,5}$"},
        "Open records overdue for at least the first number of days and less than the second: 8-30; "
        "365-: a year or more.",
    ),
    _query(
        "escalated",
        {"type": "string", "enum": ["true", "0", "1", "2"]},
        "true: records escalated to any level; 0, 1 or 2: escalated to the national (0), provincial (1) or "
        "district (2) level.",
    ),
    _query(
        "q",
        # No NUL character: PostgreSQL refuses one in a query, and the list answers it with a 400.
        {"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": "^[^\\x00]*$"},
        "Text in the reference or the description (case-insensitive).",
    ),
    _query(
        "assigned",
        {"type": "string", "enum": ["me"]},
        "me: only records assigned to the caller.",
    ),
    _query(
        "needs_action",
        _ONLY_TRUE,
        "true: only records waiting for the caller's action: received and not acknowledged, reopened or "
        "overdue where the caller investigates, and records escalated to the level the caller supervises.",
    ),
    _query(
        "sort",
        {"type": "string", "enum": [f"{sign}{key}" for key in SORTS for sign in ("", "-")]},
        "Order: reported (time of the report), occurred (time of the incident) or status (workflow "
        "order); a leading - reverses it. Default -reported.",
    ),
]

LIST_DESCRIPTION = (
    "The records of your area, newest report first, filtered by the same parameters as the register page "
    "and its CSV export. Every figure of a result report (GET /api/v1/reports/{place_code}/{period}/) "
    "carries in its `links` the query string of the records it counts: append it to this list's URL to "
    "get exactly those records. An invalid parameter value is a 400 naming the parameter."
)
