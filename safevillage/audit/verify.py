"""Checking the chain: recompute every hash in order and compare the end with the head.

What is detected: an event deleted, edited, moved, inserted or forged at the end; events cut
from the end (the head still names the old last event); a head that was edited, moved back
or deleted. What cannot be: a rewrite of every hash from the tampered event onwards *and*
of the head, since the algorithm has no secret. Such a rewrite is caught only against a head
snapshot kept where whoever rewrites the database cannot reach it: ``anchors`` are such
snapshots (report approvals are to keep the head they were signed at; ``verify_audit
--anchor``).

The check takes no lock, so writers go on while it runs: the head is read before and after
reading the events, and events appended meanwhile are verified but not counted as damage.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.audit.log import chain_hash, current_head, event_payload
from safevillage.audit.models import GENESIS_HASH, AuditEvent, Verification


@dataclass(frozen=True)
class Verdict:
    intact: bool
    # Events in the log (all of them when intact; the table's row count when broken).
    events: int
    # The sequence number where the chain first breaks, and why.
    broken_at: int | None = None
    problem: str = ""
    # The head as read when the check ended (None: its row is missing).
    head: tuple[int, str] | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "intact": self.intact,
            "events": self.events,
            "broken_at": self.broken_at,
            "problem": self.problem,
            "head": {"seq": self.head[0], "hash": self.head[1]} if self.head else None,
        }


def verify_chain(
    anchors: Iterable[tuple[int, str]] = (),
    chunk_size: int = 2000,
    *,
    events: QuerySet[Any] | None = None,
    head: Callable[[], tuple[int, str] | None] | None = None,
) -> Verdict:
    """Verify the whole chain; ``anchors`` are (seq, hash) pairs recorded earlier elsewhere.
    ``events`` and ``head`` name another chain of the same shape (the referrals' own,
    ``referrals/chain.py``); by default the main audit log."""
    if events is None:
        events = AuditEvent.objects.all()
    # Looked up at each call, not bound once: tests stand in for the module's current_head.
    read_head = head or (lambda: current_head())
    expected_hash = dict(anchors)
    before = read_head()
    if before is not None and before[0] > 0:
        # The head as it stood before reading: its event must be there, with its hash.
        expected_hash.setdefault(before[0], before[1])

    def broken(seq: int, problem: str) -> Verdict:
        return Verdict(False, events.count(), seq, problem, read_head())

    expected_seq = 1
    prev_hash = GENESIS_HASH
    for event in events.order_by("seq").iterator(chunk_size=chunk_size):
        if event.seq != expected_seq:
            if event.seq > expected_seq:
                return broken(expected_seq, _("event #%(seq)d is missing") % {"seq": expected_seq})
            return broken(event.seq, _("event #%(seq)d appears twice") % {"seq": event.seq})
        if event.prev_hash != prev_hash:
            return broken(
                event.seq,
                _("event #%(seq)d does not link to the event before it (an event was deleted, inserted or moved)")
                % {"seq": event.seq},
            )
        if chain_hash(prev_hash, event_payload(event)) != event.hash:
            return broken(event.seq, _("event #%(seq)d does not match its hash (it was edited)") % {"seq": event.seq})
        if event.seq in expected_hash and expected_hash[event.seq] != event.hash:
            return broken(
                event.seq,
                _("event #%(seq)d differs from the chain head or snapshot recorded for it (the chain was rewritten)")
                % {"seq": event.seq},
            )
        prev_hash = event.hash
        expected_seq += 1
    last = expected_seq - 1

    after = read_head()
    if after is None:
        if last == 0 and before is None:
            return Verdict(True, 0)  # a database never written to (flushed in tests)
        return broken(last + 1, _("the chain head is missing"))
    named = max(expected_hash, default=0)
    if named > last:
        return broken(
            last + 1,
            _("the chain ends at #%(last)d but the head or a snapshot names #%(named)d (events were cut from the end)")
            % {"last": last, "named": named},
        )
    if after[0] < last:
        return broken(
            after[0] + 1,
            _("the chain goes on after the head (#%(head)d): events were added outside the log, or the head moved back")
            % {"head": after[0]},
        )
    if after[0] == last and after[1] != prev_hash:
        return broken(last, _("the chain head does not match event #%(seq)d") % {"seq": last})
    # after[0] > last: events committed after the events were read; the next check covers them.
    return Verdict(True, last, head=after)


class ChainBroken(RuntimeError):
    """The scheduled check found the chain broken: the job fails, so that the national
    secretariat sees it on the job runs page as well as in the stored verdict."""


def verify_and_record(now: datetime.datetime | None = None) -> Verification:
    """Verify the chain, store the verdict (``Verification``), and raise ``ChainBroken``
    when it is broken. The daily job (``safevillage.jobs.tasks.verify_audit``)."""
    verdict = verify_chain()
    stored = Verification.objects.create(
        verified_at=now or timezone.now(),
        intact=verdict.intact,
        events=verdict.events,
        broken_at=verdict.broken_at,
        problem=verdict.problem,
        head_seq=verdict.head[0] if verdict.head else None,
        head_hash=verdict.head[1] if verdict.head else "",
    )
    if not verdict.intact:
        raise ChainBroken(f"broken at #{verdict.broken_at}: {verdict.problem}")
    return stored


def last_verification() -> Verification | None:
    """The latest stored verdict, for the auditor's pages."""
    return Verification.objects.first()
