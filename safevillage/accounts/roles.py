"""Roles of the Safe Village-Commune policy and what each may do.

A permission is granted by a role *at a place*: it applies to that place and everything
under it. A permission that no role grants is granted to nobody (deny by default).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NATIONAL_SECRETARIAT = "national_secretariat", _("National secretariat")
    PROVINCIAL_SECRETARIAT = "provincial_secretariat", _("Provincial secretariat")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    COMMUNE_POLICE = "commune_police", _("Commune police (administrative police)")
    COMMUNE_COUNCIL = "commune_council", _("Commune council")
    VILLAGE_CHIEF = "village_chief", _("Village chief")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    RAPID_RESPONSE = "rapid_response", _("Rapid Response Team member")
    REFERRAL_COORDINATOR = "referral_coordinator", _("Referral programme coordinator")
    AUDITOR = "auditor", _("Auditor")


# The lowest level (1 province … 4 village) at which a role may be assigned, and the highest.
# The national secretariat is assigned to the whole country (no place).
ROLE_LEVELS: dict[str, tuple[int, int]] = {
    Role.NATIONAL_SECRETARIAT: (0, 0),
    Role.PROVINCIAL_SECRETARIAT: (1, 1),
    Role.DISTRICT_OFFICER: (2, 2),
    Role.COMMUNE_POLICE: (3, 3),
    Role.COMMUNE_COUNCIL: (3, 3),
    Role.VILLAGE_CHIEF: (4, 4),
    Role.SERVICE_PROVIDER: (1, 3),
    Role.RAPID_RESPONSE: (2, 3),
    Role.REFERRAL_COORDINATOR: (0, 2),
    Role.AUDITOR: (0, 3),
}

_OVERSIGHT = {
    "places.view",
    "incidents.view",
    "incidents.supervise",
    "reports.view",
    "reports.approve",
    "forums.view",
    "disputes.view",
    "training.view",
    "posts.view",
    "posts.budget",
    # Integrity flags on the figures: supervisors read and review them (integrity/actions.py).
    "integrity.view",
    "integrity.review",
}
# Those who keep the register at the commune and village also hold the public forums there.
_RECORDING = {"places.view", "incidents.view", "incidents.record", "forums.view", "forums.record"}
# Entering history after the fact: dating a closure in the past, when the paper case books of
# earlier years are moved into the register. It rewrites past figures, so it goes to one
# data-entry role only: the commune police, who keep the commune's case books and may close
# with every outcome (mediation included). Not to the commune council, whose closures (by
# mediation) the police can enter as well; not to the district officer or the provincial
# secretariat, who cannot close records and who approve the figures of a period: approval is
# worth something only while those who approve are not those who write the closures it
# counts. A province moving its old books in does it through its communes' police.
_HISTORY = {"incidents.enter_history"}

# Out-of-court disputes are mediated at the commune, by its council and its police post; the
# parties' names are theirs alone (the levels above read disputes.view, without names).
_MEDIATION = {"disputes.view", "disputes.mediate"}
# The post keeps its own duty roster and means; its budget is the council's, as the levels
# above keep theirs (posts.budget, with _OVERSIGHT).

# Police training is organised by the secretariats and the district (the courses of the
# police academies, sensitisation of commune posts), who record its sessions and scores.
_TRAINING = {"training.manage"}

# Pilots (2010 guideline, IV.5) are marked by the national secretariat anywhere and by a
# provincial secretariat in its province; they are read over a whole province (their
# comparison places are chosen across it: pilots/models.py), so no role below the province
# holds pilots.view; an auditor assigned to a province or the country reads them too.
_PILOTS = {"pilots.view", "pilots.manage"}

# Yearly awards (guideline III.B.6, IV.6): the secretariats of the district, the province and
# the nation open their own level's rounds and decide them (awards/actions.py: held *at* the
# round's area); auditors read them.
_AWARDS = {"awards.view", "awards.decide"}

PERMISSIONS: dict[str, frozenset[str]] = {
    # jobs.view: the scheduled jobs and their failures are watched for the whole country.
    Role.NATIONAL_SECRETARIAT: frozenset(
        _OVERSIGHT | _TRAINING | _PILOTS | _AWARDS | {"users.manage", "policy.manage", "reports.accept", "jobs.view"}
    ),
    Role.PROVINCIAL_SECRETARIAT: frozenset(_OVERSIGHT | _TRAINING | _PILOTS | _AWARDS | {"users.manage"}),
    Role.DISTRICT_OFFICER: frozenset(_OVERSIGHT | _TRAINING | _AWARDS),
    Role.COMMUNE_POLICE: frozenset(
        _RECORDING
        | _HISTORY
        | _MEDIATION
        | {
            "incidents.investigate",
            "incidents.identities",
            "reports.view",
            "reports.submit",
            "posts.view",
            "posts.roster",
        }
    ),
    Role.COMMUNE_COUNCIL: frozenset(
        _RECORDING | _MEDIATION | {"posts.view", "posts.budget", "reports.view", "reports.submit", "incidents.mediate"}
    ),
    Role.VILLAGE_CHIEF: frozenset(_RECORDING),
    # Service providers see referrals made to them, never the register; the members of a
    # Rapid Response Team (local authority, NGO, health) refer people to them. Both also need
    # a row of the referrals database (a provider's staff, a team's member), and no role that
    # reads the register may be held beside them (referrals/access.py). A team's police
    # members act in the register only: the incident closes as "referred".
    Role.SERVICE_PROVIDER: frozenset({"places.view", "referrals.receive"}),
    Role.RAPID_RESPONSE: frozenset({"places.view", "referrals.refer", "referrals.override_consent"}),
    # The people who run the referral programme (a health department or the national AIDS
    # programme, for the country, a province or a district) set up its teams and providers
    # and watch its audit chain. Never a police or ministry role: like the two above, it is
    # void beside any role that reads the register (referrals/access.py, programme.py).
    Role.REFERRAL_COORDINATOR: frozenset({"places.view", "referrals.manage"}),
    # Auditors read everything in their area, including the audit chain, and change nothing.
    Role.AUDITOR: frozenset(
        {
            "places.view",
            "incidents.view",
            "reports.view",
            "forums.view",
            "disputes.view",
            "training.view",
            "posts.view",
            "pilots.view",
            "awards.view",
            "audit.verify",
            "integrity.view",
        }
    ),
}


def role_grants(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())
