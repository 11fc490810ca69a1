"""The register filters behind report links: bad values are errors, never "everything"."""

from __future__ import annotations

import pytest

from safevillage.reports.trace import extra_filters, trace_q, trace_url


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"closed": "2025Q9"}, "closed"),
        ({"criterion": "2021-two"}, "criterion"),
        ({"crime": "maybe"}, "crime"),
        ({"outcome": "forgiven"}, "outcome"),
        ({"arrests": "many"}, "arrests"),
    ],
)
def test_a_bad_value_is_an_error_for_its_parameter(params, field):
    _q, errors = extra_filters(params)
    assert list(errors) == [field] and errors[field]
    with pytest.raises(ValueError):
        trace_q(params)


def test_links_drop_empty_filters_and_keep_a_fixed_order():
    url = trace_url({"status": "counted", "place": "08", "period": "", "closed": "2022", "category": "theft"})
    assert url == "/incidents/?place=08&closed=2022&category=theft&status=counted"
