"""The referrals' own audit chain, in the referrals database.

The same events, canonical JSON and hash as the main audit log (``audit.log``, decision
0003), validated by the same ``event_fields`` and verified by the same ``verify_chain``: only
the tables differ, so that no trace of a referral reaches the police database. Every read of
a referral is recorded here too (``record_read``), not only the changes.

``using`` names the connection: the referrals alias in the application; the default
connection when the backup code points it at a copy of the referrals database
(``core/backup.py``).
"""

from __future__ import annotations

from typing import Any

from django.db import connections, transaction
from django.utils import timezone

from safevillage.audit.log import chain_hash, event_fields, event_payload
from safevillage.audit.verify import Verdict, verify_chain
from safevillage.referrals.models import ChainEvent, ChainHead
from safevillage.referrals.router import ALIAS


def record(action: str, *, actor: Any, using: str = ALIAS, **kwargs: Any) -> ChainEvent:
    """Append one event; must run inside a transaction of the referrals database, the one
    that makes the change it records."""
    fields = event_fields(action, actor=actor, **kwargs)
    if not connections[using].in_atomic_block:
        raise RuntimeError("referrals.chain.record must be called inside transaction.atomic(using='referrals')")
    # The head row is the one serialisation point of writers (decision 0003).
    head = ChainHead.objects.using(using).select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.using(using).bulk_create([ChainHead(pk=1)], ignore_conflicts=True)
        head = ChainHead.objects.using(using).select_for_update().get(pk=1)
        if head.last_seq == 0 and ChainEvent.objects.using(using).exists():
            raise RuntimeError("the referrals' audit chain head is missing although events exist")
    event = ChainEvent(seq=head.last_seq + 1, occurred_at=timezone.now(), prev_hash=head.last_hash, **fields)
    event.hash = chain_hash(head.last_hash, event_payload(event))  # type: ignore[arg-type]
    event.save(using=using)
    head.last_seq, head.last_hash = event.seq, event.hash
    head.save(using=using, update_fields=["last_seq", "last_hash", "updated_at"])
    return event


def record_read(action: str, *, actor: Any, **kwargs: Any) -> ChainEvent:
    """Record a read (a referral shown, a list of them): a transaction of its own."""
    with transaction.atomic(using=ALIAS):
        return record(action, actor=actor, **kwargs)


def head(using: str = ALIAS) -> tuple[int, str] | None:
    return ChainHead.objects.using(using).filter(pk=1).values_list("last_seq", "last_hash").first()


def verify(using: str = ALIAS) -> Verdict:
    return verify_chain(events=ChainEvent.objects.using(using).all(), head=lambda: head(using))
