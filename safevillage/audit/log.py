"""Appending to the audit chain: ``record_event`` is the only writer.

The hash covers the event's canonical JSON (sorted keys, no spaces, UTF-8). For the hash to
verify after a round trip through the database, the values written must read back exactly:
``plain`` turns ``old``/``new`` into JSON values that both SQLite (JSON text) and
PostgreSQL (jsonb, which rewrites numbers) return unchanged, and refuses what either engine
would alter or reject, instead of letting the chain break later.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import hashlib
import json
import math
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.functional import Promise

from safevillage.audit.models import AuditEvent, ChainHead

# An NCDD code: province (2 digits), district (4), commune (6) or village (8).
_PLACE_CODE = re.compile(r"[0-9]{2}(?:[0-9]{2}){0,3}")
# jsonb prints a float of 1e16 or more in full (no exponent) and json.loads reads it back
# as an int: such floats are whole numbers, so they are stored as ints from the start.
_FLOAT_AS_INT = 1e16


class ChainHeadMissing(RuntimeError):
    """The head row is gone while events exist: the log was tampered with; nothing more is
    written until an operator has verified the chain and restored the head."""


def _text(value: str, where: str) -> str:
    # PostgreSQL refuses NUL in text and jsonb; a lone surrogate cannot be encoded to UTF-8.
    if "\x00" in value:
        raise ValueError(f"audit {where}: text containing a NUL character cannot be stored")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"audit {where}: text is not valid Unicode") from None
    return str.__str__(value)  # a plain str, not a subclass such as a TextChoices member


def _key(key: Any, where: str) -> str:
    if isinstance(key, enum.Enum):
        key = key.value
    if isinstance(key, str):
        return _text(key, where)
    if isinstance(key, bool) or key is None:
        return json.dumps(key)
    if isinstance(key, int):
        return str(key)
    raise TypeError(f"audit {where}: a key of type {type(key).__name__} cannot be recorded")


def _plain(value: Any, where: str) -> Any:
    if isinstance(value, enum.Enum):  # before str/int: TextChoices members are both
        return _plain(value.value, where)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _text(value, where)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"audit {where}: {value} is not a JSON number")
        if value == 0:
            return 0.0  # jsonb has no negative zero
        # The int that the float's JSON text denotes (1e+300 is 10**300), as jsonb reads it.
        return int(decimal.Decimal(repr(value))) if abs(value) >= _FLOAT_AS_INT else value
    if isinstance(value, decimal.Decimal):
        return str(value)  # exact digits, as a string: a float would round them
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            raise ValueError(f"audit {where}: a naive datetime is ambiguous; pass an aware one")
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Promise):  # a lazy translation: record the text as it reads now
        return _text(str(value), where)
    if isinstance(value, models.Model):
        return _plain(value.pk, where)
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            name = _key(key, where)
            if name in result:
                raise ValueError(f"audit {where}: two keys both read as {name!r}")
            result[name] = _plain(item, f"{where}.{name}")
        return result
    if isinstance(value, (list, tuple)):
        return [_plain(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(item, f"{where}[]") for item in value), key=canonical_json)
    raise TypeError(f"audit {where}: a value of type {type(value).__name__} cannot be recorded")


def plain(data: Any, where: str = "value") -> Any:
    """``data`` as it will read back from a JSON column on SQLite and PostgreSQL alike, so
    that the hash is computed over exactly what is stored. Decimals, dates, times and UUIDs
    become strings, aware datetimes UTC ISO strings, tuples and sets lists, model instances
    their primary key. Raises ValueError/TypeError for what cannot be stored faithfully
    (NaN, infinity, naive datetimes, NUL characters, unknown types)."""
    return _plain(data, where)


def canonical_json(data: Any) -> str:
    """The one serialisation that is hashed. ``data`` must already be plain."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def event_payload(event: AuditEvent) -> dict[str, Any]:
    """The hashed content of an event: everything but the hashes themselves. A new field
    must be added here only together with a payload version, or older events stop verifying."""
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(datetime.UTC).isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "place_code": event.place_code,
        "old": event.old,
        "new": event.new,
        "reason": event.reason,
    }


def chain_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    # prev_hash is always 64 hex characters, so the concatenation is unambiguous.
    return hashlib.sha256((prev_hash + canonical_json(payload)).encode()).hexdigest()


def _bounded(value: str, where: str, max_length: int) -> str:
    value = _text(str(value), where)
    if len(value) > max_length:
        raise ValueError(f"audit {where} is longer than {max_length} characters: {value[:80]!r}…")
    return value


