"""The API's access matrix: every operation of the OpenAPI schema, called by every role (and
by an anonymous caller and an account with no assignment), on an object at each of four
places seen from Kansoam Ak, and the answer compared with the table below.

The four places (villages of the real gazetteer fragment in tests/conftest.py):

    own       14030501  Kansoam Ak village, in the callers' own commune (Kansoam Ak, 140305)
    commune   14030601  Trabaek, in the neighbouring commune (Kampong Trabaek, 140306)
    district  14040101  Chea Khmau, in the neighbouring district (Kanhchriech, 1404)
    province  08010101  Chheu Teal, in another province (Kandal, 08)

The callers hold their role where it is held: the national secretariat the whole country,
the provincial secretariat Prey Veng (14), the district officer Kampong Trabaek (1403), the
village chief Kansoam Ak village (14030501), every commune-level role (and the auditor)
Kansoam Ak commune (140305). Each calls with a real device token.

The object "at a place" is, per operation: the village itself (places), a record in it
(the register and its actions, in the state the action needs, fresh for every call), a
new record or complaint in it (POST), the audit events of a record in it, the village's
result report, a public complaint's receipt there.

The table is the policy, written out: it is not derived from accounts.roles, so a change
to roles or to a view that widens access fails here. An operation that appears in the
schema without a row here fails, naming it."""

from __future__ import annotations

import datetime
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from safevillage.accounts.models import DeviceToken, RoleAssignment, User
from safevillage.accounts.roles import Role
from safevillage.awards.models import AwardRound
from safevillage.incidents.models import Incident
from safevillage.pilots.models import Pilot
from safevillage.places.models import Place
from tests.factories import closed, make_complaint, make_incident
from tests.security.schema import operations

# The referral operations create their referral in the referrals' own database.
pytestmark = pytest.mark.django_db(databases=["default", "referrals"])

TARGETS = {"own": "14030501", "commune": "14030601", "district": "14040101", "province": "08010101"}

# principal -> (role, place of the assignment); None: no assignment (anonymous: no account).
PRINCIPALS: dict[str, tuple[str | None, str | None]] = {
    "anonymous": (None, None),
    "no_assignment": (None, None),
    "national_secretariat": (Role.NATIONAL_SECRETARIAT, None),
    "provincial_secretariat": (Role.PROVINCIAL_SECRETARIAT, "14"),
    "district_officer": (Role.DISTRICT_OFFICER, "1403"),
    "commune_police": (Role.COMMUNE_POLICE, "140305"),
    "commune_council": (Role.COMMUNE_COUNCIL, "140305"),
    "village_chief": (Role.VILLAGE_CHIEF, "14030501"),
    "service_provider": (Role.SERVICE_PROVIDER, "140305"),
    "auditor": (Role.AUDITOR, "140305"),
}

# For lists: a 200 whose results hold the object, or a 200 without it.
LISTED = "listed"
UNLISTED = "not listed"
Outcome = int | str
Row = tuple[Outcome, Outcome, Outcome, Outcome]  # own, commune, district, province


def everywhere(outcome: Outcome) -> Row:
    return (outcome, outcome, outcome, outcome)


# The answers of the register's actions, by who may take them (workflow.TRANSITIONS): a
# caller who may see the record but not act gets 403; one who may not see it, 404.
def action(
    *, national: Row, provincial: Row, district: Row, police: Row, council: Row, village: Row, auditor: Row
) -> dict[str, Row]:
    return {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(404),
        "national_secretariat": national,
        "provincial_secretariat": provincial,
        "district_officer": district,
        "commune_police": police,
        "commune_council": council,
        "village_chief": village,
        "service_provider": everywhere(404),  # no incidents.view: the register does not exist for them
        "auditor": auditor,
    }


def managers(*, national: Row, provincial: Row) -> dict[str, Row]:
    """The people operations: only the secretariats hold users.manage (everyone else: 403),
    each over the officers of its own area."""
    refused = everywhere(403)
    return {
        "anonymous": everywhere(401),
        "no_assignment": refused,
        "national_secretariat": national,
        "provincial_secretariat": provincial,
        "district_officer": refused,
        "commune_police": refused,
        "commune_council": refused,
        "village_chief": refused,
        "service_provider": refused,
        "auditor": refused,
    }


