"""The ranking pages: scoped like the reports, the level fitting the area, figures linked
to the records behind them, the funnel plot drawn without text and given as a table."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from safevillage.core.periods import Period
from safevillage.ranking.compute import compute
from safevillage.ranking.figures import commune_figures
from safevillage.ranking.models import RankingResult
from tests.reports.conftest import close, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def prey_veng(make_record, submit):
    """Kansoam Ak: two thefts, one solved, report submitted; Kampong Trabaek: one open
    robbery, no report; Chea Khmau: nothing recorded, report submitted."""
    close(make_record("14030501", "theft", local(2025, 1)), "solved", local(2025, 2, 1), arrests=1)
    make_record("14030502", "theft", local(2025, 2))
    make_record("14030601", "robbery", local(2025, 3))
    submit("140305")
    submit("140401")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_province_ranking_shows_every_commune_with_its_interval_and_links(national, prey_veng):
    response = _client(national).get("/rankings/14/2025Q1/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    for code in ("140305", "140306", "140401"):
        assert f'id="c-{code}"' in page
    assert "/incidents/?place=140305&amp;period=2025Q1&amp;crime=true&amp;status=counted" in page
    assert "<svg" in page and "<text" not in page  # labels are HTML, not SVG text
    assert "The funnel plot as a table" in page
    result = RankingResult.objects.current().get(area_code="14", period_id="2025Q1", level="commune")
    ranks = [row["rank"] for row in result.rows]
    assert sorted(ranks) == ranks and all(row["rank_low"] <= row["rank"] <= row["rank_high"] for row in result.rows)


def test_the_page_speaks_khmer(national, prey_veng):
    client = _client(national)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    page = client.get("/rankings/14/2025Q1/").content.decode()
    assert "Funnel plot" not in page and "ក្រាហ្វចីវលោ" in page


def test_under_reporting_shows_in_the_figures(prey_veng):
    figures = {f.code: f for f in commune_figures("14", Period.parse("2025Q1"))}
    assert (figures["140305"].crimes, figures["140305"].solved, figures["140305"].months_reported) == (2, 1, 3)
    assert (figures["140306"].crimes, figures["140306"].months_reported) == (1, 0)
    assert figures["140401"].forums_due == 2  # the commune and its one village, for one quarter


def test_a_ranking_is_stored_once_and_again_only_when_it_changes(prey_veng, make_record):
    period = Period.parse("2025Q1")
    first = compute("14", period, "commune")
    assert first.created and not compute("14", period, "commune").created
    make_record("14040101", "theft", local(2025, 3))
    again = compute("14", period, "commune")
    assert again.created
    first.result.refresh_from_db()
    assert first.result.superseded_at is not None
    assert RankingResult.objects.current().filter(area_code="14").count() == 1
    from safevillage.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="ranking.compute", target_id="14/2025Q1/commune").count() == 2


def test_another_district_is_the_same_404_as_a_missing_one(vannak, prey_veng):
    client = _client(vannak)
    assert client.get("/rankings/1403/2025Q1/").status_code == 200
    not_yours = client.get("/rankings/1404/2025Q1/")
    missing = client.get("/rankings/1499/2025Q1/")
    assert not_yours.status_code == missing.status_code == 404
    assert client.get("/rankings/14/2025Q1/").status_code == 404
    assert client.get("/rankings/KH/2025Q1/").status_code == 404


def test_the_level_must_fit_the_area(national, sokha, prey_veng):
    assert _client(sokha).get("/rankings/140305/2025Q1/").status_code == 400  # communes within a commune
    assert _client(national).get("/rankings/14/2025Q1/?level=officer").status_code == 400
    assert _client(national).get("/rankings/14/2025Q9/").status_code == 400
    assert _client(national).get("/rankings/14/2025Q1/?level=village").status_code == 400


def test_officers_of_a_commune(sokha, dara, prey_veng, make_record):
    from tests.reports.conftest import change

    solved = close(make_record("14030501", "theft", local(2025, 1)), "solved", local(2025, 1, 20))
    change(solved, assigned_to=sokha)
    change(make_record("14030502", "theft", local(2025, 2)), assigned_to=dara)
    response = _client(sokha).get("/rankings/140305/2025Q1/?level=officer", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sokha Chan" in page and "Dara Keo" in page
    result = RankingResult.objects.current().get(area_code="140305", level="officer")
    assert [row["name"] for row in result.rows] == ["Sokha Chan", "Dara Keo"]


def test_anonymous_readers_sign_in_first(client, places):
    response = client.get("/rankings/14/2025Q1/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_index_redirects_to_the_ranking(national, places):
    response = _client(national).get("/rankings/?place=14&period=2025Q1&level=commune")
    assert response.status_code == 302 and response["Location"] == "/rankings/14/2025Q1/?level=commune"
    assert _client(national).get("/rankings/").status_code == 200


def test_the_rank_command(prey_veng):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("rank", period="2025Q1", place="14", stdout=out)
    assert out.getvalue().startswith("3 of 3 communes of 14 ranked for 2025Q1 in ")
    assert out.getvalue().rstrip().endswith("stored.")
    with pytest.raises(CommandError):
        call_command("rank", period="2025Q1", place="14", level="officer", stdout=out)
