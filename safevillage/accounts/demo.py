"""Demonstration accounts: one for every role, at real places of the national gazetteer.

Every demo account has the published password ``DEMO_PASSWORD``; ``manage.py load_demo``
creates them (development only). Loading is idempotent: an account that exists already is
left exactly as it is (its password, its assignments), so running it twice creates nothing.

Later modules add their own demo records with their own command (``load_demo_incidents``…),
run after ``load_demo``; they find the people to act as with ``demo_user`` and must be
idempotent in the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from safevillage.accounts.actions import assign_role
from safevillage.accounts.models import User
from safevillage.accounts.roles import Role
from safevillage.audit.log import record_event
from safevillage.places.models import Place

DEMO_PASSWORD = "SafeVillage-demo-2026"  # noqa: S105  # nosec B105 (published on purpose: demo accounts only)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    place_code: str | None  # None: the whole country
    full_name: str


# Prey Veng is the main demonstration: a district (Kampong Trabaek, 1403) with two
# neighbouring communes (Kansaom Ak 140305, Kou Khchak 140306), so that one officer can be
# seen not to see the other's records. Kandal adds a second province. Codes are NCDD's.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("demo.national", Role.NATIONAL_SECRETARIAT, None, "Nuon Rithy"),
    DemoAccount("demo.auditor", Role.AUDITOR, None, "Ly Bopha"),
    DemoAccount("demo.province.14", Role.PROVINCIAL_SECRETARIAT, "14", "Sok Chenda"),
    DemoAccount("demo.district.1403", Role.DISTRICT_OFFICER, "1403", "Heng Vannak"),
    DemoAccount("demo.police.140305", Role.COMMUNE_POLICE, "140305", "Chan Sokha"),
    DemoAccount("demo.police.140306", Role.COMMUNE_POLICE, "140306", "Keo Dara"),
    DemoAccount("demo.council.140305", Role.COMMUNE_COUNCIL, "140305", "Meas Sophea"),
    DemoAccount("demo.village.14030501", Role.VILLAGE_CHIEF, "14030501", "Prak Vichea"),
    DemoAccount("demo.service.1403", Role.SERVICE_PROVIDER, "1403", "Chea Malis"),
    DemoAccount("demo.province.08", Role.PROVINCIAL_SECRETARIAT, "08", "Touch Sovann"),
    DemoAccount("demo.district.0801", Role.DISTRICT_OFFICER, "0801", "Kim Sreymom"),
    DemoAccount("demo.police.080101", Role.COMMUNE_POLICE, "080101", "Ouk Piseth"),
    DemoAccount("demo.village.08010101", Role.VILLAGE_CHIEF, "08010101", "Yim Sreyneang"),
)


class PlacesMissing(Exception):
    """The gazetteer lacks places the demo accounts are assigned to."""

    def __init__(self, codes: list[str]) -> None:
        super().__init__(", ".join(codes))
        self.codes = codes


@dataclass(frozen=True)
class DemoLogin:
    account: DemoAccount
    place: Place | None
    created: bool


def demo_places() -> dict[str, Place]:
    """The places of the demo accounts; raises PlacesMissing naming any that is absent."""
    codes = {account.place_code for account in DEMO_ACCOUNTS if account.place_code}
    places = {place.code: place for place in Place.objects.filter(code__in=codes)}
    missing = sorted(codes - set(places))
    if missing:
        raise PlacesMissing(missing)
    return places


@transaction.atomic
def load_demo_accounts() -> list[DemoLogin]:
    """Create the demo accounts that do not exist yet, each with its assignment."""
    places = demo_places()
    existing = set(
        User.objects.filter(username__in=[account.username for account in DEMO_ACCOUNTS]).values_list(
            "username", flat=True
        )
    )
    # One hash for all: hashing costs a quarter of a second, and the password is public anyway.
    encoded = make_password(DEMO_PASSWORD) if len(existing) < len(DEMO_ACCOUNTS) else ""
    logins = []
    for account in DEMO_ACCOUNTS:
        place = places[account.place_code] if account.place_code else None
        created = account.username not in existing
        if created:
            user = User.objects.create(username=account.username, full_name=account.full_name, password=encoded)
            record_event(
                "accounts.user.create",
                actor=None,
                target=user,
                new={"username": user.username, "full_name": user.full_name, "phone": ""},
                reason="load_demo",
                place_code=account.place_code,
            )
            assign_role(user, account.role, place, by=None, reason="load_demo")
        logins.append(DemoLogin(account, place, created))
    return logins


def demo_user(username: str) -> User:
    """A demo account, for the demo loaders of later modules."""
    return User.objects.get(username=username)
