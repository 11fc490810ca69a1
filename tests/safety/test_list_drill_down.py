"""Every figure of the classification list links to what it counts: a count of communes to
the communes so classified, a criterion's verdict to the commune's evidence."""

from __future__ import annotations

from safevillage.safety.models import SafetyDecision
from tests.reports.conftest import local


def test_a_count_of_communes_lists_the_communes_it_counts(client, vannak, make_record, submit):
    make_record("14030601", "robbery", local(2025, 2))
    submit("140305")
    client.force_login(vannak)
    html = client.get("/safety/1403/2025Q1/?framework=2010").content.decode()
    assert "?framework=2010&amp;overall=safe#communes" in html
    assert "?framework=2010&amp;overall=not_safe#communes" in html
    decisions = {d.place_code: d.overall for d in SafetyDecision.objects.current().filter(period_id="2025Q1")}
    wanted = decisions["140305"]
    shown = client.get(f"/safety/1403/2025Q1/?framework=2010&overall={wanted}").content.decode()
    assert "/safety/140305/2025Q1/?framework=2010" in shown
    if decisions["140306"] != wanted:
        assert "/safety/140306/2025Q1/?framework=2010" not in shown


def test_a_verdict_opens_the_communes_evidence(client, vannak, make_record, submit):
    submit("140305")
    client.force_login(vannak)
    html = client.get("/safety/1403/2025Q1/?framework=2010").content.decode()
    row = html[html.index('<th scope="row"><a href="/safety/140305/') :]
    row = row[: row.index("</tr>")]
    assert row.count('href="/safety/140305/2025Q1/?framework=2010"') > 2  # the name and each verdict
