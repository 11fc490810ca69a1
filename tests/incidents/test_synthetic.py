"""The synthetic register: deterministic for a seed, shaped like a real register, and written
with the audit chain intact and the summaries equal to the records."""

from __future__ import annotations

import datetime
import io
import re
import statistics
import sys
import threading
import zoneinfo
from collections import Counter
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import translation

from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.core.periods import local_month
from safevillage.incidents.models import Incident, ReferenceCounter
from safevillage.incidents.references import REFERENCE_PATTERN, next_reference
from safevillage.incidents.synthetic import Plan, SyntheticError, generate
from safevillage.incidents.synthetic.calibration import CATEGORY_MIX, expected_shares
from safevillage.incidents.synthetic.draw import Generator
from safevillage.incidents.synthetic.write import Chunk, Writer
from safevillage.policy.models import Category
from safevillage.reports.rebuild import differences

PHNOM_PENH = zoneinfo.ZoneInfo("Asia/Phnom_Penh")
# Two whole years in the past: the run does not depend on today's date.
PLAN = Plan(years=2, incidents=5_000, seed=7, end_year=2024, chunk=1_000)
# A run commits chunk by chunk, outside any transaction: so do these tests.
pytestmark = pytest.mark.django_db(transaction=True)
FIELDS = [f.attname for f in Incident._meta.concrete_fields if f.attname != "id"]


@pytest.fixture
def register(places, policy):
    """A run of PLAN on the test gazetteer and the shipped policy."""
    return generate(PLAN)


def _rows() -> list[tuple]:
    return list(Incident.objects.order_by("id").values_list(*FIELDS))


def _start_again() -> None:
    Incident.objects.all().delete()
    ReferenceCounter.objects.all().delete()


def test_the_same_seed_gives_the_same_register_and_another_seed_another(register):
    first = _rows()
    assert len(first) == 5_000
    _start_again()
    generate(PLAN)
    assert _rows() == first
    _start_again()
    generate(Plan(years=2, incidents=5_000, seed=8, end_year=2024, chunk=1_000))
    other = _rows()
    assert len(other) == 5_000
    assert other != first


def test_every_chunk_is_audited_and_the_chain_stays_intact(register):
    assert register.records == 5_000
    assert register.chunks == 5
    events = list(AuditEvent.objects.filter(action="synthetic.generate"))
    # One event per chunk and province (the fragment's villages lie in Kandal and Prey Veng).
    assert len(events) == register.events
    assert {e.place_code for e in events} == {"08", "14"}
    assert sum(e.new["records"] for e in events) == 5_000
    assert {e.new["seed"] for e in events} == {7}
    assert verify_chain().intact


def test_an_audit_event_names_the_reference_range_of_each_district(register):
    event = AuditEvent.objects.filter(action="synthetic.generate", place_code="14").order_by("seq").first()
    first_id, last_id = event.new["ids"]
    for key, (first, last) in event.new["references"].items():
        district, year = key.split("-")
        numbered = Incident.objects.filter(
            id__gte=first_id, id__lte=last_id, place_code__startswith=district, reference__contains=f"-{year}-"
        )
        assert numbered.order_by("reference").first().reference == first
        assert numbered.order_by("reference").last().reference == last


def test_the_summaries_equal_the_records_after_a_run(register):
    assert list(differences()) == []


def test_a_second_run_adds_to_the_summaries_of_the_first(register):
    # The first run wrote into empty summaries; the second adds to the counters already there.
    generate(Plan(years=2, incidents=3_000, seed=9, end_year=2024, chunk=1_000))
    assert Incident.objects.count() == 8_000
    assert list(differences()) == []


def test_a_record_entered_between_two_chunks_is_counted_once(sokha, make_incident, monkeypatch):
    """The run adds only its own chunks' ids to the summaries: a record entered through intake
    between two chunks is already counted by its action."""
    write = Writer.write

    def write_then_intake(self: Writer, chunk: Chunk) -> tuple[int, int, int]:
        written = write(self, chunk)
        if chunk.number == 1:
            make_incident(sokha)
        return written

    monkeypatch.setattr(Writer, "write", write_then_intake)
    result = generate(PLAN)
    assert len(result.ranges) == PLAN.incidents // PLAN.chunk
    assert Incident.objects.count() == PLAN.incidents + 1
    assert list(differences()) == []