PEOPLE_EXPECTED: dict[str, dict[str, Row]] = {
    "GET /api/v1/people/": managers(national=everywhere(LISTED), provincial=(LISTED, LISTED, LISTED, UNLISTED)),
    "GET /api/v1/people/{id}/": managers(national=everywhere(200), provincial=(200, 200, 200, 404)),
    "POST /api/v1/people/": managers(national=everywhere(201), provincial=(201, 201, 201, 403)),
    "POST /api/v1/people/{id}/roles/": managers(national=everywhere(200), provincial=(200, 200, 200, 404)),
    "POST /api/v1/people/{id}/end-role/": managers(national=everywhere(200), provincial=(200, 200, 200, 404)),
    "POST /api/v1/people/{id}/active/": managers(national=everywhere(200), provincial=(200, 200, 200, 404)),
    "POST /api/v1/people/{id}/password/": managers(national=everywhere(200), provincial=(200, 200, 200, 404)),
}


def provincial_up(*, national: Outcome, provincial: Row, others: Outcome) -> dict[str, Row]:
    """Pilots are read over a whole province (pilots/models.py): the national secretariat
    everywhere, the provincial secretariat in its province, nobody below (an auditor of a
    commune included)."""
    return {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(others),
        "national_secretariat": everywhere(national),
        "provincial_secretariat": provincial,
        **{
            principal: everywhere(others)
            for principal in PRINCIPALS
            if principal not in ("anonymous", "no_assignment", "national_secretariat", "provincial_secretariat")
        },
    }


# A pilot at the target village's commune; marking one there needs pilots.manage (a place
# outside the caller's area is a 400 naming the field, like a code that does not exist).
PILOTS_EXPECTED: dict[str, dict[str, Row]] = {
    "GET /api/v1/pilots/": provincial_up(
        national=LISTED, provincial=(LISTED, LISTED, LISTED, UNLISTED), others=UNLISTED
    ),
    "GET /api/v1/pilots/{id}/": provincial_up(national=200, provincial=(200, 200, 200, 404), others=404),
    "GET /api/v1/pilots/{id}/evaluation/": provincial_up(national=200, provincial=(200, 200, 200, 404), others=404),
    "POST /api/v1/pilots/": provincial_up(national=201, provincial=(201, 201, 201, 400), others=403),
}


