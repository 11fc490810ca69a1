"""Exports of the register, written by the worker: exactly the records the register's
filters select for the user who asked (and never more than they see), no names, Excel-ready,
audited when asked for and when downloaded, for the one who asked and for a limited time."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import Task

from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.exports import expiry, run
from safevillage.exports.models import RecordExport, State
from safevillage.incidents.filters import filter_incidents
from safevillage.incidents.models import Incident, InvolvedPerson, PersonRole, Status
from safevillage.jobs import tasks
from tests.exports.helpers import ask, download, export_for, references, table, workbook_rows
from tests.incidents.factories_register import category, incident, overdue

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(places):
    return {
        "kansoam": incident(
            places["14030501"],
            complainant_name="Chan Sreymom",
            complainant_phone="012345678",
            description="Srey Pov says her buffalo was taken by Keo Sophal",
        ),
        "trabaek": incident(places["14030601"]),
    }


def test_the_file_holds_exactly_the_records_the_registers_filter_selects(client, vannak, places):
    for n in range(7):
        incident(places["14030501" if n % 2 else "14030601"], status=Status.CLOSED if n % 3 else Status.RECEIVED)
    query = "?status=closed&place=140305"
    export = export_for(client, vannak, query)
    expected = filter_incidents(Incident.objects.visible_to(vannak), {"status": "closed", "place": "140305"})
    assert export.state == State.DONE
    assert export.total == export.rows_written == expected.queryset.count() == 2
    # Newest record first, as the register lists them by default.
    assert [line[0] for line in table(download(client, export))[1:]] == [
        i.reference for i in expected.queryset.order_by("-pk")
    ]


def test_records_are_read_in_windows_of_ids_none_skipped_or_repeated(client, sokha, places, monkeypatch):
    made = [incident(places["14030501"]).reference for _ in range(7)]
    incident(places["14030601"])  # the neighbour's, between and outside the officer's windows
    monkeypatch.setattr(run, "WINDOW", 2)
    assert references(client, sokha) == made[::-1]


def test_records_entered_after_the_request_are_not_in_the_file(client, sokha, places):
    incident(places["14030501"])
    ask(client, sokha)
    export = RecordExport.objects.get()
    incident(places["14030501"])  # while the export waits for the worker
    assert run.run(export.pk).rows_written == 1


def test_officer_exports_own_commune_only_and_neighbour_gets_none_of_it(client, sokha, dara, records):
    assert references(client, sokha) == [records["kansoam"].reference]
    assert references(client, dara) == [records["trabaek"].reference]
    assert references(client, dara, "?place=140305") == []


def test_district_officer_exports_both_communes(client, vannak, records):
    assert set(references(client, vannak)) == {records["kansoam"].reference, records["trabaek"].reference}


def test_the_file_keeps_to_the_scope_of_the_time_of_asking_and_of_writing(client, vannak, records, places):
    ask(client, vannak)
    export = RecordExport.objects.get()
    assert export.scope == ["1403"]
    # Moved to one commune before the worker ran: the file holds only what they still see.
    assignment = vannak.assignments.get()
    assignment.ended_at = timezone.now()
    assignment.save()
    vannak.assignments.create(role=assignment.role, place=places["140306"])
    run.run(export.pk)
    assert [line[0] for line in table(download(client, export))[1:]] == [records["trabaek"].reference]


def test_no_name_phone_or_free_text_ever_reaches_the_file(client, sokha, records):
    InvolvedPerson.objects.create(incident=records["kansoam"], role=PersonRole.VICTIM, name="Srey Pov")
    InvolvedPerson.objects.create(incident=records["kansoam"], role=PersonRole.SUSPECT, name="Keo Sophal")
    records["kansoam"].assigned_to = sokha
    records["kansoam"].save()
    export = export_for(client, sokha)
    text = b"".join(download(client, export).streaming_content).decode()
    for secret in ("Chan Sreymom", "012345678", "Srey Pov", "Keo Sophal", "buffalo", "Sokha Chan", "sokha"):
        assert secret not in text


def test_the_csv_is_utf8_with_a_byte_order_mark_and_the_registers_columns(client, sokha, places, records):
    closed = incident(places["14030501"], status=Status.CLOSED)
    late = overdue(places["14030501"], days_late=4)
    export = export_for(client, sokha, "?status=closed")
    response = download(client, export)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="incidents-')
    assert "no-store" in response["Cache-Control"]
    rows = table(response)
    assert rows[0][:3] == ["Reference", "Channel", "Channel (code)"]
    assert [r[0] for r in rows[1:]] == [closed.reference]
    rows = table(download(client, export_for(client, sokha, "?overdue=1")))
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["Reference"] == late.reference
    assert line["Status (code)"] == "received"
    assert line["Missed deadlines"] == "acknowledgement"
    assert line["Days late"] == "4"
    assert line["Village (code)"] == "14030501"
    assert line["Village (Khmer)"] == places["14030501"].name_km
    # Times are local (Phnom Penh) with their offset.
    assert line["Reported"].endswith("+07:00")


def test_the_workbook_has_the_same_lines_with_numbers_and_no_formula(client, sokha, places):
    category("=cmd", name_en="=HYPERLINK(1)")
    record = incident(places["14030501"], kind=category("=cmd"), arrests=2)
    export = export_for(client, sokha, file_format="xlsx")
    response = download(client, export)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    header, line = workbook_rows(response)
    values = dict(zip(header, line, strict=True))
    assert values["Reference"] == record.reference
    assert values["Category"] == "=HYPERLINK(1)"  # text, never a formula
    assert values["People arrested"] == 2
    assert export.rows_written == export.total == 1


def test_a_workbook_over_a_sheets_rows_is_cut_and_says_so(client, sokha, places, monkeypatch):
    monkeypatch.setattr(run, "XLSX_MAX_RECORDS", 2)
    for _ in range(3):
        incident(places["14030501"])
    export = export_for(client, sokha, file_format="xlsx")
    rows = workbook_rows(download(client, export))
    assert len(rows) == 1 + 2 + 1
    assert rows[-1][0] == "Cut: only the first 2 of 3 records are in this file; narrow the filters."
    assert (export.rows_written, export.total) == (2, 2)


def test_asking_and_downloading_are_audited(client, sokha, records):
    export = export_for(client, sokha, "?status=open&period=2026&ignored=1")
    asked = AuditEvent.objects.get(action="incident.export")
    assert asked.actor_id == sokha.pk
    assert asked.new == {"filters": {"status": "open", "period": "2026"}, "format": "csv", "export": export.pk}
    assert asked.place_code == "140305"  # seen by the auditors of the commune
    assert not AuditEvent.objects.filter(action="incident.export.download").exists()
    download(client, export)
    downloaded = AuditEvent.objects.get(action="incident.export.download")
    assert (downloaded.actor_id, downloaded.new) == (sokha.pk, {"export": export.pk, "format": "csv", "rows": 1})
    assert verify_chain().intact


def test_a_bad_filter_is_said_at_once_and_nothing_is_queued_or_recorded(client, sokha, records):
    response = ask(client, sokha, "?period=March")
    assert response.status_code == 400
    assert "A period is a month (202601), a quarter (2026Q1)" in response.content.decode()
    assert not RecordExport.objects.exists()
    assert not AuditEvent.objects.filter(action="incident.export").exists()


def test_with_htmx_the_filters_are_those_of_the_pages_current_address(client, sokha, places):
    closed = incident(places["14030501"], status=Status.CLOSED)
    incident(places["14030501"])
    response = ask(
        client, sokha, "?status=open", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://x/incidents/?status=closed"
    )
    export = RecordExport.objects.get()
    assert response["HX-Redirect"] == f"/exports/{export.pk}/"
    assert references(client, sokha, "?status=closed") == [closed.reference]
    assert export.query == "status=closed"


def test_only_the_one_who_asked_sees_or_downloads_it(client, sokha, dara, vannak, national, nobody, records):
    export = export_for(client, sokha)
    for other in (dara, vannak, national, nobody):
        client.force_login(other)
        assert client.get(f"/exports/{export.pk}/").status_code == 404
        assert download(client, export).status_code == 404
        assert f"/exports/{export.pk}/" not in client.get("/exports/").content.decode()
    assert AuditEvent.objects.filter(action="incident.export.download").count() == 0
    client.force_login(sokha)
    assert download(client, export).status_code == 200


def test_user_without_assignment_cannot_ask(client, nobody, records):
    assert ask(client, nobody).status_code == 404
    assert client.get("/exports/").status_code == 404


def test_the_progress_page_shows_rows_written_then_the_download(client, sokha, records):
    ask(client, sokha)
    export = RecordExport.objects.get()
    page = client.get(f"/exports/{export.pk}/").content.decode()
    assert "Waiting for the worker" in page and "<progress" in page and 'hx-trigger="every 2s"' in page
    RecordExport.objects.filter(pk=export.pk).update(state=State.RUNNING, total=1200, rows_written=300)
    partial = client.get(f"/exports/{export.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert '<progress id="export-bar" max="1200" value="300">' in partial
    assert "300 of 1,200 rows written" in partial
    assert "<html" not in partial
    run.run(export.pk)
    partial = client.get(f"/exports/{export.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial  # finished: the page stops asking
    assert f'href="/exports/{export.pk}/download"' in partial and "1 row" in partial
    assert "Ready" in client.get("/exports/").content.decode()


def test_expired_exports_are_removed_by_the_scheduled_cleanup(client, sokha, records, settings):
    export = export_for(client, sokha)
    path = run.path_of(export)
    assert path.exists()
    assert export.expires_at == export.finished_at + datetime.timedelta(days=settings.EXPORTS_KEEP_DAYS)
    assert expiry.remove_expired(export.expires_at - datetime.timedelta(minutes=1)).removed == 0
    assert path.exists()
    assert tasks.remove_expired_exports().startswith("Removed 0 expired export(s)")
    RecordExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    assert tasks.remove_expired_exports().startswith("Removed 1 expired export(s)")
    assert not path.exists()
    export.refresh_from_db()
    assert (export.state, export.file_name) == (State.EXPIRED, "")
    assert download(client, export).status_code == 404
    assert "This file was removed" in client.get(f"/exports/{export.pk}/").content.decode()


def test_an_export_the_worker_never_finished_is_said_failed(client, sokha, records, settings):
    ask(client, sokha)
    export = RecordExport.objects.get()
    every_attempt = datetime.timedelta(seconds=settings.Q_CLUSTER["retry"] * settings.JOBS_MAX_ATTEMPTS)
    assert expiry.remove_expired(export.updated_at + every_attempt - datetime.timedelta(seconds=1)).abandoned == 0
    assert expiry.remove_expired(export.updated_at + every_attempt + datetime.timedelta(seconds=1)).abandoned == 1
    export.refresh_from_db()
    assert export.state == State.FAILED


def test_a_failed_export_says_so_and_shows_on_the_job_runs_page(client, sokha, national, places):
    theft = category("theft")
    incident(places["14030501"], kind=theft)
    ask(client, sokha, "?category=theft")
    export = RecordExport.objects.get()
    Incident.objects.all().delete()
    theft.delete()  # the filter can no longer be applied
    with pytest.raises(ValueError, match="Unknown category"):
        tasks.export_records(export.pk)
    export.refresh_from_db()
    assert export.state == State.FAILED and "Unknown category" in export.error
    assert not list(run.path_of(export).parent.glob("*"))  # no partial file left
    assert "The file could not be written" in client.get(f"/exports/{export.pk}/").content.decode()
    # The worker stores the failed run; the national secretariat reads it among the others.
    now = timezone.now()
    Task.objects.create(
        id="e" * 32,
        name="export-run",
        func="safevillage.jobs.tasks.export_records",
        started=now,
        stopped=now,
        success=False,
        result="ValueError: Unknown category.",
        attempt_count=3,
    )
    client.force_login(national)
    page = client.get("/jobs/").content.decode()
    assert "Export of the register" in page and "<strong>Failed</strong>" in page


def test_a_second_delivery_of_a_finished_export_changes_nothing(client, sokha, records):
    export = export_for(client, sokha)
    finished = export.finished_at
    assert tasks.export_records(export.pk) == f"Export {export.pk} (csv): 1 row(s)."
    export.refresh_from_db()
    assert (export.state, export.finished_at) == (State.DONE, finished)


def test_the_register_page_offers_the_export_with_its_filters(client, sokha, records):
    client.force_login(sokha)
    page = client.get("/incidents/?status=open&category=").content.decode()
    assert 'action="/exports/?status=open' in page and 'name="format"' in page


def test_a_name_that_a_spreadsheet_would_run_as_a_formula_is_defused_in_the_csv(client, sokha, places):
    category("=cmd", name_en="=HYPERLINK(1)")
    incident(places["14030501"], kind=category("=cmd"))
    header, line = table(download(client, export_for(client, sokha)))
    values = dict(zip(header, line, strict=True))
    assert values["Category"] == "'=HYPERLINK(1)"
    assert values["Category (code)"] == "=cmd"  # codes are the product's: letters and digits


def test_asking_reads_no_records_so_it_answers_at_once_at_any_size(client, national, records):
    client.force_login(national)
    with CaptureQueriesContext(connection) as queries:
        response = ask(client, national, "?place=14&status=open")
    assert response.status_code == 302
    on_records = [q["sql"] for q in queries if '"incidents_incident"' in q["sql"]]
    # Only the register's last id, from the primary key: no count, no scan of the records.
    assert len(on_records) == 1 and "MAX(" in on_records[0] and "WHERE" not in on_records[0]
