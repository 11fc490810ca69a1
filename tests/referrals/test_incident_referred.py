"""A record of drug use or sex work closes as "referred" instead of an arrest, and says
nothing more: the service and what it did are kept in the referrals' database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from safevillage.accounts.models import User
from safevillage.incidents import actions
from safevillage.incidents.action_forms import close_form_class
from safevillage.incidents.actions import InvalidInput
from safevillage.incidents.closing import closure_words
from safevillage.incidents.models import Outcome

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("category", ["drug_use", "sexual_exploitation"])
def test_closes_as_referred_with_nothing_more(category: str, sokha: User, make_incident: Callable[..., Any]) -> None:
    record = make_incident(sokha, category=category)
    record = actions.acknowledge(record, by=sokha, version=record.version)
    with pytest.raises(InvalidInput):
        actions.close(record, by=sokha, version=record.version, outcome="referred", note="Methadone clinic")
    record = actions.close(record, by=sokha, version=record.version, outcome="referred")
    assert (record.outcome, record.referred_to, record.outcome_note, record.arrests) == ("referred", "", "", 0)
    assert closure_words(record) == "Referred"


def test_the_close_form_offers_the_team_instead_of_an_arrest(sokha: User, make_incident: Callable[..., Any]) -> None:
    record = make_incident(sokha, category="drug_use")
    form = close_form_class(record)(incident=record, user=sokha)
    labels = dict(form.fields["result"].widget.choices)
    assert labels[Outcome.REFERRED.value] == "Referred to the Rapid Response Team instead of an arrest"


def test_another_crime_still_names_its_service(sokha: User, make_incident: Callable[..., Any]) -> None:
    record = make_incident(sokha, category="theft")
    record = actions.acknowledge(record, by=sokha, version=record.version)
    with pytest.raises(InvalidInput):
        actions.close(record, by=sokha, version=record.version, outcome="referred")


def test_the_record_page_shows_only_referred(sokha: User, make_incident: Callable[..., Any]) -> None:
    record = make_incident(sokha, category="drug_use")
    record = actions.acknowledge(record, by=sokha, version=record.version)
    actions.close(record, by=sokha, version=record.version, outcome="referred")
    client = Client()
    client.force_login(sokha)
    page = client.get(f"/incidents/{record.reference}/").content.decode()
    assert "Referred" in page
