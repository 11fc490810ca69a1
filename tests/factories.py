"""Records made the way the application makes them: through intake's checks and the actions
(reference, deadlines and audit event included). For tests of the workflow, the pages and the
API; tests that need records in a given state at a given time may build them directly."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.utils import timezone

from safevillage.accounts.models import User
from safevillage.incidents import actions
from safevillage.incidents.intake import IntakeData, ItemData, PersonData
from safevillage.incidents.models import Channel, Incident
from safevillage.places.models import Place
from safevillage.policy.models import Category, ContextTag


def intake_data(
    village: str = "14030501",
    category: str = "theft",
    *,
    occurred_at: datetime.datetime | None = None,
    description: str = "A motorbike was taken from the market at night.",
    channel: str = Channel.IN_PERSON,
    tags: Sequence[str] = (),
    people: Sequence[PersonData] = (),
    items: Sequence[ItemData] = (),
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    **extra: Any,
) -> IntakeData:
    return IntakeData(
        category=Category.objects.get(code=category),
        village=Place.objects.get(code=village),
        occurred_at=occurred_at or timezone.now() - datetime.timedelta(hours=3),
        description=description,
        channel=channel,
        tags=list(ContextTag.objects.filter(code__in=tags)),
        people=list(people),
        items=list(items),
        latitude=latitude,
        longitude=longitude,
        **extra,
    )


def make_incident(by: User | None, village: str = "14030501", category: str = "theft", **fields: Any) -> Incident:
    """A record entered by ``by`` (who must hold incidents.record at the village)."""
    data = intake_data(village, category, **fields)
    if by is None:
        data.channel = Channel.PUBLIC_WEB
        return actions.file_complaint(data)[0]
    return actions.create_incident(data, by=by)


def make_complaint(village: str = "14030501", category: str = "theft", **fields: Any) -> tuple[Incident, str]:
    """A public complaint and its receipt code."""
    data = intake_data(village, category, channel=Channel.PUBLIC_WEB, **fields)
    return actions.file_complaint(data)


def closed(incident: Incident, by: User, **close: Any) -> Incident:
    """Take a fresh record to closed: acknowledged, then solved by arrest unless told otherwise."""
    incident = actions.acknowledge(incident, by=by, version=incident.version)
    # A crime is solved; a complaint, disaster or epidemic resolved (incidents.closing).
    close.setdefault("outcome", "solved" if incident.category.is_crime else "resolved")
    if incident.category.closure_kind == "emergency":
        close.setdefault("response_at", incident.occurred_at + datetime.timedelta(hours=1))
    if close["outcome"] == "solved":
        close.setdefault("clearance", "arrest")
        close.setdefault("arrests", 1)
    return actions.close(incident, by=by, version=incident.version, **close)


@contextmanager
def nothing_written() -> Iterator[None]:
    """The block writes no record, person, item, note or audit event."""
    from safevillage.audit.models import AuditEvent
    from safevillage.incidents.models import InvolvedPerson, Note, SeizedItem

    def counts() -> tuple[int, ...]:
        return tuple(m.objects.count() for m in (Incident, InvolvedPerson, SeizedItem, Note, AuditEvent))

    before = counts()
    yield
    assert counts() == before
