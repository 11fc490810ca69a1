"""Someone with direct access to the database tampers with the audit log; the verifier names
the first broken link. Every change is planted with raw SQL, on PostgreSQL with the
append-only triggers switched off as a superuser can."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import DatabaseError, connection, transaction

from safevillage.audit.log import ChainHeadMissing, chain_hash, event_payload, record_event
from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from tests.audit.conftest import HEAD, TABLE, as_attacker, insert_raw, json_sql, rehash, renumber

pytestmark = pytest.mark.django_db


def test_an_untouched_chain_is_intact_and_names_its_head(chain):
    verdict = verify_chain()
    assert verdict.intact
    assert verdict.events == 6
    assert verdict.broken_at is None
    assert verdict.head == (6, chain[-1].hash)


def test_an_empty_log_is_intact():
    assert verify_chain().intact
    assert verify_chain().events == 0


@pytest.mark.parametrize("seq", [1, 3])
def test_a_deleted_event_is_caught(chain, seq):
    with as_attacker() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [seq])  # noqa: S608
    verdict = verify_chain()
    assert not verdict.intact
    assert verdict.broken_at == seq
    assert "missing" in verdict.problem
    assert verdict.events == 5


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("reason", "ordinary theft, no investigation needed"),
        ("action", "incidents.incident.withdraw"),
        ("actor_label", "Someone Else"),
        ("target_id", "999"),
        ("target_label", "PV-2026-99999"),
        ("place_code", "08010101"),
    ],
)
def test_an_edited_field_is_caught(chain, column, value):
    with as_attacker() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET {column} = %s WHERE seq = 3", [value])  # noqa: S608
    verdict = verify_chain()
    assert (verdict.intact, verdict.broken_at) == (False, 3)
    assert "edited" in verdict.problem


@pytest.mark.parametrize("column", ["old", "new"])
def test_an_edited_json_value_is_caught(chain, column):
    value = {"status": "closed", "summary": "លួចម៉ូតូ", "points": 3.25, "tags": ["theft"]}
    with as_attacker() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET {column} = {json_sql()} WHERE seq = 4", [json.dumps(value)])  # noqa: S608
    verdict = verify_chain()
    assert (verdict.intact, verdict.broken_at) == (False, 4)


def test_one_khmer_letter_changed_in_the_new_values_is_caught(chain):
    edited = dict(chain[1].new, summary="លួចម៉ូតូរ")
    with as_attacker() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET new = {json_sql()} WHERE seq = 2", [json.dumps(edited)])  # noqa: S608
    assert verify_chain().broken_at == 2


def test_an_edited_time_is_caught_to_the_microsecond(chain):
    moved = chain[2].occurred_at + datetime.timedelta(microseconds=1)
    with as_attacker() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET occurred_at = %s WHERE seq = 3",  # noqa: S608
            [connection.ops.adapt_datetimefield_value(moved)],
        )
    assert AuditEvent.objects.get(seq=3).occurred_at == moved
    assert verify_chain().broken_at == 3


def test_a_changed_actor_is_caught(chain, vannak):
    with as_attacker() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor_id = %s WHERE seq = 5", [vannak.pk])  # noqa: S608
    assert verify_chain().broken_at == 5


def test_an_event_removed_and_the_rest_renumbered_is_caught(chain):
    with as_attacker() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = 3")  # noqa: S608
        renumber(cursor, 4, -1)
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    verdict = verify_chain()
    assert (verdict.intact, verdict.broken_at) == (False, 3)
    assert "does not link" in verdict.problem


def test_an_event_removed_and_every_later_hash_recomputed_is_caught_by_the_head(chain):
    with as_attacker() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = 3")  # noqa: S608
        renumber(cursor, 4, -1)
        rehash(cursor, head_too=False)
    verdict = verify_chain()
    assert (verdict.intact, verdict.broken_at) == (False, 6)
    assert "cut from the end" in verdict.problem


def test_two_events_swapped_in_order_are_caught(chain):
    with as_attacker() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET seq = 1000 WHERE seq = 2")  # noqa: S608
        cursor.execute(f"UPDATE {TABLE} SET seq = 2 WHERE seq = 4")  # noqa: S608
        cursor.execute(f"UPDATE {TABLE} SET seq = 4 WHERE seq = 1000")  # noqa: S608
    assert AuditEvent.objects.get(seq=2).hash == chain[3].hash
    verdict = verify_chain()
    assert (verdict.intact, verdict.broken_at) == (False, 2)


def test_two_events_with_their_contents_swapped_are_caught(chain):
    columns = ["action", "actor_id", "actor_label", "target_id", "target_label", "place_code", "reason"]
    second, fourth = (AuditEvent.objects.values_list(*columns).get(seq=seq) for seq in (2, 4))
    with as_attacker() as cursor:
        for seq, values in ((2, fourth), (4, second)):
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cursor.execute(f"UPDATE {TABLE} SET {assignments} WHERE seq = %s", [*values, seq])  # noqa: S608
        for seq, other in ((2, chain[3]), (4, chain[1])):
            cursor.execute(
                f"UPDATE {TABLE} SET old = {json_sql()}, new = {json_sql()} WHERE seq = %s",  # noqa: S608
                [None if other.old is None else json.dumps(other.old), json.dumps(other.new), seq],
            )
    verdict = verify_chain()
    assert (verdict.intact, verdict.broken_at) == (False, 2)
    assert "edited" in verdict.problem


def test_an_event_inserted_in_the_middle_is_caught(chain):
    # A well-forged event: correct seq, linked to its predecessor, hash computed right.
    forged = AuditEvent(
        seq=4,
        occurred_at=chain[2].occurred_at + datetime.timedelta(milliseconds=1),
        actor_id=chain[2].actor_id,
        actor_label=chain[2].actor_label,
        action="incidents.incident.solve",
        target_type="incidents.incident",
        target_id="101",
        target_label="PV-2026-00001",
        place_code="14030501",
        old={"status": "investigating"},
        new={"status": "solved"},
        reason="",
        prev_hash=chain[2].hash,
    )
    forged.hash = chain_hash(forged.prev_hash, event_payload(forged))
    with as_attacker() as cursor:
        renumber(cursor, 4, +1)
        insert_raw(cursor, forged)
    assert AuditEvent.objects.count() == 7
    verdict = verify_chain()
    # The forged event itself verifies; the one after it no longer links.
    assert (verdict.intact, verdict.broken_at) == (False, 5)


def test_an_event_forged_at_the_end_is_caught_by_the_head(chain):
    forged = AuditEvent(
        seq=7,
        occurred_at=chain[5].occurred_at + datetime.timedelta(seconds=1),
        actor_id=None,
        action="incidents.incident.withdraw",
        target_type="incidents.incident",
        target_id="101",
        place_code="14030501",
        reason="entered in error",
        prev_hash=chain[5].hash,
    )
    forged.hash = chain_hash(forged.prev_hash, event_payload(forged))
    with as_attacker() as cursor:
        insert_raw(cursor, forged)
    verdict = verify_chain()
    assert (verdict.intact, verdict.broken_at) == (False, 7)
    assert "after the head" in verdict.problem


def test_a_cut_tail_is_caught_by_the_head(chain):
    with as_attacker() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq >= 5")  # noqa: S608
    verdict = verify_chain()
    assert (verdict.intact, verdict.broken_at) == (False, 5)
    assert "ends at #4 but the head" in verdict.problem


def test_an_emptied_table_is_caught_by_the_head(chain):
    with as_attacker() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
    verdict = verify_chain()
    assert (verdict.intact, verdict.broken_at, verdict.events) == (False, 1, 0)


def test_a_cut_tail_with_the_head_rewritten_to_match_needs_a_snapshot_from_outside(chain):
    """By design: whoever can rewrite the head as well as the chain leaves a consistent
    database. What catches it is a head recorded elsewhere before the cut (report
    approvals keep the head they were signed at)."""
    snapshot = (6, chain[5].hash)
    with as_attacker() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq >= 5")  # noqa: S608
        cursor.execute(f"UPDATE {HEAD} SET last_seq = 4, last_hash = %s WHERE id = 1", [chain[3].hash])  # noqa: S608
    assert verify_chain().intact  # the limit of a self-contained chain
    verdict = verify_chain(anchors=[snapshot])
    assert (verdict.intact, verdict.broken_at) == (False, 5)


def test_a_rewritten_history_with_a_matching_head_is_caught_by_an_older_snapshot(chain):
    snapshot = (4, chain[3].hash)
    with as_attacker() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = %s WHERE seq = 2", ["nothing happened"])  # noqa: S608
        rehash(cursor, head_too=True)
    assert verify_chain().intact  # the limit of a self-contained chain
    verdict = verify_chain(anchors=[snapshot])
    assert (verdict.intact, verdict.broken_at) == (False, 4)
    assert "snapshot" in verdict.problem


def test_a_head_with_an_edited_hash_is_caught(chain):
    with as_attacker() as cursor:
        cursor.execute(f"UPDATE {HEAD} SET last_hash = %s WHERE id = 1", ["f" * 64])  # noqa: S608
    verdict = verify_chain()
    assert (verdict.intact, verdict.broken_at) == (False, 6)
    assert verdict.head == (6, "f" * 64)


def test_a_head_moved_back_is_caught(chain):
    with as_attacker() as cursor:
        cursor.execute(f"UPDATE {HEAD} SET last_seq = 4, last_hash = %s WHERE id = 1", [chain[3].hash])  # noqa: S608
    verdict = verify_chain()
    assert (verdict.intact, verdict.broken_at) == (False, 5)


def test_a_deleted_head_is_caught_and_stops_all_writing(chain, sokha):
    with as_attacker() as cursor:
        cursor.execute(f"DELETE FROM {HEAD}")  # noqa: S608
    verdict = verify_chain()
    assert (verdict.intact, verdict.head) == (False, None)
    assert "head is missing" in verdict.problem
    with pytest.raises(ChainHeadMissing), transaction.atomic():
        record_event("incidents.incident.update", actor=sokha, target_type="incidents.incident", target_id="1")
    assert AuditEvent.objects.count() == 6


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite gets no append-only trigger: Django's test flush deletes rows there, which a trigger would refuse",
)
def test_without_superuser_powers_raw_sql_cannot_change_history_on_postgresql(chain):
    refused = [
        f"UPDATE {TABLE} SET reason = 'x' WHERE seq = 2",  # noqa: S608
        f"DELETE FROM {TABLE} WHERE seq = 6",  # noqa: S608
        f"DELETE FROM {HEAD}",  # noqa: S608
        f"UPDATE {HEAD} SET last_seq = 4",  # noqa: S608
        f"UPDATE {HEAD} SET last_seq = 7, last_hash = 'f'",  # noqa: S608
    ]
    for sql in refused:
        with pytest.raises(DatabaseError, match=r"append-only|head"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
    assert verify_chain().intact
