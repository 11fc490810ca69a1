"""What the result report's API answers matches what its schema declares, with every group
of the community programmes filled (counts, shares, durations, points, riel, an n/a) and for
a report whose figures come from its stored snapshot."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import response_schema_conformance

from safevillage.core.periods import Period
from safevillage.reports import approval
from tests.reports.community_data import programmes  # noqa: F401  # the fixture
from tests.security.schema import api_schema

pytestmark = pytest.mark.django_db

LABEL = "GET /api/v1/reports/{place_code}/{period}/"


@pytest.mark.usefixtures("programmes")
def test_report_answers_with_community_figures_match_the_schema(wsgi_app, sokha, national, token_for, places):
    approval.submit(places["140305"], Period.parse("2026Q1"), by=sokha)
    schema = schemathesis.openapi.from_dict(api_schema())
    schema.app = wsgi_app
    operation: Any = schema.find_operation_by_label(LABEL)
    headers = token_for(national)
    # A district live, a submitted commune from its snapshot, a village (no n/a-free group), the country.
    for place, period, query in (
        ("1403", "2026Q1", None),
        ("140305", "2026Q1", None),
        ("140305", "2026Q1", {"live": "true"}),
        ("14030502", "2026Q1", None),
        ("KH", "2025", None),
    ):
        case = operation.Case(path_parameters={"place_code": place, "period": period}, query=query)
        response = case.call(base_url="http://testserver", headers=headers)
        assert response.status_code == 200, (place, period)
        assert response.json()["community"], (place, period)
        case.validate_response(response, checks=[response_schema_conformance])
