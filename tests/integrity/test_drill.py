"""The drill: every planted manipulation is found, the clean twin raises nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from safevillage.integrity.drill import run_drill
from safevillage.integrity.models import Flag
from safevillage.integrity.rules import CHECKS
from safevillage.places.models import Place

pytestmark = pytest.mark.django_db


def test_drill_finds_every_plant_and_nothing_in_the_twin(policy: None) -> None:
    result = run_drill(size=1)
    assert {rule: result.detection_rate(rule) for rule in CHECKS} == {rule: 1.0 for rule in CHECKS}
    assert result.twin_flags == []
    assert result.false_alarm_rate == 0.0


def test_drill_command_prints_rates_and_leaves_nothing_behind(policy: None) -> None:
    out = io.StringIO()
    call_command("integrity_drill", "--size", "1", stdout=out)
    text = out.getvalue()
    for rule in CHECKS:
        assert rule in text
    assert "false-alarm rate 0.00%" in text
    assert not Place.objects.filter(code__startswith="97").exists()
    assert not Flag.objects.exists()


def test_drill_refuses_a_size_out_of_range(policy: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("integrity_drill", "--size", "0", stdout=io.StringIO())
