"""The daily verification of the referrals' own audit chain: its verdict is stored in the
referrals database, a tampered event is reported, the coordinator reads the verdicts and
nobody else does, and the run's result kept in the police database says no more than
"intact" or "broken"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connections
from django.test import Client
from django_q.models import Schedule

from safevillage.accounts.models import User
from safevillage.accounts.roles import Role
from safevillage.audit.models import Verification
from safevillage.jobs import tasks
from safevillage.jobs.schedule import JOBS, ensure_schedules
from safevillage.places.models import Place
from safevillage.referrals.models import ChainVerification, Referral
from safevillage.referrals.verification import ReferralsChainBroken
from tests.referrals.personas import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture
def coordinator(make_user: Callable[..., User], places: dict[str, Place]) -> User:
    return make_user("sothea", Role.REFERRAL_COORDINATOR, places["1403"], full_name="Keo Sothea")


def tamper(sql: str) -> None:
    """As someone with direct access to the referrals database would (SQLite: no trigger;
    PostgreSQL: the triggers off for the session)."""
    connection = connections["referrals"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("RESET session_replication_role")


def test_the_job_is_scheduled_daily() -> None:
    (job,) = [job for job in JOBS if job.name == "verify_referrals"]
    assert job.minutes() == 24 * 60
    ensure_schedules()
    assert Schedule.objects.get(name="verify_referrals").func == "safevillage.jobs.tasks.verify_referrals"


def test_an_intact_chain_is_stored_in_the_referrals_database(make_referral: Callable[..., Referral]) -> None:
    make_referral()
    make_referral()
    result = tasks.verify_referrals()
    assert result == "The referrals' audit chain is intact."  # no count: it is kept on the police side
    stored = ChainVerification.objects.using("referrals").get()
    assert (stored.intact, stored.events, stored.broken_at, stored.head_seq) == (True, 2, None, 2)
    assert not Verification.objects.exists()  # the police chain's verdicts are another table


def test_a_tampered_event_is_reported(make_referral: Callable[..., Referral]) -> None:
    for _ in range(3):
        make_referral()
    tamper("UPDATE referrals_chainevent SET new = NULL WHERE seq = 2")
    with pytest.raises(ReferralsChainBroken) as raised:
        tasks.verify_referrals()
    assert "#" not in str(raised.value)  # where it broke stays in the referrals database
    stored = ChainVerification.objects.get()
    assert not stored.intact and stored.broken_at == 2
    assert stored.problem == "event #2 does not match its hash (it was edited)"


def test_a_deleted_event_is_reported(make_referral: Callable[..., Referral]) -> None:
    for _ in range(3):
        make_referral()
    tamper("DELETE FROM referrals_chainevent WHERE seq = 3")
    with pytest.raises(ReferralsChainBroken):
        tasks.verify_referrals()
    stored = ChainVerification.objects.get()
    assert not stored.intact and stored.broken_at == 3


def test_the_coordinator_reads_the_verdicts_and_no_one_else(
    coordinator: User,
    sokha: User,
    vannak: User,
    chenda: User,
    national: User,
    sreyleak: User,
    malis: User,
    make_user: Callable[..., User],
    places: dict[str, Place],
    make_referral: Callable[..., Referral],
) -> None:
    make_referral()
    tasks.verify_referrals()
    tamper("UPDATE referrals_chainevent SET reason = 'forged' WHERE seq = 1")
    with pytest.raises(ReferralsChainBroken):
        tasks.verify_referrals()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(coordinator)
    body = client.get("/referrals/programme/").content.decode()
    assert "Broken at event #1:" in body
    assert "Intact: 1 event checked." in body
    auditor = make_user("auditor", Role.AUDITOR, None)
    for user in (sokha, vannak, chenda, national, auditor, sreyleak, malis):
        client.force_login(user)
        assert client.get("/referrals/programme/").status_code == 404, user.username
    # The menu offers the page to the coordinator only.
    client.force_login(coordinator)
    assert 'href="/referrals/programme/"' in client.get("/").content.decode()
    client.force_login(national)
    assert 'href="/referrals/programme/"' not in client.get("/").content.decode()
