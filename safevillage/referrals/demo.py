"""Demonstration referrals store: the Rapid Response Team of Kampong Trabaek district (1403)
with the demo NGO member ``demo.rrt.1403``, and the district's health centre and drop-in
centre, the first with the demo provider account ``demo.service.1403``. Idempotent."""

from __future__ import annotations

from django.db import transaction

from safevillage.accounts.demo import DEMO_DISTRICT, demo_user
from safevillage.referrals.models import (
    MemberKind,
    Provider,
    ProviderArea,
    ProviderService,
    ProviderStaff,
    Service,
    Team,
    TeamMember,
)
from safevillage.referrals.router import ALIAS

PROVIDERS = (
    ("Kampong Trabaek health centre", [Service.HIV_TESTING, Service.OPIOID_SUBSTITUTION, Service.SEXUAL_HEALTH]),
    ("Prey Veng drop-in centre", [Service.HARM_REDUCTION, Service.DRUG_TREATMENT, Service.LEGAL_AID]),
)


@transaction.atomic(using=ALIAS)
def load() -> bool:
    """Create the demo team and providers; False when they exist already."""
    if Team.objects.filter(place_code=DEMO_DISTRICT).exists():
        return False
    team = Team.objects.create(name="RRT Kampong Trabaek", place_code=DEMO_DISTRICT)
    TeamMember.objects.create(
        team=team, name="Pech Sreyleak", kind=MemberKind.NGO, user_id=demo_user("demo.rrt.1403").pk
    )
    TeamMember.objects.create(team=team, name="Chan Sokha", kind=MemberKind.POLICE)
    TeamMember.objects.create(team=team, name="Meas Sophea", kind=MemberKind.LOCAL_AUTHORITY)
    for index, (name, services) in enumerate(PROVIDERS):
        provider = Provider.objects.create(name=name)
        ProviderArea.objects.create(provider=provider, place_code=DEMO_DISTRICT)
        ProviderService.objects.bulk_create(ProviderService(provider=provider, service=s) for s in services)
        if index == 0:
            ProviderStaff.objects.create(provider=provider, user_id=demo_user("demo.service.1403").pk)
    return True
