"""Many officers record at once: the chain never forks.

A naive chain (read the last hash, then insert) forked 55 times in 200 concurrent writes on
PostgreSQL. Here every writer locks the chain head (PostgreSQL) or holds the database write
lock from BEGIN IMMEDIATE (SQLite, a file database in tests so that threads share it)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from safevillage.audit import verify
from safevillage.audit.log import record_event
from safevillage.audit.models import AuditEvent, ChainHead
from safevillage.audit.verify import verify_chain

THREADS = 8
WRITES = 25


@pytest.mark.django_db(transaction=True)
def test_eight_officers_writing_at_once_leave_one_unbroken_chain():
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def officer(n: int) -> None:
        try:
            start.wait()
            for i in range(WRITES):
                with transaction.atomic():
                    record_event(
                        "incidents.incident.update",
                        actor=None,
                        target_type="incidents.incident",
                        target_id=f"{n}-{i}",
                        new={"writer": n, "write": i},
                        place_code="14030501",
                    )
        except BaseException as error:  # reported below, so that a failure is not lost in a thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=officer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 201))
    assert AuditEvent.objects.values("prev_hash").distinct().count() == 200  # no two share a predecessor
    assert AuditEvent.objects.values("target_id").distinct().count() == 200  # every write is there
    assert ChainHead.objects.get(pk=1).last_seq == 200
    verdict = verify_chain()
    assert (verdict.intact, verdict.events) == (True, 200)


@pytest.mark.django_db
def test_events_appended_while_the_chain_is_being_checked_are_not_taken_for_tampering(monkeypatch):
    """The check takes no lock: it reads the head, the events, then the head again."""

    def append() -> None:
        with transaction.atomic():
            record_event("incidents.incident.update", actor=None, target_type="incidents.incident", target_id="9")

    append()
    read_head = verify.current_head
    calls = []

    def head_then_append():
        head = read_head()
        calls.append(head)
        if len(calls) == 1:  # a writer commits just after the first read of the head
            append()
        return head

    monkeypatch.setattr(verify, "current_head", head_then_append)
    verdict = verify_chain()
    assert (verdict.intact, verdict.events) == (True, 2)
    assert calls[0][0] == 1 and calls[-1][0] == 2


@pytest.mark.django_db
def test_events_appended_after_the_events_were_read_are_not_taken_for_tampering(monkeypatch):
    def append() -> None:
        with transaction.atomic():
            record_event("incidents.incident.update", actor=None, target_type="incidents.incident", target_id="9")

    append()
    read_head = verify.current_head
    calls = []

    def append_then_head():
        calls.append(None)
        if len(calls) == 2:  # a writer commits between reading the events and the second head read
            append()
        return read_head()

    monkeypatch.setattr(verify, "current_head", append_then_head)
    verdict = verify_chain()
    assert (verdict.intact, verdict.events, verdict.head[0]) == (True, 1, 2)