EXPECTED: dict[str, dict[str, Row]] = {
    "GET /api/v1/places/": {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(UNLISTED),
        "national_secretariat": everywhere(LISTED),
        "provincial_secretariat": (LISTED, LISTED, LISTED, UNLISTED),
        "district_officer": (LISTED, LISTED, UNLISTED, UNLISTED),
        "commune_police": (LISTED, UNLISTED, UNLISTED, UNLISTED),
        "commune_council": (LISTED, UNLISTED, UNLISTED, UNLISTED),
        "village_chief": (LISTED, UNLISTED, UNLISTED, UNLISTED),
        "service_provider": (LISTED, UNLISTED, UNLISTED, UNLISTED),
        "auditor": (LISTED, UNLISTED, UNLISTED, UNLISTED),
    },
    "GET /api/v1/places/{code}/": {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(404),
        "national_secretariat": everywhere(200),
        "provincial_secretariat": (200, 200, 200, 404),
        "district_officer": (200, 200, 404, 404),
        "commune_police": (200, 404, 404, 404),
        "commune_council": (200, 404, 404, 404),
        "village_chief": (200, 404, 404, 404),
        "service_provider": (200, 404, 404, 404),
        "auditor": (200, 404, 404, 404),
    },
    "GET /api/v1/incidents/": {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(UNLISTED),
        "national_secretariat": everywhere(LISTED),
        "provincial_secretariat": (LISTED, LISTED, LISTED, UNLISTED),
        "district_officer": (LISTED, LISTED, UNLISTED, UNLISTED),
        "commune_police": (LISTED, UNLISTED, UNLISTED, UNLISTED),
        "commune_council": (LISTED, UNLISTED, UNLISTED, UNLISTED),
        "village_chief": (LISTED, UNLISTED, UNLISTED, UNLISTED),
        "service_provider": everywhere(UNLISTED),
        "auditor": (LISTED, UNLISTED, UNLISTED, UNLISTED),
    },
    "GET /api/v1/incidents/{reference}/": {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(404),
        "national_secretariat": everywhere(200),
        "provincial_secretariat": (200, 200, 200, 404),
        "district_officer": (200, 200, 404, 404),
        "commune_police": (200, 404, 404, 404),
        "commune_council": (200, 404, 404, 404),
        "village_chief": (200, 404, 404, 404),
        "service_provider": everywhere(404),
        "auditor": (200, 404, 404, 404),
    },
    # Recording: a village outside one's area is refused like an unknown village (400).
    "POST /api/v1/incidents/": {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(403),
        "national_secretariat": everywhere(403),
        "provincial_secretariat": everywhere(403),
        "district_officer": everywhere(403),
        "commune_police": (201, 400, 400, 400),
        "commune_council": (201, 400, 400, 400),
        "village_chief": (201, 400, 400, 400),
        "service_provider": everywhere(403),
        "auditor": everywhere(403),
    },
    # Acknowledging and investigating: the commune police only.
    "POST /api/v1/incidents/{reference}/acknowledge/": action(
        national=everywhere(403),
        provincial=(403, 403, 403, 404),
        district=(403, 403, 404, 404),
        police=(200, 404, 404, 404),
        council=(403, 404, 404, 404),
        village=(403, 404, 404, 404),
        auditor=(403, 404, 404, 404),
    ),
    "POST /api/v1/incidents/{reference}/investigate/": action(
        national=everywhere(403),
        provincial=(403, 403, 403, 404),
        district=(403, 403, 404, 404),
        police=(200, 404, 404, 404),
        council=(403, 404, 404, 404),
        village=(403, 404, 404, 404),
        auditor=(403, 404, 404, 404),
    ),
    # Closing by mediation: the commune police or the commune council.
    "POST /api/v1/incidents/{reference}/close/": action(
        national=everywhere(403),
        provincial=(403, 403, 403, 404),
        district=(403, 403, 404, 404),
        police=(200, 404, 404, 404),
        council=(200, 404, 404, 404),
        village=(403, 404, 404, 404),
        auditor=(403, 404, 404, 404),
    ),
    # Reopening a closed record: supervisors (district, province, national).
    "POST /api/v1/incidents/{reference}/reopen/": action(
        national=everywhere(200),
        provincial=(200, 200, 200, 404),
        district=(200, 200, 404, 404),
        police=(403, 404, 404, 404),
        council=(403, 404, 404, 404),
        village=(403, 404, 404, 404),
        auditor=(403, 404, 404, 404),
    ),
    # Withdrawing and assigning: the commune police or a supervisor.
    "POST /api/v1/incidents/{reference}/withdraw/": action(
        national=everywhere(200),
        provincial=(200, 200, 200, 404),
        district=(200, 200, 404, 404),
        police=(200, 404, 404, 404),
        council=(403, 404, 404, 404),
        village=(403, 404, 404, 404),
        auditor=(403, 404, 404, 404),
    ),
    "POST /api/v1/incidents/{reference}/assign/": action(
        national=everywhere(200),
        provincial=(200, 200, 200, 404),
        district=(200, 200, 404, 404),
        police=(200, 404, 404, 404),
        council=(403, 404, 404, 404),
        village=(403, 404, 404, 404),
        auditor=(403, 404, 404, 404),
    ),
    # A note: anyone who records, investigates, mediates or supervises there; not the auditor.
    "POST /api/v1/incidents/{reference}/note/": action(
        national=everywhere(200),
        provincial=(200, 200, 200, 404),
        district=(200, 200, 404, 404),
        police=(200, 404, 404, 404),
        council=(200, 404, 404, 404),
        village=(200, 404, 404, 404),
        auditor=(403, 404, 404, 404),
    ),
    # The audit log: auditors only, each the events of their own area.
    "GET /api/v1/audit/events/": {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(403),
        "national_secretariat": everywhere(403),
        "provincial_secretariat": everywhere(403),
        "district_officer": everywhere(403),
        "commune_police": everywhere(403),
        "commune_council": everywhere(403),
        "village_chief": everywhere(403),
        "service_provider": everywhere(403),
        "auditor": (LISTED, UNLISTED, UNLISTED, UNLISTED),
    },
    # The chain is one for the whole country: every auditor gets the whole verdict.
    "GET /api/v1/audit/verify/": {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(403),
        "national_secretariat": everywhere(403),
        "provincial_secretariat": everywhere(403),
        "district_officer": everywhere(403),
        "commune_police": everywhere(403),
        "commune_council": everywhere(403),
        "village_chief": everywhere(403),
        "service_provider": everywhere(403),
        "auditor": everywhere(200),
    },
    # The policy (categories, context tags, criteria): the same everywhere, read by every
    # account; the categories the public form accepts, by anyone.
    "GET /api/v1/categories/": {
        principal: everywhere(401 if principal == "anonymous" else LISTED) for principal in PRINCIPALS
    },
    "GET /api/v1/context-tags/": {
        principal: everywhere(401 if principal == "anonymous" else LISTED) for principal in PRINCIPALS
    },
    "GET /api/v1/criteria/": {
        principal: everywhere(401 if principal == "anonymous" else LISTED) for principal in PRINCIPALS
    },
    "GET /api/v1/public/categories/": {principal: everywhere(LISTED) for principal in PRINCIPALS},
    # Public: anyone complains about any village and follows a complaint by its receipt.
    "POST /api/v1/public/complaints/": {principal: everywhere(201) for principal in PRINCIPALS},
    "POST /api/v1/public/complaints/status/": {principal: everywhere(200) for principal in PRINCIPALS},
    # Result reports: reports.view at the place; the village chief and service providers have none.
    "GET /api/v1/reports/{place_code}/{period}/": {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(404),
        "national_secretariat": everywhere(200),
        "provincial_secretariat": (200, 200, 200, 404),
        "district_officer": (200, 200, 404, 404),
        "commune_police": (200, 404, 404, 404),
        "commune_council": (200, 404, 404, 404),
        "village_chief": everywhere(404),
        "service_provider": everywhere(404),
        "auditor": (200, 404, 404, 404),
    },
    **PEOPLE_EXPECTED,
    # Referrals (safevillage/referrals): none of these callers is on a Rapid Response Team or
    # a provider's staff, so none reads or answers a referral anywhere (the service provider
    # role alone is not enough); the register's roles never do (tests/referrals/test_access.py).
    **{
        operation: {principal: everywhere(401 if principal == "anonymous" else 404) for principal in PRINCIPALS}
        for operation in (
            "GET /api/v1/referrals/",
            "GET /api/v1/referrals/{id}/",
            "POST /api/v1/referrals/{id}/accept/",
            "POST /api/v1/referrals/{id}/decline/",
            "POST /api/v1/referrals/{id}/service/",
        )
    },
    # Safety classification: scoped like the reports.
    "GET /api/v1/safety/{place_code}/{period}/": {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(404),
        "national_secretariat": everywhere(200),
        "provincial_secretariat": (200, 200, 200, 404),
        "district_officer": (200, 200, 404, 404),
        "commune_police": (200, 404, 404, 404),
        "commune_council": (200, 404, 404, 404),
        "village_chief": everywhere(404),
        "service_provider": everywhere(404),
        "auditor": (200, 404, 404, 404),
    },
    **PILOTS_EXPECTED,
    # Award rounds of the village's district (awards.view: the district, provincial and
    # national secretariats and auditors over the round's area; an auditor of a commune reads
    # no district's round).
    "GET /api/v1/awards/": {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(UNLISTED),
        "national_secretariat": everywhere(LISTED),
        "provincial_secretariat": (LISTED, LISTED, LISTED, UNLISTED),
        "district_officer": (LISTED, LISTED, UNLISTED, UNLISTED),
        "commune_police": everywhere(UNLISTED),
        "commune_council": everywhere(UNLISTED),
        "village_chief": everywhere(UNLISTED),
        "service_provider": everywhere(UNLISTED),
        "auditor": everywhere(UNLISTED),
    },
    "GET /api/v1/awards/{id}/": {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(404),
        "national_secretariat": everywhere(200),
        "provincial_secretariat": (200, 200, 200, 404),
        "district_officer": (200, 200, 404, 404),
        "commune_police": everywhere(404),
        "commune_council": everywhere(404),
        "village_chief": everywhere(404),
        "service_provider": everywhere(404),
        "auditor": everywhere(404),
    },
    # Competition ranking (the officers of the place's commune): scoped like the reports.
    "GET /api/v1/rankings/{place_code}/{period}/": {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(404),
        "national_secretariat": everywhere(200),
        "provincial_secretariat": (200, 200, 200, 404),
        "district_officer": (200, 200, 404, 404),
        "commune_police": (200, 404, 404, 404),
        "commune_council": (200, 404, 404, 404),
        "village_chief": everywhere(404),
        "service_provider": everywhere(404),
        "auditor": (200, 404, 404, 404),
    },
    # Integrity flags: supervisors and auditors (integrity.view) over their area; a place
    # outside it is the same 404 as a missing one; roles without the permission, 403.
    "GET /api/v1/integrity/flags/": {
        "anonymous": everywhere(401),
        "no_assignment": everywhere(403),
        "national_secretariat": everywhere(LISTED),
        "provincial_secretariat": (LISTED, LISTED, LISTED, 404),
        "district_officer": (LISTED, LISTED, 404, 404),
        "commune_police": everywhere(403),
        "commune_council": everywhere(403),
        "village_chief": everywhere(403),
        "service_provider": everywhere(403),
        "auditor": (LISTED, 404, 404, 404),
    },
}


