"""Sending, answering and following a referral; the client code; the team's feedback; the
referrals' own audit chain; the suppressed counts."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from safevillage.accounts.models import User
from safevillage.core.disclosure import is_small
from safevillage.core.periods import Period, PeriodKind
from safevillage.referrals import actions, chain
from safevillage.referrals.aggregates import referral_table
from safevillage.referrals.codes import client_code
from safevillage.referrals.models import ChainEvent, Provider, Referral, Status, Team
from tests.referrals.personas import BOTH, CLIENT

pytestmark = pytest.mark.django_db(databases=BOTH)


def test_client_code_is_the_same_for_the_same_person_and_names_no_one() -> None:
    code = client_code(**CLIENT)
    spaced = {**CLIENT, "family_name": " CHAN ", "given_name": "so-phal"}
    assert client_code(**spaced) == code
    assert client_code(**{**CLIENT, "born_on": datetime.date(1996, 4, 3)}) != code
    assert len(code) == 14 and code.count("-") == 2
    assert "CHAN" not in code.upper() and "SOPHAL" not in code.upper()


def test_client_code_depends_on_the_key(settings: pytest.FixtureRequest) -> None:
    code = client_code(**CLIENT)
    settings.REFERRALS_CLIENT_KEY = "another-key-" + "x" * 40  # type: ignore[attr-defined]
    assert client_code(**CLIENT) != code


def test_no_referral_without_consent(make_referral: Callable[..., Referral], sreyleak: User) -> None:
    with pytest.raises(ValidationError) as refused:
        make_referral(consent=False)
    assert "override_reason" in refused.value.message_dict
    assert not Referral.objects.exists()


def test_override_needs_the_permission(
    make_referral: Callable[..., Referral], sreyleak: User, settings: pytest.FixtureRequest
) -> None:
    from safevillage.accounts import roles
    from safevillage.accounts.scoping import forget

    referral = make_referral(consent=False, override_reason="Unconscious after an overdose; taken to the centre")
    assert referral.consent is False and referral.consent_override_reason
    granted = roles.PERMISSIONS[roles.Role.RAPID_RESPONSE]
    roles.PERMISSIONS[roles.Role.RAPID_RESPONSE] = granted - {"referrals.override_consent"}
    try:
        forget(sreyleak)
        with pytest.raises(ValidationError) as refused:
            make_referral(consent=False, override_reason="No reason the policy accepts")
        assert "consent" in refused.value.message_dict
    finally:
        roles.PERMISSIONS[roles.Role.RAPID_RESPONSE] = granted


def test_the_service_must_be_offered_by_the_provider(make_referral: Callable[..., Referral]) -> None:
    with pytest.raises(ValidationError):
        make_referral(service="legal_aid")


def test_the_form_refuses_a_referral_without_consent(sreyleak: User, health_centre: Provider) -> None:
    client = Client()
    client.force_login(sreyleak)
    response = client.post(
        "/referrals/new/",
        {
            "family_name": "Chan",
            "given_name": "Sophal",
            "born_on_day": "2",
            "born_on_month": "4",
            "born_on_year": "1996",
            "sex": "m",
            "key_population": "drug_use",
            "offer": f"{health_centre.pk}:hiv_testing",
        },
    )
    assert response.status_code == 400
    assert b"why the referral is needed" in response.content
    assert not Referral.objects.exists()


def test_the_form_sends_a_referral_and_stores_no_name(sreyleak: User, health_centre: Provider, team: Team) -> None:
    client = Client()
    client.force_login(sreyleak)
    response = client.post(
        "/referrals/new/",
        {
            "team": team.pk,
            "family_name": "Chan",
            "given_name": "Sophal",
            "born_on_day": "2",
            "born_on_month": "4",
            "born_on_year": "1996",
            "sex": "m",
            "key_population": "drug_use",
            "offer": f"{health_centre.pk}:hiv_testing",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    referral = Referral.objects.get()
    assert referral.client_code == client_code(**CLIENT)
    stored = " ".join(str(v) for v in Referral.objects.values().get().values())
    assert "Chan" not in stored and "Sophal" not in stored


def test_life_of_a_referral_and_what_the_team_reads(
    make_referral: Callable[..., Referral], malis: User, sreyleak: User
) -> None:
    referral = make_referral()
    assert actions.feedback_words(referral) == "Sent, not yet received"
    actions.accept(by=malis, referral=referral)
    referral.refresh_from_db()
    assert actions.feedback_words(referral) == "Received"
    with pytest.raises(ValidationError):
        actions.accept(by=malis, referral=referral)
    actions.record_service(by=malis, referral=referral, note="HIV test negative; started PrEP; next visit in 30 days")
    referral.refresh_from_db()
    assert referral.status == Status.SERVED
    client = Client()
    client.force_login(sreyleak)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Service given" in page
    assert "PrEP" not in page and "negative" not in page and "injects" not in page.lower()
    api = client.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert api["feedback"] == "Service given"
    assert api["service_note"] is None and api["status"] is None and api["key_population"] is None
    actions.close(by=sreyleak, referral=referral)
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED and actions.feedback_words(referral) == "Service given"


def test_only_the_provider_answers_and_only_the_team_revokes(
    make_referral: Callable[..., Referral], malis: User, sreyleak: User
) -> None:
    referral = make_referral()
    with pytest.raises(Http404):
        actions.accept(by=sreyleak, referral=referral)
    with pytest.raises(Http404):
        actions.revoke(by=malis, referral=referral, reason="x")
    with pytest.raises(ValidationError):
        actions.decline(by=malis, referral=referral, reason="not a reason")
    actions.revoke(by=sreyleak, referral=referral, reason="The client withdrew consent")
    referral.refresh_from_db()
    assert referral.status == Status.REVOKED
    with pytest.raises(ValidationError):
        actions.accept(by=malis, referral=referral)


def test_every_read_is_audited_in_the_referrals_chain(make_referral: Callable[..., Referral], malis: User) -> None:
    referral = make_referral()
    client = Client()
    client.force_login(malis)
    client.get(f"/referrals/{referral.pk}/")
    client.get(f"/api/v1/referrals/{referral.pk}/")
    client.get("/api/v1/referrals/")
    actions_seen = list(ChainEvent.objects.values_list("action", "actor_id"))
    assert actions_seen == [
        ("referral.send", referral.created_by),
        ("referral.read", malis.pk),
        ("referral.read", malis.pk),
        ("referral.list", malis.pk),
    ]
    verdict = chain.verify()
    assert verdict.intact and verdict.events == 4


def test_the_chain_detects_an_edited_event(make_referral: Callable[..., Referral]) -> None:
    make_referral()
    make_referral()
    ChainEvent.objects.filter(seq=1).values_list("pk")  # the rows are there
    from django.db import connections

    with connections["referrals"].cursor() as cursor:
        cursor.execute("UPDATE referrals_chainevent SET reason = 'forged' WHERE seq = 1")
    verdict = chain.verify()
    assert not verdict.intact and verdict.broken_at == 1


def test_published_counts_hide_1_to_10(make_referral: Callable[..., Referral], places: dict, drop_in: Provider) -> None:
    for _ in range(12):
        make_referral()
    for _ in range(3):
        make_referral(provider=drop_in, service="harm_reduction")
    period = Period.containing(timezone.now(), PeriodKind.QUARTER)
    table = referral_table("14", period)
    published = table.published
    shown = [v for row in published.cells for v in row] + published.row_totals + published.column_totals
    assert all(v is None or not is_small(v) for v in [*shown, published.total])
    services = [key for key, _label in table.rows]
    population = [key for key, _label in table.columns]
    assert published.cells[services.index("harm_reduction")][population.index("drug_injection")] is None
    # By place: the district row of Prey Veng holds 15, shown; the others are zero.
    by_place = referral_table("14", period, rows="place", columns="service")
    assert [key for key, _label in by_place.rows] == ["1403", "1404"]
    assert by_place.published.row_totals == [15, 0]


def test_teams_and_providers_are_set_up_by_command_and_never_with_a_police_account(
    make_user: Callable[..., User], places: dict, sokha: User
) -> None:
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from safevillage.accounts.roles import Role

    make_user("ngo1", Role.RAPID_RESPONSE, places["140305"])
    make_user("nurse1", Role.SERVICE_PROVIDER, places["1403"])
    out = io.StringIO()
    call_command(
        "add_referral_team", name="RRT Kansoam Ak", place="140305", member=["Sok:ngo:ngo1", "Dara:police"], stdout=out
    )
    call_command(
        "add_referral_provider", name="Clinic", service=["hiv_testing"], area=["1403"], staff=["nurse1"], stdout=out
    )
    assert Team.objects.get(place_code="140305").members.count() == 2
    assert Provider.objects.get(name="Clinic").staff.count() == 1
    with pytest.raises(CommandError, match="reads the register"):
        call_command("add_referral_team", name="RRT 2", place="140305", member=["Sokha:police:sokha"], stdout=out)
    assert [e.action for e in ChainEvent.objects.all()] == ["team.create", "provider.create"]
