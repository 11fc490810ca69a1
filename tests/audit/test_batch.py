"""Batches of events (imports, generated data) make the same chain as single appends."""

from __future__ import annotations

import pytest
from django.db import transaction

from safevillage.audit.log import current_head, record_event, record_events
from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def test_a_batch_continues_the_chain_and_moves_the_head_to_its_last_event(sokha):
    with transaction.atomic():
        record_event("test.single", actor=sokha, target_type="test", target_id="0")
    with transaction.atomic():
        events = record_events(
            {"action": "test.batch", "actor": sokha, "target_type": "test", "target_id": str(i), "place_code": "140305"}
            for i in range(1, 2501)
        )
    assert [e.seq for e in events[:2]] == [2, 3]
    assert AuditEvent.objects.count() == 2501
    assert current_head() == (2501, events[-1].hash)
    assert verify_chain().intact
    with transaction.atomic():
        record_event("test.after", actor=sokha, target_type="test", target_id="x")
    assert verify_chain().intact


def test_a_batch_with_one_invalid_event_writes_nothing(sokha):
    with pytest.raises(ValueError), transaction.atomic():
        record_events(
            [
                {"action": "test.ok", "actor": sokha, "target_type": "test", "target_id": "1"},
                {"action": "test.bad", "actor": sokha, "target_type": "test", "target_id": "2", "place_code": "1"},
            ]
        )
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_batch_outside_a_transaction_is_refused(sokha):
    with pytest.raises(RuntimeError):
        record_events([{"action": "test.x", "actor": sokha, "target_type": "t", "target_id": "1"}])