@dataclass
class World:
    """The callers' API clients, and an officer of each target's commune who records the
    objects aimed at (and to whom records are assigned)."""

    clients: dict[str, APIClient]
    officers: dict[str, User]
    uuids: Any = field(default_factory=lambda: (uuid.UUID(int=n) for n in itertools.count(1)))

    def record(self, village: str, *, status: str = "received") -> Incident:
        officer = self.officers[village[:6]]
        incident = make_incident(officer, village=village)
        return closed(incident, officer, outcome="mediated") if status == "closed" else incident

    def officer_at(self, village: str) -> User:
        return self.officers[village[:6]]


@pytest.fixture
def world(policy: None, places: dict[str, Place], make_user: Callable[..., User]) -> World:
    clients: dict[str, APIClient] = {}
    for name, (role, place) in PRINCIPALS.items():
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if name != "anonymous":
            user = make_user(name, role, places[place] if place else None)
            _token, key = DeviceToken.issue(user, "tablet")
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        clients[name] = client
    officers = {
        village[:6]: make_user(f"officer-{village[:6]}", Role.COMMUNE_POLICE, places[village[:6]])
        for village in TARGETS.values()
    }
    return World(clients, officers)


def listed(response: Any, found: Callable[[dict[str, Any]], bool]) -> Outcome:
    if response.status_code != 200:
        return int(response.status_code)
    return LISTED if any(found(row) for row in response.json()["results"]) else UNLISTED


