"""Every write of the training module: permission at the place, one transaction, one audit row."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.http import Http404

from safevillage.accounts.scoping import can
from safevillage.audit.log import record_event
from safevillage.places.models import Place
from safevillage.training.models import Curriculum, Participant, QuestionResult, TrainingSession
from safevillage.training.scores import Line

MANAGE = "training.manage"


@transaction.atomic
def record_session(
    *,
    by: Any,
    curriculum: Curriculum,
    place: Place,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    trainer: str,
    max_score: int,
) -> TrainingSession:
    if not can(by, MANAGE, place.code):
        raise Http404
    session = TrainingSession.objects.create(
        curriculum=curriculum,
        place=place,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        trainer=trainer,
        max_score=max_score,
        recorded_by=by,
    )
    record_event(
        "training.session",
        actor=by,
        target=session,
        new={"curriculum": curriculum.code, "kind": kind, "starts_on": starts_on.isoformat()},
        place_code=place.code,
    )
    return session


@transaction.atomic
def replace_scores(*, by: Any, session: TrainingSession, lines: list[Line], file_name: str) -> int:
    """The session's participants become the file's: a corrected file is loaded again whole."""
    if not can(by, MANAGE, session.place.code):
        raise Http404
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    before = session.participants.count()
    session.participants.all().delete()
    for line in lines:
        participant = Participant.objects.create(
            session=session,
            name=line.name,
            officer_id=line.officer_id,
            pre_score=line.pre,
            post_score=line.post,
            retention_score=line.retention,
        )
        QuestionResult.objects.bulk_create(
            QuestionResult(participant=participant, question=question, phase=phase, correct=correct)
            for question, phase, correct in line.answers
        )
    record_event(
        "training.scores",
        actor=by,
        target=session,
        old={"participants": before},
        new={"participants": len(lines), "file": file_name[:100]},
        place_code=session.place.code,
    )
    return len(lines)
