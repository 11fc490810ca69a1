"""The migration that added the answers and closures in time to the case summaries counts the
records already there: after it, the summaries equal the register again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safevillage.incidents import actions
from safevillage.reports.models import CaseSummary
from safevillage.reports.rebuild import differences
from tests.factories import closed, make_complaint

BEFORE = [("reports", "0008_merge_open_deadlines")]
AFTER = [("reports", "0009_answers_and_closures_in_time")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_answers_and_closures_already_made(policy, places, sokha):
    for answer in (True, False, True):
        complaint, receipt = make_complaint(category="public_service")
        closed(complaint, sokha, outcome="resolved")
        actions.complainant_feedback(receipt, resolved=answer)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(differences()) == []
    assert sum(row.answered for row in CaseSummary.objects.filter(basis="occurred", grain="month")) == 3
    # "Not resolved" reopened one of the three.
    assert sum(row.closed_in_time for row in CaseSummary.objects.filter(basis="closed", grain="quarter")) == 2
