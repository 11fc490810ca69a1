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

from safevillage.accounts.actions import assign_role, create_account
from safevillage.accounts.models import User
from safevillage.accounts.roles import Role
from safevillage.places.models import Level, Place

DEMO_PASSWORD = "SafeVillage-demo-2026"  # noqa: S105  # nosec B105 (published on purpose: demo accounts only)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    place_code: str | None  # None: the whole country
    full_name: str


# Prey Veng is the main demonstration: the district of Kampong Trabaek (1403) has a commune
# police officer and a council member in every one of its communes, so that the whole approval
# chain (commune → district → province → national) can be tried, and one officer can be seen
# not to see a neighbouring commune's records. Kandal adds a second province. Codes are NCDD's.
DEMO_DISTRICT = "1403"

FIXED_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("demo.national", Role.NATIONAL_SECRETARIAT, None, "Nuon Rithy"),
    DemoAccount("demo.auditor", Role.AUDITOR, None, "Ly Bopha"),
    DemoAccount("demo.province.14", Role.PROVINCIAL_SECRETARIAT, "14", "Sok Chenda"),
    DemoAccount("demo.district.1403", Role.DISTRICT_OFFICER, "1403", "Heng Vannak"),
    DemoAccount("demo.village.14030501", Role.VILLAGE_CHIEF, "14030501", "Prak Vichea"),
    DemoAccount("demo.service.1403", Role.SERVICE_PROVIDER, "1403", "Chea Malis"),
    DemoAccount("demo.rrt.1403", Role.RAPID_RESPONSE, "1403", "Pech Sreyleak"),
    # Runs the referral programme of Prey Veng: its teams, providers and audit verdicts.
    DemoAccount("demo.referrals.14", Role.REFERRAL_COORDINATOR, "14", "Keo Sothea"),
    DemoAccount("demo.province.08", Role.PROVINCIAL_SECRETARIAT, "08", "Touch Sovann"),
    DemoAccount("demo.district.0801", Role.DISTRICT_OFFICER, "0801", "Kim Sreymom"),
    DemoAccount("demo.police.080101", Role.COMMUNE_POLICE, "080101", "Ouk Piseth"),
    DemoAccount("demo.village.08010101", Role.VILLAGE_CHIEF, "08010101", "Yim Sreyneang"),
)

# The commune accounts of DEMO_DISTRICT (one police officer, one council member per commune)
# come from the gazetteer; these keep the names they had before every commune had one.
COMMUNE_ROLES = (("police", Role.COMMUNE_POLICE), ("council", Role.COMMUNE_COUNCIL))
KNOWN_NAMES = {
    "demo.police.140305": "Chan Sokha",
    "demo.police.140306": "Keo Dara",
    "demo.council.140305": "Meas Sophea",
}
# Other commune accounts get a made-up name, the same one at every run.
FAMILY_NAMES = ("Sok", "Chea", "Hem", "Lim", "Mao", "Nhem", "Pen", "Seng", "Srey", "Tep", "Van", "Yin", "Chhim")
GIVEN_NAMES = ("Bopha", "Chanthou", "Dalin", "Kosal", "Leakhena", "Mony", "Narin", "Pisey", "Ratana", "Samnang")


def commune_accounts(communes: list[Place]) -> list[DemoAccount]:
    """A police officer and a council member for each of ``communes``, in code order."""
    accounts = []
    for index, commune in enumerate(sorted(communes, key=lambda place: place.code)):
        for offset, (prefix, role) in enumerate(COMMUNE_ROLES):
            username = f"demo.{prefix}.{commune.code}"
            made_up = (
                f"{FAMILY_NAMES[index % len(FAMILY_NAMES)]} {GIVEN_NAMES[(2 * index + offset) % len(GIVEN_NAMES)]}"
            )
            accounts.append(DemoAccount(username, role, commune.code, KNOWN_NAMES.get(username, made_up)))
    return accounts


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


def demo_accounts() -> tuple[list[DemoAccount], dict[str, Place]]:
    """Every demo account and the places they sit at; raises PlacesMissing naming any
    fixed place absent from the gazetteer."""
    codes = {account.place_code for account in FIXED_ACCOUNTS if account.place_code}
    places = {place.code: place for place in Place.objects.filter(code__in=codes)}
    missing = sorted(codes - set(places))
    if missing:
        raise PlacesMissing(missing)
    communes = list(Place.objects.current().filter(parent__code=DEMO_DISTRICT, level=Level.COMMUNE))
    places.update((commune.code, commune) for commune in communes)
    accounts = list(FIXED_ACCOUNTS)
    accounts[4:4] = commune_accounts(communes)  # after the district, before its village chief
    return accounts, places


@transaction.atomic
def load_demo_accounts() -> list[DemoLogin]:
    """Create the demo accounts that do not exist yet, each with its role assignment, through
    the accounts actions (so each leaves its audit events). An account that exists is left as
    it is: a second run creates nothing and records nothing."""
    accounts, places = demo_accounts()
    existing = set(
        User.objects.filter(username__in=[account.username for account in accounts]).values_list("username", flat=True)
    )
    # One hash for all: hashing costs a quarter of a second, and the password is public anyway.
    encoded = make_password(DEMO_PASSWORD) if len(existing) < len(accounts) else ""
    logins = []
    for account in accounts:
        place = places[account.place_code] if account.place_code else None
        created = account.username not in existing
        if created:
            user = create_account(
                account.username,
                full_name=account.full_name,
                password_hash=encoded,
                by=None,
                reason="load_demo",
                place_code=account.place_code,
            )
            assign_role(user, account.role, place, by=None, reason="load_demo")
        logins.append(DemoLogin(account, place, created))
    return logins


def demo_user(username: str) -> User:
    """A demo account, for the demo loaders of later modules."""
    return User.objects.get(username=username)