def _indexes() -> set[str]:
    """The register's secondary indexes present in the database."""
    with connection.cursor() as cursor:
        present = set(connection.introspection.get_constraints(cursor, Incident._meta.db_table))
    return {str(index.name) for index in Incident._meta.indexes} & present


def _indexes_while_writing(monkeypatch) -> list[set[str]]:
    seen: list[set[str]] = []
    write = Writer.write

    def write_and_look(self: Writer, chunk: Chunk) -> tuple[int, int, int]:
        seen.append(_indexes())
        return write(self, chunk)

    monkeypatch.setattr(Writer, "write", write_and_look)
    return seen


ALL_INDEXES = {str(index.name) for index in Incident._meta.indexes}


def test_a_large_run_writes_without_the_secondary_indexes_and_builds_them_again(places, policy, monkeypatch):
    assert _indexes() == ALL_INDEXES
    seen = _indexes_while_writing(monkeypatch)
    generate(PLAN)
    assert seen == [set()] * 5
    assert _indexes() == ALL_INDEXES
    # The rebuilt indexes are the model's: the migrations see nothing to change.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_a_run_smaller_than_the_register_keeps_its_indexes(register, monkeypatch):
    seen = _indexes_while_writing(monkeypatch)
    generate(Plan(years=2, incidents=3_000, seed=9, end_year=2024, chunk=1_000))
    assert seen == [ALL_INDEXES] * 3


def _failing_at(monkeypatch, number: int) -> None:
    """The writer fails on chunk ``number``, having written the ones before it."""
    write = Writer.write

    def fail(self: Writer, chunk: Chunk) -> tuple[int, int, int]:
        if chunk.number == number:
            raise RuntimeError("disk on fire")
        return write(self, chunk)

    monkeypatch.setattr(Writer, "write", fail)


def test_a_failed_run_builds_the_indexes_again(places, policy, monkeypatch):
    _failing_at(monkeypatch, 2)
    with pytest.raises(RuntimeError, match="disk on fire"):
        generate(PLAN)
    assert _indexes() == ALL_INDEXES
    assert Incident.objects.count() == PLAN.chunk


def _drawing_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "synthetic-drawing"]


