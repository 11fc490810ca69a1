"""Auditors, a short chain of real-looking events, and the tools of someone who tampers with
the database directly (raw SQL through Django's connection)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import translation

from safevillage.accounts.models import User
from safevillage.accounts.roles import Role
from safevillage.audit.log import chain_hash, event_payload, record_event
from safevillage.audit.models import AuditEvent
from safevillage.places.models import Place

TABLE = "audit_auditevent"
HEAD = "audit_chainhead"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # The verdict's words are translated; these tests read the English ones.
    with translation.override("en"):
        yield


@pytest.fixture
def sophea(places: dict[str, Place], make_user: Callable[..., User]) -> User:
    """Auditor of Prey Veng province (14)."""
    return make_user("sophea", Role.AUDITOR, places["14"], full_name="Sophea Lim")


@pytest.fixture
def bopha(places: dict[str, Place], make_user: Callable[..., User]) -> User:
    """Auditor of the commune Kampong Trabaek (140306) only."""
    return make_user("bopha", Role.AUDITOR, places["140306"], full_name="Bopha Meas")


@pytest.fixture
def rotha(places: dict[str, Place], make_user: Callable[..., User]) -> User:
    """Auditor for the whole country."""
    return make_user("rotha", Role.AUDITOR, None, full_name="Rotha Pich")


@pytest.fixture
def chain(sokha: User, dara: User) -> list[AuditEvent]:
    """Six events by the two commune officers, with Khmer text, numbers and nested values."""
    events = []
    with transaction.atomic():
        for i in range(1, 7):
            by, village = (sokha, "14030501") if i % 2 else (dara, "14030601")
            events.append(
                record_event(
                    f"incidents.incident.{'create' if i < 3 else 'update'}",
                    actor=by,
                    target_type="incidents.incident",
                    target_id=str(100 + i % 3),
                    target_label=f"PV-2026-{i:05d}",
                    place_code=village,
                    old=None if i < 3 else {"status": "open", "points": i - 0.5},
                    new={"status": "investigating", "summary": "លួចម៉ូតូ", "points": i + 0.25, "tags": ["theft"]},
                    reason="ការស៊ើបអង្កេត" if i % 2 else "",
                )
            )
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]
    return events


@contextmanager
def as_attacker() -> Iterator[Any]:
    """A cursor used the way someone with superuser access to the database would use it: on
    PostgreSQL the append-only triggers are off for the session (replication role), as such
    a person can do; SQLite has no triggers to switch off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("RESET session_replication_role")


def json_sql() -> str:
    """A placeholder for a JSON value in raw SQL on this engine."""
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def renumber(cursor: Any, first: int, by: int) -> None:
    """Shift the seq of every event from ``first`` on by ``by``, through a large offset so
    that the unique constraint never sees two equal numbers mid-statement."""
    cursor.execute(f"UPDATE {TABLE} SET seq = seq + 1000000 WHERE seq >= %s", [first])  # noqa: S608
    cursor.execute(f"UPDATE {TABLE} SET seq = seq - 1000000 + %s WHERE seq >= 1000000", [by])  # noqa: S608


def rehash(cursor: Any, *, head_too: bool) -> None:
    """What a careful attacker does after tampering: recompute every link and hash from
    the first event on, as the algorithm has no secret, and optionally the head too."""
    prev = "0" * 64
    rows = list(AuditEvent.objects.order_by("seq"))
    for event in rows:  # temporary values first: hash is unique
        cursor.execute(f"UPDATE {TABLE} SET hash = %s WHERE id = %s", [f"tmp{event.pk:061d}", event.pk])  # noqa: S608
    for event in rows:
        event.prev_hash = prev
        event.hash = chain_hash(prev, event_payload(event))
        cursor.execute(
            f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE id = %s",  # noqa: S608
            [event.prev_hash, event.hash, event.pk],
        )
        prev = event.hash
    if head_too:
        cursor.execute(f"UPDATE {HEAD} SET last_seq = %s, last_hash = %s WHERE id = 1", [len(rows), prev])  # noqa: S608


def insert_raw(cursor: Any, event: AuditEvent) -> None:
    """Insert a forged row with every column given, bypassing the application."""
    cursor.execute(
        f"INSERT INTO {TABLE} (seq, occurred_at, actor_id, actor_label, action, target_type, target_id,"  # noqa: S608
        f" target_label, place_code, old, new, reason, prev_hash, hash)"
        f" VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, {json_sql()}, {json_sql()}, %s, %s, %s)",
        [
            event.seq,
            connection.ops.adapt_datetimefield_value(event.occurred_at),
            event.actor_id,
            event.actor_label,
            event.action,
            event.target_type,
            event.target_id,
            event.target_label,
            event.place_code,
            None if event.old is None else json.dumps(event.old),
            None if event.new is None else json.dumps(event.new),
            event.reason,
            event.prev_hash,
            event.hash,
        ],
    )