def act(segment: str, status: str = "received", **body: Any) -> Callable[[World, APIClient, str], Outcome]:
    """POST ``{reference}/{segment}/`` on a fresh record at the village, at its version."""

    def call(world: World, client: APIClient, village: str) -> Outcome:
        record = world.record(village, status=status)
        payload = {"version": record.version, **body}
        if segment == "assign":
            payload["assignee"] = world.officer_at(village).username
            # The officer recorded it but it is not assigned yet: assigning is a change.
            assert record.assigned_to_id is None
        response = client.post(f"/api/v1/incidents/{record.reference}/{segment}/", payload, format="json")
        return int(response.status_code)

    return call


def places_list(world: World, client: APIClient, village: str) -> Outcome:
    return listed(client.get("/api/v1/places/", {"q": village}), lambda row: row["code"] == village)


def places_detail(world: World, client: APIClient, village: str) -> Outcome:
    return int(client.get(f"/api/v1/places/{village}/").status_code)


def incidents_list(world: World, client: APIClient, village: str) -> Outcome:
    reference = world.record(village).reference
    response = client.get("/api/v1/incidents/", {"place": village})
    return listed(response, lambda row: row["reference"] == reference)


def incidents_detail(world: World, client: APIClient, village: str) -> Outcome:
    return int(client.get(f"/api/v1/incidents/{world.record(village).reference}/").status_code)


def incidents_create(world: World, client: APIClient, village: str) -> Outcome:
    body = {
        "uuid": str(next(world.uuids)),
        "category": "theft",
        "village": village,
        "occurred_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "description": "A water pump was taken from the rice field.",
    }
    return int(client.post("/api/v1/incidents/", body, format="json").status_code)


def audit_events(world: World, client: APIClient, village: str) -> Outcome:
    record = world.record(village)
    response = client.get("/api/v1/audit/events/", {"target_type": "incidents.incident", "target_id": str(record.pk)})
    return listed(response, lambda row: row["target_id"] == str(record.pk))


