"""The register and the report summaries move together: every action keeps the summaries
equal to the records, and approval locks the figures of a place and period."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safevillage.core.periods import Period
from safevillage.incidents import actions
from safevillage.incidents.models import Incident, Status
from safevillage.reports import approval
from safevillage.reports.rebuild import differences
from tests.factories import closed, make_complaint, make_incident

pytestmark = pytest.mark.django_db


def last_month_at_noon() -> datetime.datetime:
    first_of_this_month = timezone.localtime().replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    return first_of_this_month - datetime.timedelta(days=10)


def test_summaries_equal_records_after_a_mixed_workload_of_actions(policy, sokha, dara, vannak):
    a = make_incident(sokha)
    b = make_incident(sokha, category="assault")
    c = make_incident(dara, village="14030601", category="civil_dispute")
    d = make_incident(sokha)
    complaint, receipt = make_complaint()

    closed(a, sokha)
    actions.start_investigation(b, by=sokha, version=b.version)
    c = actions.close(c, by=dara, version=c.version, outcome="mediated", note="Agreement signed.")
    actions.withdraw(d, by=sokha, version=d.version, reason="Entered twice.")
    a = Incident.objects.get(pk=a.pk)
    actions.reopen(a, by=vannak, version=a.version, reason="The suspect was released.")
    complaint = closed(complaint, sokha, outcome="unfounded", note="No trace of the event.")
    actions.complainant_feedback(receipt, resolved=False, comment="Nobody came.")

    assert list(differences()) == []


def test_an_approved_period_locks_the_figures_until_the_level_above_unapproves(
    places, policy, sokha, dara, vannak, chenda
):
    record = make_incident(sokha, occurred_at=last_month_at_noon())
    period = Period.containing(timezone.localtime(record.occurred_at).date())
    approval.submit(places["140305"], period, by=sokha)
    approval.submit(places["140306"], period, by=dara)
    approval.approve(places["1403"], period, by=vannak)

    # Acknowledging changes no figure: allowed. Closing would change the solved count: refused.
    record = actions.acknowledge(record, by=sokha, version=record.version)
    with pytest.raises(actions.NotPermitted, match="approved"):
        actions.close(record, by=sokha, version=record.version, outcome="solved", clearance="arrest", arrests=1)
    record.refresh_from_db()
    assert record.status == Status.ACKNOWLEDGED

    # The province sends the district's approval back; the record can then be closed.
    approval.unapprove(places["1403"], period, by=chenda, reason="A late arrest must be counted.")
    record = actions.close(record, by=sokha, version=record.version, outcome="solved", clearance="arrest", arrests=1)
    assert record.status == Status.CLOSED
    assert list(differences()) == []


def test_a_complainant_confirms_a_complaint_of_an_approved_period_and_it_is_counted(
    places, policy, sokha, dara, vannak
):
    from safevillage.reports.models import Basis, CaseSummary

    complaint, receipt = make_complaint(category="public_service", occurred_at=last_month_at_noon())
    closed(complaint, sokha, outcome="resolved")
    period = Period.containing(timezone.localtime(complaint.occurred_at).date())
    approval.submit(places["140305"], period, by=sokha)
    approval.submit(places["140306"], period, by=dara)
    approval.approve(places["1403"], period, by=vannak)

    # The answer is no figure of the approved report: the citizen is never refused for it.
    actions.complainant_feedback(receipt, resolved=True)
    counted = CaseSummary.objects.filter(basis=Basis.OCCURRED, grain="month", place_code="140305")
    assert [(row.answered, row.satisfied) for row in counted] == [(1, 1)]
    assert list(differences()) == []
