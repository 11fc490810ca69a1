"""Out-of-court disputes: opened and closed by the commune's mediators, the parties' names
for them alone, unmediable offences refused, and the figures of an area."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from safevillage.audit.models import AuditEvent
from safevillage.core.periods import Period
from safevillage.disputes import indicators
from safevillage.disputes.models import Dispute, Party
from safevillage.policy.models import Category


def dispute_form(**overrides):
    data = {
        "kind": "land",
        "summary": "A boundary between two rice fields",
        "mediators": "Commune chief; first deputy",
        "opened_on_day": "3",
        "opened_on_month": "2",
        "opened_on_year": "2026",
        "claimant": "Sok Phalla",
        "respondent": "Chea Vuthy",
    }
    data.update(overrides)
    return data


def day(text: str) -> dict[str, str]:
    d = datetime.date.fromisoformat(text)
    return {"day": str(d.day), "month": str(d.month), "year": str(d.year)}


@pytest.fixture
def council(places, make_user):
    return make_user("srey", "commune_council", places["140305"])


def open_one(client, **overrides) -> Dispute:
    response = client.post(reverse("disputes:new", args=["140305"]), dispute_form(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Dispute.objects.latest("id")


def test_the_council_opens_holds_a_session_and_closes_a_dispute(client, council):
    client.force_login(council)
    dispute = open_one(client)
    assert [(p.side, p.name) for p in dispute.parties.all()] == [
        ("claimant", "Sok Phalla"),
        ("respondent", "Chea Vuthy"),
    ]
    session = {f"session-held_on_{k}": v for k, v in day("2026-02-10").items()} | {"session-note": "Both came"}
    assert client.post(reverse("disputes:session", args=[dispute.pk]), session).status_code == 302
    close = {f"close-closed_on_{k}": v for k, v in day("2026-02-24").items()} | {"close-outcome": "agreement"}
    assert client.post(reverse("disputes:close", args=[dispute.pk]), close).status_code == 302
    dispute.refresh_from_db()
    assert (dispute.outcome, dispute.days) == ("agreement", 21)
    actions = list(AuditEvent.objects.filter(action__startswith="dispute.").values_list("action", flat=True))
    assert actions == ["dispute.open", "dispute.session", "dispute.close"]
    # No audit row carries a party's name: auditors read them.
    assert not AuditEvent.objects.filter(new__icontains="Sok Phalla").exists()
    page = client.get(reverse("disputes:detail", args=[dispute.pk])).content.decode()
    assert "Sok Phalla" in page


def test_closing_before_opening_is_refused(client, council):
    client.force_login(council)
    dispute = open_one(client)
    close = {f"close-closed_on_{k}": v for k, v in day("2026-01-02").items()} | {"close-outcome": "agreement"}
    response = client.post(reverse("disputes:close", args=[dispute.pk]), close)
    assert response.status_code == 400
    assert "A dispute cannot close before it was opened." in response.content.decode()


def test_an_offence_that_cannot_be_mediated_is_refused(client, council):
    client.force_login(council)
    trafficking = Category.objects.create(
        code="trafficking-test", name_km="ជួញដូរ", name_en="Trafficking", is_crime=True, closure_kind="crime"
    )
    response = client.post(reverse("disputes:new", args=["140305"]), dispute_form(category=str(trafficking.pk)))
    assert response.status_code == 400
    assert "cannot be mediated out of court." in response.content.decode()
    assert not Dispute.objects.exists()


def test_the_names_are_for_the_communes_mediators_only(client, council, vannak, dara, make_user, places):
    client.force_login(council)
    dispute = open_one(client)
    client.force_login(vannak)  # the district officer: the dispute, not the names
    page = client.get(reverse("disputes:detail", args=[dispute.pk]))
    assert page.status_code == 200
    assert "Sok Phalla" not in page.content.decode()
    assert "2 parties: the names are for the commune" in page.content.decode()
    assert client.post(reverse("disputes:close", args=[dispute.pk]), {}).status_code == 404
    client.force_login(dara)  # the neighbouring commune: nothing
    assert client.get(reverse("disputes:detail", args=[dispute.pk])).status_code == 404
    assert client.get(reverse("disputes:new", args=["140305"])).status_code == 404
    chief = make_user("chief", "village_chief", places["14030501"])
    client.force_login(chief)
    assert client.get(reverse("disputes:detail", args=[dispute.pk])).status_code == 404


def test_the_figures_of_an_area(council, places):
    def make(opened: str, closed: str | None, outcome: str = "") -> None:
        Dispute.objects.create(
            commune=places["140305"],
            kind="debt",
            summary="x",
            mediators="y",
            opened_on=datetime.date.fromisoformat(opened),
            closed_on=datetime.date.fromisoformat(closed) if closed else None,
            outcome=outcome,
            recorded_by=council,
        )

    make("2026-01-05", "2026-01-15", "agreement")  # 10 days
    make("2026-01-10", "2026-02-09", "no_agreement")  # 30 days
    make("2026-02-01", "2026-03-03", "agreement")  # 30 days
    make("2025-12-01", "2026-01-06", "sent_to_court")  # 36 days, opened the year before
    make("2026-03-20", None)  # still open
    figures = indicators.figures("14", Period.parse("2026Q1"))
    assert (figures.opened, figures.handled, figures.resolved) == (4, 4, 2)
    assert figures.resolved_percent == 50.0
    assert figures.median_days == 30
    assert indicators.figures("08", Period.parse("2026Q1")).handled == 0
    assert Party.objects.count() == 0