def audit_verify(world: World, client: APIClient, village: str) -> Outcome:
    return int(client.get("/api/v1/audit/verify/").status_code)


def complaint(world: World, client: APIClient, village: str) -> Outcome:
    body = {
        "category": "environment_hygiene",
        "village": village,
        "occurred_at": (timezone.now() - datetime.timedelta(days=1)).isoformat(),
        "description": "Rubbish is burnt every night next to the school.",
        "anonymous": True,
    }
    return int(client.post("/api/v1/public/complaints/", body, format="json").status_code)


def complaint_status(world: World, client: APIClient, village: str) -> Outcome:
    _incident, receipt = make_complaint(village)
    return int(client.post("/api/v1/public/complaints/status/", {"receipt": receipt}, format="json").status_code)


def report(world: World, client: APIClient, village: str) -> Outcome:
    return int(client.get(f"/api/v1/reports/{village}/2026Q1/").status_code)


def safety(world: World, client: APIClient, village: str) -> Outcome:
    return int(client.get(f"/api/v1/safety/{village}/2026Q1/").status_code)


def pilot_at(world: World, village: str) -> Pilot:
    commune = village[:6]
    return (
        Pilot.objects.create(
            name="Forums",
            description="Monthly forums.",
            starts_on=datetime.date(2025, 1, 1),
            scope_code=commune[:2],
            created_by=world.officer_at(village),
        )
        .places.create(place=Place.objects.get(code=commune), place_code=commune)
        .pilot
    )


def pilots_list(world: World, client: APIClient, village: str) -> Outcome:
    pilot = pilot_at(world, village)
    return listed(client.get("/api/v1/pilots/", {"limit": 500}), lambda row: row["id"] == pilot.pk)


def pilots_detail(world: World, client: APIClient, village: str) -> Outcome:
    return int(client.get(f"/api/v1/pilots/{pilot_at(world, village).pk}/").status_code)


def pilots_evaluation(world: World, client: APIClient, village: str) -> Outcome:
    return int(client.get(f"/api/v1/pilots/{pilot_at(world, village).pk}/evaluation/").status_code)


def pilots_create(world: World, client: APIClient, village: str) -> Outcome:
    body = {"name": "Forums", "description": "Monthly forums.", "starts_on": "2025-01-01", "place_codes": [village[:6]]}
    return int(client.post("/api/v1/pilots/", body, format="json").status_code)


def award_round_at(world: World, village: str) -> AwardRound:
    """The commune round of the village's district for 2025, on an empty stored ranking."""
    from safevillage.ranking.models import RankingResult, WeightSet

    district = village[:4]
    weights, _created = WeightSet.objects.get_or_create(
        version="matrix", defaults={"valid_from": datetime.date(2020, 1, 1)}
    )
    now = timezone.now()
    ranking, _created = RankingResult.objects.get_or_create(
        area_code=district,
        period_id="2025",
        level="commune",
        weights=weights,
        superseded_at=None,
        defaults={"rows": [], "inputs": {}, "fingerprint": "matrix", "computed_at": now},
    )
    award_round, _created = AwardRound.objects.get_or_create(
        area_code=district,
        year=2025,
        kind="commune",
        defaults={
            "area": Place.objects.get(code=district),
            "level": "district",
            "ranking": ranking,
            "opened_by": world.officer_at(village),
            "opened_at": now,
        },
    )
    return award_round


def awards_list(world: World, client: APIClient, village: str) -> Outcome:
    award_round = award_round_at(world, village)
    return listed(client.get("/api/v1/awards/", {"limit": 500}), lambda row: row["id"] == award_round.pk)


def awards_detail(world: World, client: APIClient, village: str) -> Outcome:
    return int(client.get(f"/api/v1/awards/{award_round_at(world, village).pk}/").status_code)


def rankings(world: World, client: APIClient, village: str) -> Outcome:
    return int(client.get(f"/api/v1/rankings/{village[:6]}/2026Q1/?level=officer").status_code)


def integrity_flags(world: World, client: APIClient, village: str) -> Outcome:
    """A flag on the village's commune, asked for by the commune's code."""
    from safevillage.integrity.models import Flag

    commune = village[:6]
    now = timezone.now()
    flag, _created = Flag.objects.get_or_create(
        place_code=commune,
        period_id="2026Q1",
        rule="late_entry",
        defaults={"severity": "medium", "first_found_at": now, "last_found_at": now},
    )
    response = client.get("/api/v1/integrity/flags/", {"place": commune, "period": "2026Q1"})
    return listed(response, lambda row: row["id"] == flag.pk)


