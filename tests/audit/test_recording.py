"""Recording events: what is stored reads back exactly, so the hash verifies on SQLite and
PostgreSQL alike; what cannot be stored faithfully is refused before anything is written;
a stored event can be neither changed nor deleted through the application."""

from __future__ import annotations

import datetime
import decimal
import math
import uuid
import zoneinfo

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from safevillage.accounts.roles import Role
from safevillage.audit import log
from safevillage.audit.log import canonical_json, record_event
from safevillage.audit.models import AppendOnlyError, AuditEvent, ChainHead
from safevillage.audit.verify import verify_chain

pytestmark = pytest.mark.django_db

PHNOM_PENH = zoneinfo.ZoneInfo("Asia/Phnom_Penh")


def record(**kwargs):
    kwargs.setdefault("actor", None)
    kwargs.setdefault("target_type", "incidents.incident")
    kwargs.setdefault("target_id", "1")
    with transaction.atomic():
        return record_event(kwargs.pop("action", "incidents.incident.update"), **kwargs)


def test_values_of_every_kind_read_back_identically_and_verify(sokha, places):
    event_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    new = {
        "floats": [0.1, 1 / 3, 2.0, 12345.678, 1.5e-10, 5e-324, -7.25, 1e15 + 0.5],
        "huge_floats": [1e16, 1.2345678901234568e17, 1e300, -1.7976931348623157e308],
        "negative_zero": -0.0,
        "ints": [0, -1, 2**53 + 1, 2**70],
        "amount": decimal.Decimal("1250000.10"),
        "reported_on": datetime.date(2026, 2, 29 - 1),
        "opened_at": datetime.datetime(2026, 11, 22, 21, 5, 7, 123456, tzinfo=PHNOM_PENH),
        "at_time": datetime.time(8, 30, 0, 5),
        "nested": {"ភូមិ": {"ឈ្មោះ": "កន្សោមអក", "codes": ("140305", "14030501")}, "empty": {}, "none": None},
        "flags": [True, False],
        "tags": {"theft", "drugs"},
        "id": event_id,
        "role": Role.COMMUNE_POLICE,
        "lazy": gettext_lazy("Audit"),
        "place": places["140305"],
        3: "an int key",
        "emoji and accents": "Phnom Penh ✓ é ñ",
    }
    event = record(actor=sokha, new=new, old={"b": 1, "a": [1, 2]}, reason="កំណត់ហេតុ", place_code="14030501")

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.new == event.new
    assert stored.old == {"a": [1, 2], "b": 1}
    assert stored.reason == "កំណត់ហេតុ"
    assert stored.new["floats"] == [0.1, 1 / 3, 2.0, 12345.678, 1.5e-10, 5e-324, -7.25, 1e15 + 0.5]
    assert isinstance(stored.new["floats"][2], float)
    # jsonb prints such floats in full and reads them back as ints: they are stored as ints.
    assert stored.new["huge_floats"] == [10**16, 123456789012345680, 10**300, -17976931348623157 * 10**292]
    assert stored.new["negative_zero"] == 0.0 and math.copysign(1, stored.new["negative_zero"]) == 1
    assert stored.new["ints"] == [0, -1, 2**53 + 1, 2**70]
    assert stored.new["amount"] == "1250000.10"
    assert stored.new["reported_on"] == "2026-02-28"
    assert stored.new["opened_at"] == "2026-11-22T14:05:07.123456+00:00"
    assert stored.new["at_time"] == "08:30:00.000005"
    assert stored.new["nested"] == {
        "ភូមិ": {"ឈ្មោះ": "កន្សោមអក", "codes": ["140305", "14030501"]},
        "empty": {},
        "none": None,
    }
    assert stored.new["tags"] == ["drugs", "theft"]
    assert stored.new["id"] == str(event_id)
    assert stored.new["role"] == "commune_police"
    assert stored.new["lazy"] == "Audit"
    assert stored.new["place"] == places["140305"].pk
    assert stored.new["3"] == "an int key"
    assert canonical_json(stored.new) == canonical_json(event.new)
    assert verify_chain().intact