def _attached() -> list[str]:
    """Databases attached to the connection besides its own (SQLite's scratch chunks)."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA database_list")
        return [name for _seq, name, _file in cursor.fetchall() if name not in ("main", "temp")]


def test_a_failed_write_stops_the_drawing_and_leaves_nothing_attached(places, policy, monkeypatch):
    interval = sys.getswitchinterval()
    _failing_at(monkeypatch, 3)
    with pytest.raises(RuntimeError, match="disk on fire"):
        generate(PLAN)
    assert Incident.objects.count() == 2 * PLAN.chunk
    assert _drawing_threads() == []
    assert _attached() == []
    assert sys.getswitchinterval() == interval


def test_a_failure_while_drawing_reaches_the_caller_after_the_chunks_before_it(places, policy, monkeypatch):
    draw = Generator._draw
    calls = 0

    def fail_later(self: Generator, *args: Any) -> list:
        nonlocal calls
        calls += 1
        if calls == 200:
            raise ValueError("the seed ran dry")
        return draw(self, *args)

    monkeypatch.setattr(Generator, "_draw", fail_later)
    with pytest.raises(ValueError, match="the seed ran dry"):
        generate(PLAN)
    # Whole chunks only, each with its audit events; the indexes are back.
    written = Incident.objects.count()
    assert 0 < written < PLAN.incidents
    assert written % PLAN.chunk == 0
    assert sum(e.new["records"] for e in AuditEvent.objects.filter(action="synthetic.generate")) == written
    assert verify_chain().intact
    assert _indexes() == ALL_INDEXES
    assert _drawing_threads() == []
    assert _attached() == []


def test_a_run_inside_a_transaction_is_refused_before_writing(places, policy):
    with pytest.raises(SyntheticError, match="outside any transaction"), transaction.atomic():
        generate(PLAN)
    assert not Incident.objects.exists()


def test_a_run_first_builds_an_index_a_killed_run_left_out(register):
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX incident_place_month")
    assert "incident_place_month" not in _indexes()
    generate(Plan(years=2, incidents=1_000, seed=9, end_year=2024, chunk=1_000))
    assert _indexes() == ALL_INDEXES


def test_every_closure_month_is_the_local_month_of_its_closing_time(register):
    closed = Incident.objects.filter(closed_at__isnull=False).values_list("closed_at", "closed_month")
    assert len(closed) > 1_000
    assert [month for at, month in closed if month != local_month(at)] == []
    assert not Incident.objects.filter(closed_at__isnull=True, closed_month__isnull=False).exists()
    # The database itself refuses a closing time without its month (a CHECK that is NULL passes).
    record = Incident.objects.filter(closed_at__isnull=False).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=record.pk).update(closed_month=None)


def test_references_follow_the_district_counters_and_real_intake_continues_them(sokha, make_incident):
    # A record entered through intake first: the run continues its district's numbers.
    entered = make_incident(sokha)
    generate(Plan(years=1, incidents=2_000, seed=3, end_year=timezone_year(), chunk=1_000))
    references = list(Incident.objects.values_list("reference", flat=True))
    assert entered.reference.endswith("-000001")
    assert any(r.startswith(entered.reference[:-6]) and r.endswith("-000002") for r in references)
    assert len(set(references)) == len(references)
    assert all(re.fullmatch(REFERENCE_PATTERN, r) for r in references)
    for counter in ReferenceCounter.objects.all():
        numbers = [
            int(r.rsplit("-", 1)[1])
            for r in references
            if r.startswith(f"{counter.district_code[:2]}-{counter.district_code}-{counter.year}-")
        ]
        assert sorted(numbers) == list(range(1, counter.last_number + 1))
    busiest = ReferenceCounter.objects.order_by("-last_number").first()
    village = Incident.objects.filter(place_code__startswith=busiest.district_code).values_list(
        "place_code", flat=True
    )[0]
    reported = datetime.datetime(busiest.year, 12, 31, 12, tzinfo=PHNOM_PENH)
    with transaction.atomic():
        assert next_reference(village, reported).endswith(f"-{busiest.last_number + 1:06d}")


def timezone_year() -> int:
    return datetime.datetime.now(PHNOM_PENH).year


def test_the_category_mix_follows_the_national_calibration(register):
    counts = Counter(Incident.objects.values_list("category__code", flat=True))
    codes = list(Category.objects.filter(code__in=list(CATEGORY_MIX)).values_list("code", flat=True))
    expected = expected_shares(codes, PLAN.first_year, PLAN.end_year)
    groups: Counter[str] = Counter()
    expected_groups: Counter[str] = Counter()
    for code, share in expected.items():
        groups[CATEGORY_MIX[code][0]] += counts[code] / 5_000
        expected_groups[CATEGORY_MIX[code][0]] += share
        if share >= 0.02:
            assert counts[code] / 5_000 == pytest.approx(share, rel=0.15), code
    for group, share in expected_groups.items():
        assert groups[group] == pytest.approx(share, abs=0.01), group
    # Complaints and disputes are the majority; drug cases outnumber other crimes.
    assert groups["complaint"] > 0.5
    assert groups["drug"] > groups["crime"]


def test_road_accidents_peak_at_khmer_new_year(register):
    traffic = Incident.objects.filter(category__code="traffic_accident")
    april = traffic.filter(period_month__in=[202304, 202404]).count()
    june = traffic.filter(period_month__in=[202306, 202406]).count()
    assert april > 1.4 * june
    in_april = [timezone_day(o) for o in traffic.filter(period_month=202404).values_list("occurred_at", flat=True)]
    new_year = sum(13 <= day <= 16 for day in in_april)
    assert new_year > 0.3 * len(in_april)


def timezone_day(moment: datetime.datetime) -> int:
    return moment.astimezone(PHNOM_PENH).day


def test_the_register_reads_like_a_real_one(register):
    records = Incident.objects.all()
    statuses = Counter(records.values_list("status", flat=True))
    # Most closed, some open (and long overdue by the end of 2024), a few withdrawn or reopened.
    assert statuses["closed"] > 0.8 * 5_000
    assert 0 < statuses["withdrawn"] < 0.03 * 5_000
    assert records.filter(reopened_count__gt=0).count() > 0
    assert records.filter(status__in=["received", "acknowledged", "investigating"]).count() > 0.02 * 5_000
    # Durations: a median closure within weeks.
    closed = records.filter(status="closed").values_list("reported_at", "closed_at")
    assert all(c >= r for r, c in closed)
    assert statistics.median((c - r).days for r, c in closed) <= 21
    # Deadlines from the category's days.
    for incident in records.select_related("category")[:200]:
        assert incident.close_due_at - incident.reported_at == datetime.timedelta(days=incident.category.close_days)
        assert incident.reference.split("-")[2] == str(incident.reported_at.astimezone(PHNOM_PENH).year)


def test_solved_drug_cases_carry_arrests_and_road_accidents_casualties(register):
    drugs = Incident.objects.filter(category__code__startswith="drug_", outcome="solved", clearance="arrest")
    arrests = list(drugs.values_list("arrests", flat=True))
    assert min(arrests) >= 1
    assert 2.0 <= statistics.mean(arrests) <= 3.0
    traffic = Incident.objects.filter(category__code="traffic_accident")
    assert sum(traffic.values_list("deaths", flat=True)) > 0
    assert sum(traffic.values_list("injuries", flat=True)) > 0
    # Mediation only where the category allows it; a clearance only for solved crimes.
    assert not Incident.objects.filter(outcome="mediated", category__mediation_allowed=False).exists()
    assert not Incident.objects.filter(outcome="solved", category__is_crime=False).exists()


def test_channels_respect_sensitive_categories(register):
    assert not Incident.objects.filter(channel="public_web", category__sensitive=True).exists()
    assert Incident.objects.filter(channel="patrol", category__code="drug_dealing").exists()


def test_without_a_gazetteer_nothing_is_written(policy):
    with translation.override("en"), pytest.raises(SyntheticError, match="no current village"):
        generate(PLAN)
    assert not Incident.objects.exists()
    assert not AuditEvent.objects.filter(action="synthetic.generate").exists()


def test_the_command_runs_only_with_debug_on(places, policy, settings):
    settings.DEBUG = False
    with translation.override("en"), pytest.raises(CommandError, match="DEBUG=true"):
        call_command("generate_synthetic", "--years=1", "--incidents=100", "--seed=1", "--end-year=2024")
    assert not Incident.objects.exists()
    settings.DEBUG = True
    out = io.StringIO()
    with translation.override("en"):
        call_command(
            "generate_synthetic",
            "--years=1",
            "--incidents=1500",
            "--seed=1",
            "--end-year=2024",
            "--chunk=1000",
            stdout=out,
        )
    assert "1,500 synthetic records" in out.getvalue()
    assert Incident.objects.count() == 1_500
    assert Incident.objects.aggregate(Max("period_month"))["period_month__max"] <= 202412


def test_the_command_refuses_impossible_plans(places, policy, settings):
    settings.DEBUG = True
    with translation.override("en"), pytest.raises(CommandError, match="--years must be between 1 and 50"):
        call_command("generate_synthetic", "--years=0", "--incidents=100", "--seed=1")
    with translation.override("en"), pytest.raises(CommandError, match="--chunk must be between"):
        call_command("generate_synthetic", "--years=1", "--incidents=100", "--seed=1", "--chunk=5")
    assert not Incident.objects.exists()