def policy_list(path: str, present: Callable[[dict[str, Any]], bool]) -> Callable[[World, APIClient, str], Outcome]:
    """A policy list, not scoped by place: listed is the same at every target."""

    def call(world: World, client: APIClient, village: str) -> Outcome:
        return listed(client.get(path, {"limit": 500}), present)

    return call


def village_chief(world: World, village: str) -> User:
    """A fresh village chief of the village: the officer the people operations aim at."""
    user = User.objects.create_user(username=f"chief-{next(world.uuids).int}", full_name="Village chief")
    RoleAssignment.objects.create(user=user, role=Role.VILLAGE_CHIEF, place=Place.objects.get(code=village))
    return user


def people_list(world: World, client: APIClient, village: str) -> Outcome:
    chief = village_chief(world, village)
    return listed(client.get("/api/v1/people/", {"q": chief.username}), lambda row: row["id"] == chief.pk)


def people_detail(world: World, client: APIClient, village: str) -> Outcome:
    return int(client.get(f"/api/v1/people/{village_chief(world, village).pk}/").status_code)


def people_create(world: World, client: APIClient, village: str) -> Outcome:
    body = {
        "username": f"new-{next(world.uuids).int}",
        "full_name": "New village chief",
        "role": Role.VILLAGE_CHIEF,
        "place_code": village,
    }
    return int(client.post("/api/v1/people/", body, format="json").status_code)


def people_action(segment: str, **body: Any) -> Callable[[World, APIClient, str], Outcome]:
    """POST ``/api/v1/people/{id}/{segment}/`` about a fresh village chief of the village."""

    def call(world: World, client: APIClient, village: str) -> Outcome:
        chief = village_chief(world, village)
        payload = dict(body)
        if segment == "roles":
            payload = {"role": Role.COMMUNE_COUNCIL, "place_code": village[:6]}
        if segment == "end-role":
            payload = {"assignment": chief.assignments.get().pk}
        return int(client.post(f"/api/v1/people/{chief.pk}/{segment}/", payload, format="json").status_code)

    return call


def referral_at(village: str) -> int:
    """A referral sent by a team of the village's district to a provider covering it."""
    from safevillage.referrals.models import Provider, ProviderArea, Referral, Team

    team, _new = Team.objects.get_or_create(place_code=village[:4], defaults={"name": f"RRT {village[:4]}"})
    provider, _new = Provider.objects.get_or_create(name=f"Health centre {village[:4]}")
    ProviderArea.objects.get_or_create(provider=provider, place_code=village[:4])
    referral = Referral.objects.create(
        client_code="AAAA-BBBB-CCCC",
        key_population="drug_use",
        team=team,
        provider=provider,
        service="hiv_testing",
        place_code=village,
        consent=True,
        created_by=world_officer_id(village),
    )
    return referral.pk


def world_officer_id(village: str) -> int:
    return User.objects.get(username=f"officer-{village[:6]}").pk


def referrals_call(method: str, segment: str = "", **body: Any) -> Callable[[World, APIClient, str], Outcome]:
    def call(world: World, client: APIClient, village: str) -> Outcome:
        pk = referral_at(village)
        path = f"/api/v1/referrals/{pk}/{segment}" if segment or method == "get-one" else "/api/v1/referrals/"
        if method == "post":
            return int(client.post(path, body, format="json").status_code)
        return int(client.get(path).status_code)

    return call


REFERRAL_CALLS: dict[str, Callable[[World, APIClient, str], Outcome]] = {
    "GET /api/v1/referrals/": referrals_call("get"),
    "GET /api/v1/referrals/{id}/": referrals_call("get-one"),
    "POST /api/v1/referrals/{id}/accept/": referrals_call("post", "accept/"),
    "POST /api/v1/referrals/{id}/decline/": referrals_call("post", "decline/", reason="full"),
    "POST /api/v1/referrals/{id}/service/": referrals_call("post", "service/", note="Tested"),
}


