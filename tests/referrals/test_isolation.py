"""The police database holds no referral: after referrals were sent, answered, served and
read, and an incident closed as "referred", neither the police database's file (SQLite,
its write-ahead log included) nor any of its rows (PostgreSQL) contains the client's code,
the service, the provider, the team or any note; the referrals database does (the control
that the search would find them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connections

from safevillage.accounts.models import User
from safevillage.referrals import actions
from safevillage.referrals.models import Referral, Team
from tests.referrals.personas import BOTH

SECRETS = [
    "Prefers afternoons, phone via outreach worker",  # the team's note
    "Viral load test ordered; started methadone at 20 mg",  # the provider's note
    "Kampong Trabaek health centre",  # the provider
    "RRT Kampong Trabaek",  # the team
    "HIV testing and counselling",  # the service, as shown
    "hiv_testing",  # the service, as stored
    "drug_injection",  # the key population
]


def database_text(alias: str) -> bytes:
    """Everything the database ``alias`` holds, as bytes to search."""
    connection = connections[alias]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(FULL)")
        path = Path(connection.settings_dict["NAME"])
        parts = [path, path.with_name(path.name + "-wal")]
        return b"".join(p.read_bytes() for p in parts if p.exists())
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM {quoted} t")  # noqa: S608  # nosec B608
            chunks.append(cursor.fetchone()[0].encode())
    return b"\n".join(chunks)


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_the_police_database_holds_no_referral_data(
    make_referral: Callable[..., Referral],
    malis: User,
    sreyleak: User,
    sokha: User,
    make_incident: Callable[..., object],
) -> None:
    from django.test import Client

    from safevillage.incidents import actions as register

    record = make_incident(sokha, category="drug_use")
    record = register.acknowledge(record, by=sokha, version=record.version)
    register.close(record, by=sokha, version=record.version, outcome="referred")
    referral = make_referral(incident_reference=record.reference)
    actions.accept(by=malis, referral=referral)
    actions.record_service(by=malis, referral=referral, note=SECRETS[1])
    client = Client()
    for user in (malis, sreyleak):
        client.force_login(user)
        assert client.get(f"/referrals/{referral.pk}/").status_code == 200
        assert client.get("/api/v1/referrals/").status_code == 200
    police = database_text("default")
    assert police, "the police database was read"
    for secret in [referral.client_code, *SECRETS]:
        assert secret.encode() not in police, f"{secret!r} is in the police database"
    kept_apart = database_text("referrals")
    for secret in [referral.client_code, *SECRETS[:4], *SECRETS[5:]]:  # the label is not stored
        assert secret.encode() in kept_apart, f"{secret!r} should be in the referrals database"


# What the coordinator's pages write: names of a team, a member, a provider, typed into forms.
PROGRAMME_SECRETS = [
    "RRT Chea Khmau outreach",  # a team created on the page
    "Ouk Sreymom (Khmer HIV/AIDS NGO Alliance)",  # its member
    "Chea Khmau harm reduction drop-in",  # a provider created on the page
    "RRT Kampong Trabaek renamed",  # a team renamed on the page
]


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_the_police_database_holds_no_name_typed_into_the_coordinator_s_pages(
    make_user: Callable[..., User], places: dict, team: Team, sreyleak: User
) -> None:
    from django.test import Client

    from safevillage.accounts.roles import Role
    from safevillage.referrals.models import Provider

    coordinator = make_user("sothea", Role.REFERRAL_COORDINATOR, places["14"], full_name="Keo Sothea")
    make_user("nurse2", Role.SERVICE_PROVIDER, places["1404"])
    client = Client()
    client.force_login(coordinator)
    created = client.post("/referrals/programme/teams/new/", {"name": PROGRAMME_SECRETS[0], "place_code": "140401"})
    assert created.status_code == 302
    new_team = Team.objects.get(name=PROGRAMME_SECRETS[0])
    base = f"/referrals/programme/teams/{new_team.pk}"
    client.post(f"{base}/members/", {"member-name": PROGRAMME_SECRETS[1], "member-kind": "ngo"})
    assert client.get(base + "/").status_code == 200
    created = client.post(
        "/referrals/programme/providers/new/",
        {"name": PROGRAMME_SECRETS[2], "services": ["harm_reduction"], "areas": "1404"},
    )
    assert created.status_code == 302
    provider = Provider.objects.get(name=PROGRAMME_SECRETS[2])
    assert (
        client.post(f"/referrals/programme/providers/{provider.pk}/staff/", {"staff-username": "nurse2"}).status_code
        == 302
    )
    client.post(f"/referrals/programme/providers/{provider.pk}/state/", {"active": "0"})
    renamed = client.post(
        f"/referrals/programme/teams/{team.pk}/",
        {"name": PROGRAMME_SECRETS[3], "place_code": "1403"},
    )
    assert renamed.status_code == 302
    client.post(f"/referrals/programme/teams/{team.pk}/state/", {"active": "0"})
    # A refused form too: the name typed is shown back, never kept.
    assert (
        client.post("/referrals/programme/teams/new/", {"name": "RRT Elsewhere", "place_code": "1701"}).status_code
        == 400
    )
    for page in ("/referrals/programme/", base + "/", f"/referrals/programme/providers/{provider.pk}/"):
        assert client.get(page).status_code == 200

    police = database_text("default")
    assert police, "the police database was read"
    for secret in [*PROGRAMME_SECRETS, "RRT Kampong Trabaek", "RRT Elsewhere"]:
        assert secret.encode() not in police, f"{secret!r} is in the police database"
    kept_apart = database_text("referrals")
    for secret in PROGRAMME_SECRETS:
        assert secret.encode() in kept_apart, f"{secret!r} should be in the referrals database"
