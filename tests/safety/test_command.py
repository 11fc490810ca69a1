"""The national classification as a command and as a scheduled job."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from safevillage.jobs import tasks
from safevillage.safety.models import SafetyDecision
from tests.reports.conftest import local

pytestmark = pytest.mark.django_db


def test_the_command_classifies_every_commune_and_village_and_says_what_it_found(make_record, submit):
    make_record("14030601", "robbery", local(2025, 2))
    submit("140305")
    submit("140306")
    out = io.StringIO()
    call_command("classify", "--period", "2025Q1", "--framework", "2010", "--villages", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("4 communes of KH for 2025Q1 under 2010 in ")
    assert lines[0].endswith(": 1 safe, 1 not safe, 2 insufficient; 4 new decisions, 0 unchanged.")
    assert lines[1].startswith("5 villages of KH")
    assert SafetyDecision.objects.current().count() == 9
    again = io.StringIO()
    call_command("classify", "--period", "2025Q1", "--framework", "2010", "--place", "14", stdout=again)
    assert again.getvalue().strip().endswith("0 new decisions, 3 unchanged.")


def test_the_command_refuses_a_bad_period_or_framework(places, policy):
    with pytest.raises(CommandError, match="Q1 to Q4"):
        call_command("classify", "--period", "2025Q7", stdout=io.StringIO())
    with pytest.raises(CommandError, match="2010, 2021"):
        call_command("classify", "--period", "2025Q1", "--framework", "1999", stdout=io.StringIO())


def test_the_job_classifies_the_last_ended_quarter_under_each_framework(places, policy):
    result = tasks.classify_safety()
    assert result.count("4 communes of KH") == 2 and " under 2010 " in result and " under 2021 " in result


def test_the_job_says_so_when_no_threshold_set_applies(places, policy):
    from safevillage.safety.models import ThresholdSet

    ThresholdSet.objects.all().delete()
    assert tasks.classify_safety().startswith("No threshold set applies to ")