PEOPLE_CALLS: dict[str, Callable[[World, APIClient, str], Outcome]] = {
    "GET /api/v1/people/": people_list,
    "GET /api/v1/people/{id}/": people_detail,
    "POST /api/v1/people/": people_create,
    "POST /api/v1/people/{id}/roles/": people_action("roles"),
    "POST /api/v1/people/{id}/end-role/": people_action("end-role"),
    "POST /api/v1/people/{id}/active/": people_action("active", active=False),
    "POST /api/v1/people/{id}/password/": people_action("password"),
}


CALLS: dict[str, Callable[[World, APIClient, str], Outcome]] = {
    "GET /api/v1/categories/": policy_list("/api/v1/categories/", lambda row: row["code"] == "trafficking"),
    "GET /api/v1/context-tags/": policy_list("/api/v1/context-tags/", lambda row: row["code"] == "weapon"),
    "GET /api/v1/criteria/": policy_list("/api/v1/criteria/", lambda row: row["key"] == "2021-2"),
    "GET /api/v1/public/categories/": policy_list(
        "/api/v1/public/categories/", lambda row: row["code"] == "environment_hygiene"
    ),
    "GET /api/v1/places/": places_list,
    "GET /api/v1/places/{code}/": places_detail,
    "GET /api/v1/incidents/": incidents_list,
    "GET /api/v1/incidents/{reference}/": incidents_detail,
    "POST /api/v1/incidents/": incidents_create,
    "POST /api/v1/incidents/{reference}/acknowledge/": act("acknowledge"),
    "POST /api/v1/incidents/{reference}/investigate/": act("investigate"),
    "POST /api/v1/incidents/{reference}/close/": act("close", outcome="mediated"),
    "POST /api/v1/incidents/{reference}/reopen/": act("reopen", status="closed", reason="The family says it goes on."),
    "POST /api/v1/incidents/{reference}/withdraw/": act("withdraw", reason="Entered twice."),
    "POST /api/v1/incidents/{reference}/assign/": act("assign"),
    "POST /api/v1/incidents/{reference}/note/": act("note", text="Called the victim's family."),
    "GET /api/v1/audit/events/": audit_events,
    "GET /api/v1/audit/verify/": audit_verify,
    "POST /api/v1/public/complaints/": complaint,
    "POST /api/v1/public/complaints/status/": complaint_status,
    "GET /api/v1/reports/{place_code}/{period}/": report,
    **PEOPLE_CALLS,
    **REFERRAL_CALLS,
    "GET /api/v1/safety/{place_code}/{period}/": safety,
    "GET /api/v1/pilots/": pilots_list,
    "GET /api/v1/pilots/{id}/": pilots_detail,
    "GET /api/v1/pilots/{id}/evaluation/": pilots_evaluation,
    "POST /api/v1/pilots/": pilots_create,
    "GET /api/v1/integrity/flags/": integrity_flags,
    "GET /api/v1/rankings/{place_code}/{period}/": rankings,
    "GET /api/v1/awards/": awards_list,
    "GET /api/v1/awards/{id}/": awards_detail,
}


def test_the_matrix_has_a_row_for_every_operation_and_nothing_else():
    in_schema = set(operations())
    missing = sorted(in_schema - set(EXPECTED))
    assert not missing, f"Operations of the API schema missing from the access matrix (EXPECTED): {missing}"
    stale = sorted(set(EXPECTED) - in_schema)
    assert not stale, f"Operations in the access matrix that the API schema no longer has: {stale}"
    assert set(CALLS) == set(EXPECTED)
    for label, rows in EXPECTED.items():
        assert set(rows) == set(PRINCIPALS), label


@pytest.mark.parametrize("label", operations())
def test_each_caller_gets_what_the_matrix_says(label: str, world: World) -> None:
    if label not in EXPECTED or label not in CALLS:
        pytest.fail(
            f"{label} is in the API schema but not in the access matrix: add its expected outcomes to "
            "EXPECTED and how to call it to CALLS in tests/security/test_access_matrix.py"
        )
    wrong = []
    for principal, row in EXPECTED[label].items():
        for (target, village), expected in zip(TARGETS.items(), row, strict=True):
            cache.clear()  # the public operations' rate limits count every call here
            got = CALLS[label](world, world.clients[principal], village)
            if got != expected:
                wrong.append(f"  {principal:<24} {target:<9} expected {expected!s:<10} got {got}")
    assert not wrong, f"{label}: answers differ from the access matrix\n" + "\n".join(wrong)