def _lock_head() -> ChainHead:
    """Lock the head row: the one serialisation point of every writer. On PostgreSQL the row
    lock orders the writers; on SQLite the IMMEDIATE transaction (settings) already holds
    the database write lock, and ``select_for_update`` is a no-op."""
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    # Migration 0002 creates the head, but a flushed database (TransactionTestCase) has none.
    # Recreate it: ON CONFLICT DO NOTHING lets two first writers race safely (the second
    # waits for the first one's row, then locks it). Only then is a missing head told apart
    # from a race: a fresh head (seq 0) in front of existing events means the head was lost.
    ChainHead.objects.bulk_create([ChainHead(pk=1)], ignore_conflicts=True)
    head = ChainHead.objects.select_for_update().get(pk=1)
    if head.last_seq == 0 and AuditEvent.objects.exists():
        raise ChainHeadMissing("the audit chain head is missing although events exist; run verify_audit")
    return head


def record_event(
    action: str,
    *,
    actor: Any,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    old: Any = None,
    new: Any = None,
    reason: str = "",
    place_code: str | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the transaction that makes the change it records,
    so that the change and its audit row commit or roll back together.

    Call it after taking the row locks the change needs: from here to the commit every
    other audited writer waits. ``place_code`` is the NCDD code of the place the target
    belongs to; it decides which auditors see the event (none: national auditors only).
    Never put a victim's identity in ``old``/``new``: auditors read them without holding
    ``incidents.identities``; record which field changed, not its value."""
    fields = event_fields(
        action,
        actor=actor,
        target=target,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        old=old,
        new=new,
        reason=reason,
        place_code=place_code,
    )
    return _append([fields])[0]


def record_events(events: Iterable[dict[str, Any]]) -> list[AuditEvent]:
    """Append many events at once (bulk imports, generated data): each item takes the keyword
    arguments of ``record_event`` plus ``action``. The head is locked once and the events are
    inserted in batches; the chain is exactly what as many ``record_event`` calls would make."""
    return _append([event_fields(**event) for event in events])


def event_fields(
    action: str,
    *,
    actor: Any,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    old: Any = None,
    new: Any = None,
    reason: str = "",
    place_code: str | None = None,
) -> dict[str, Any]:
    """Validate one event's content and return its stored fields (everything that can fail is
    checked here, before the head is locked)."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_label = target_label or str(target)
    if place_code == "":
        place_code = None
    if place_code is not None and not _PLACE_CODE.fullmatch(place_code):
        raise ValueError(f"audit place_code must be an NCDD code of 2, 4, 6 or 8 digits, not {place_code!r}")
    action = _bounded(action, "action", 64)
    if not action:
        raise ValueError("audit action must not be empty")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return {
        "actor_id": user.pk if user else None,
        "actor_label": _text(str(user) if user else "", "actor_label")[:200],
        "action": action,
        "target_type": _bounded(target_type, "target_type", 64),
        "target_id": _bounded(str(target_id), "target_id", 64),
        "target_label": _text(target_label, "target_label")[:200],
        "place_code": place_code,
        "old": plain(old, "old"),
        "new": plain(new, "new"),
        "reason": _text(reason, "reason"),
    }


def _append(all_fields: list[dict[str, Any]]) -> list[AuditEvent]:
    if not connection.in_atomic_block:
        raise RuntimeError("record_event must be called inside transaction.atomic()")
    if not all_fields:
        return []
    head = _lock_head()
    # The clock is read under the lock, so that times follow the sequence.
    now = timezone.now()
    seq, prev_hash = head.last_seq, head.last_hash
    events = []
    for fields in all_fields:
        seq += 1
        event = AuditEvent(seq=seq, occurred_at=now, prev_hash=prev_hash, **fields)
        event.hash = prev_hash = chain_hash(prev_hash, event_payload(event))
        events.append(event)
    if len(events) == 1:
        events[0].save()
    else:
        # The queryset refuses bulk_create so that nothing but this module appends.
        models.QuerySet.bulk_create(AuditEvent.objects.all(), events, batch_size=2000)
    head.last_seq, head.last_hash = seq, prev_hash
    head.save(update_fields=["last_seq", "last_hash", "updated_at"])
    return events


def current_head() -> tuple[int, str] | None:
    """The head as committed now (no lock), or None if its row is missing."""
    return ChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()


@transaction.atomic
def record_standalone(action: str, **kwargs: Any) -> AuditEvent:
    """Record an event that accompanies no other write (a view of a victim's identity)."""
    return record_event(action, **kwargs)