@pytest.mark.parametrize("microsecond", [0, 1, 999999])
def test_the_time_reads_back_in_utc_to_the_microsecond(monkeypatch, microsecond):
    instant = datetime.datetime(2026, 11, 22, 23, 59, 59, microsecond, tzinfo=datetime.UTC)
    monkeypatch.setattr(log.timezone, "now", lambda: instant)
    event = record()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.occurred_at == instant
    assert stored.occurred_at.utcoffset() == datetime.timedelta(0)
    assert verify_chain().intact


def test_a_target_model_names_itself_and_labels_are_snapshots(sokha, places):
    event = record(actor=sokha, target=places["140305"], target_type="", target_id="", place_code="140305")
    assert (event.target_type, event.target_id) == ("places.place", str(places["140305"].pk))
    assert event.target_label == str(places["140305"])
    assert (event.actor, event.actor_label) == (sokha, "Sokha Chan")


def test_events_are_numbered_and_linked_in_order(sokha):
    first, second, third = (record(actor=sokha) for _ in range(3))
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)
    assert first.prev_hash == "0" * 64
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert ChainHead.objects.get(pk=1).last_seq == 3
    assert ChainHead.objects.get(pk=1).last_hash == third.hash
    assert first.occurred_at <= second.occurred_at <= third.occurred_at


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"new": {"ratio": math.nan}}, ValueError),
        ({"new": {"ratio": math.inf}}, ValueError),
        ({"old": [datetime.datetime(2026, 1, 1, 8, 0)]}, ValueError),  # naive: which zone?
        ({"new": {"name": "a\x00b"}}, ValueError),  # PostgreSQL refuses NUL
        ({"reason": "a\x00b"}, ValueError),
        ({"new": {"x": "\ud800"}}, ValueError),  # not encodable Unicode
        ({"new": {1: "a", "1": "b"}}, ValueError),  # two keys that read as one
        ({"new": {(1, 2): "a"}}, TypeError),
        ({"new": {"file": object()}}, TypeError),
        ({"place_code": "1403a"}, ValueError),
        ({"place_code": "140"}, ValueError),
        ({"action": "x" * 65}, ValueError),
        ({"action": ""}, ValueError),
        ({"target_id": "9" * 65}, ValueError),
    ],
)
def test_what_cannot_be_stored_faithfully_is_refused_and_nothing_is_written(kwargs, error):
    record()
    with pytest.raises(error):
        record(**kwargs)
    assert AuditEvent.objects.count() == 1
    assert ChainHead.objects.get(pk=1).last_seq == 1
    assert verify_chain().intact


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        record_event("incidents.incident.update", actor=None, target_type="incidents.incident", target_id="1")
    assert not AuditEvent.objects.exists()


def test_the_audit_row_rolls_back_with_the_change_it_records(sokha):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        record_event("incidents.incident.update", actor=sokha, target_type="incidents.incident", target_id="1")
        _ = 1 / 0  # the change fails after its event was written
    assert not AuditEvent.objects.exists()
    assert ChainHead.objects.get(pk=1).last_seq == 0
    assert record(actor=sokha).seq == 1


def test_a_stored_event_cannot_be_changed_or_deleted_through_the_application(sokha):
    event = record(actor=sokha, reason="first")
    event.reason = "second"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="second")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent(seq=2, occurred_at=timezone.now(), hash="x")])
    with pytest.raises(AppendOnlyError):
        ChainHead.objects.get(pk=1).delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == "first"
    assert verify_chain().intact


def test_an_actor_in_the_log_cannot_be_deleted(sokha):
    from django.db.models import ProtectedError

    record(actor=sokha)
    sokha.assignments.all().delete()
    with pytest.raises(ProtectedError):
        sokha.delete()


def test_a_missing_head_is_recreated_only_for_an_empty_log(sokha):
    from tests.audit.conftest import HEAD, as_attacker

    with as_attacker() as cursor:
        cursor.execute(f"DELETE FROM {HEAD}")  # noqa: S608  (a flushed test database looks like this)
    assert verify_chain().intact
    event = record(actor=sokha)
    assert event.seq == 1
    assert ChainHead.objects.get(pk=1).last_hash == event.hash
