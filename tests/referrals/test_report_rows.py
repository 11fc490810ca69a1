"""The referral rows of the periodic reports: cut from one suppressed table of provinces by
services per quarter, so that no report's figures, nor the difference of two, give away a
count from 1 to 10; other levels and periods publish none."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safevillage.core.disclosure import is_small
from safevillage.core.periods import Period, PeriodKind
from safevillage.referrals.models import Service
from safevillage.reports.tables import build_report_data

pytestmark = pytest.mark.django_db(databases=["default", "referrals"])


def referral_rows(place_code: str, period: Period) -> dict[str, dict[str, object]]:
    groups = {group["code"]: group for group in build_report_data(place_code, period)["community"]}
    return {row["key"]: row for row in groups["referrals"]["rows"]}


@pytest.fixture
def referred(make_referral, drop_in):
    # Twelve HIV tests and three harm-reduction referrals in Prey Veng (14), none in Kandal (08).
    for _ in range(12):
        make_referral()
    for _ in range(3):
        make_referral(provider=drop_in, service=Service.HARM_REDUCTION)


def this(kind: PeriodKind) -> Period:
    return Period.containing(timezone.now(), kind)


def test_a_province_shows_its_row_and_the_country_the_totals_of_one_table(referred):
    quarter = this(PeriodKind.QUARTER)
    province, country = referral_rows("14", quarter), referral_rows("", quarter)
    # The only province with referrals: the country's figures are its figures, hidden alike.
    assert {key: row["value"] for key, row in province.items()} == {key: row["value"] for key, row in country.items()}
    assert province[f"referrals.{Service.HARM_REDUCTION}"]["suppressed"] is True
    # Twelve and the total of fifteen would give the three away: one of them is hidden too.
    assert province["referrals.total"]["value"] is None or province[f"referrals.{Service.HIV_TESTING}"]["value"] is None
    for rows in (province, country):
        published = [row["value"] for row in rows.values() if row["value"] is not None]
        assert not any(is_small(value) for value in published)


def test_districts_communes_and_other_periods_publish_no_referral_figure(referred):
    for place_code, kind in [("1403", PeriodKind.QUARTER), ("140305", PeriodKind.QUARTER), ("14", PeriodKind.MONTH)]:
        rows = referral_rows(place_code, this(kind))
        assert list(rows) == ["referrals.total"]
        assert rows["referrals.total"]["value"] is None and rows["referrals.total"]["suppressed"] is True
