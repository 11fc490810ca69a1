"""The CSV export: exactly what the user may see, no names, Excel-ready, audited."""

from __future__ import annotations

import csv
import io

import pytest

from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.incidents import exports
from safevillage.incidents.models import InvolvedPerson, PersonRole, Status
from tests.incidents.factories_register import incident, overdue

pytestmark = pytest.mark.django_db


def export(client, user, query: str = ""):
    client.force_login(user)
    return client.get("/incidents/export.csv" + query)


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def table(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response).removeprefix(exports.BOM))))


def exported_references(response) -> list[str]:
    return [line[0] for line in table(response)[1:]]


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


def test_the_file_is_utf8_with_a_byte_order_mark_for_excel(client, sokha, records):
    response = export(client, sokha)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="incidents-')
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    # Khmer village names come through intact.
    assert "កន្សោមអក" in raw.decode("utf-8")


def test_officer_exports_own_commune_only_and_neighbour_gets_none_of_it(client, sokha, dara, records):
    assert exported_references(export(client, sokha)) == [records["kansoam"].reference]
    assert exported_references(export(client, dara)) == [records["trabaek"].reference]
    assert exported_references(export(client, dara, "?place=140305")) == []


def test_district_officer_exports_both_communes(client, vannak, records):
    assert set(exported_references(export(client, vannak))) == {
        records["kansoam"].reference,
        records["trabaek"].reference,
    }


def test_no_name_phone_or_free_text_ever_reaches_the_file(client, sokha, records):
    InvolvedPerson.objects.create(incident=records["kansoam"], role=PersonRole.VICTIM, name="Srey Pov")
    InvolvedPerson.objects.create(incident=records["kansoam"], role=PersonRole.SUSPECT, name="Keo Sophal")
    records["kansoam"].assigned_to = sokha
    records["kansoam"].save()
    text = body(export(client, sokha))
    for secret in ("Chan Sreymom", "012345678", "Srey Pov", "Keo Sophal", "buffalo", "Sokha Chan", "sokha"):
        assert secret not in text


def test_the_file_has_the_lists_filters_and_columns(client, sokha, places):
    closed = incident(places["14030501"], status=Status.CLOSED)
    late = overdue(places["14030501"], days_late=4)
    rows = table(export(client, sokha, "?status=closed"))
    assert rows[0][:3] == ["Reference", "Channel", "Channel (code)"]
    assert [r[0] for r in rows[1:]] == [closed.reference]
    rows = table(export(client, sokha, "?overdue=1"))
    header = rows[0]
    line = dict(zip(header, rows[1], strict=True))
    assert line["Reference"] == late.reference
    assert line["Status (code)"] == "received"
    assert line["Missed deadlines"] == "acknowledgement"
    assert line["Days late"] == "4"
    assert line["Village (code)"] == "14030501"
    # Times are local (Phnom Penh) with their offset.
    assert line["Reported"].endswith("+07:00")


def test_the_export_is_audited_with_its_filters_and_row_count(client, sokha, records):
    response = export(client, sokha, "?status=open&period=2026&ignored=1")
    body(response)
    event = AuditEvent.objects.get(action="incident.export")
    assert event.actor_id == sokha.pk
    assert event.new["filters"] == {"status": "open", "period": "2026"}
    assert event.new["rows"] == 1
    assert event.new["truncated"] is False
    assert event.place_code == "140305"  # seen by the auditors of the commune
    assert verify_chain().intact


def test_a_bad_filter_exports_nothing_and_records_nothing(client, sokha, records):
    response = export(client, sokha, "?period=March")
    assert response.status_code == 400
    assert "A period is a month (202601), a quarter (2026Q1)" in response.content.decode()
    assert not AuditEvent.objects.filter(action="incident.export").exists()


def test_a_file_over_the_cap_is_cut_and_says_so(client, sokha, places, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_MAX_ROWS", 2)
    for _ in range(3):
        incident(places["14030501"])
    rows = table(export(client, sokha))
    assert len(rows) == 1 + 2 + 1
    assert rows[-1][0] == "Cut: only the first 2 of 3 records are in this file; narrow the filters."
    event = AuditEvent.objects.get(action="incident.export")
    assert (event.new["rows"], event.new["matched"], event.new["truncated"]) == (2, 3, True)


def test_user_without_assignment_cannot_export(client, nobody, records):
    assert export(client, nobody).status_code == 404


def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_defused():
    assert exports._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert exports._cell("14-1403-2026-000001") == "14-1403-2026-000001"
