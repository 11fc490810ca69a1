"""make run fills an empty demo register once, and never a real one."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safevillage.incidents.models import Incident

# The generator commits chunk by chunk, outside any transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_records_fill_an_empty_register_once(places, policy, settings):
    settings.DEBUG = True
    call_command("load_demo_records", incidents=300)
    count = Incident.objects.count()
    assert count == 300
    call_command("load_demo_records", incidents=300)
    assert Incident.objects.count() == count


def test_demo_records_refuse_without_debug(places, policy, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo_records", incidents=10)
    assert not Incident.objects.exists()
