"""The daily check of the referrals' audit chain (``safevillage.jobs.tasks.verify_referrals``).

The same check as the police database's (``audit.verify``), on the referrals' own chain, and
its verdict is kept beside that chain, in the referrals database (``ChainVerification``),
where the coordinator reads it (``programme_views.index``). What the job's run leaves in the
police database (django-q2's task table, the job runs page of the national secretariat) says
only whether the chain held: not how many events it holds nor where it broke, which would
tell the police how busy the referrals are.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from safevillage.referrals import chain
from safevillage.referrals.models import ChainVerification
from safevillage.referrals.router import ALIAS


class ReferralsChainBroken(RuntimeError):
    """The check found the referrals' chain broken: the job fails (and is seen failing)."""


def verify_and_record(now: datetime.datetime | None = None, using: str = ALIAS) -> ChainVerification:
    """Verify the referrals' chain, store the verdict there, raise when it is broken."""
    verdict = chain.verify(using)
    with transaction.atomic(using=using):
        stored = ChainVerification.objects.using(using).create(
            verified_at=now or timezone.now(),
            intact=verdict.intact,
            events=verdict.events,
            broken_at=verdict.broken_at,
            problem=verdict.problem,
            head_seq=verdict.head[0] if verdict.head else None,
            head_hash=verdict.head[1] if verdict.head else "",
        )
    if not verdict.intact:
        raise ReferralsChainBroken("The referrals' audit chain is broken: the coordinator's page shows where.")
    return stored


def last_verification(using: str = ALIAS) -> ChainVerification | None:
    return ChainVerification.objects.using(using).first()
