"""Every write of the forums module: permission checked at the place, one transaction, one
audit row. Views and the API call these and nothing else."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.http import Http404

from safevillage.accounts.scoping import can
from safevillage.audit.log import record_event
from safevillage.forums.models import Forum, ForumIssue, IssueReview
from safevillage.places.models import Level, Place
from safevillage.policy.models import Criterion

RECORD = "forums.record"
# Forums are held by villages and communes.
FORUM_LEVELS = (Level.COMMUNE, Level.VILLAGE)


def _may_record(user: Any, place: Place) -> None:
    # The same 404 as a place that does not exist: probing codes reveals nothing.
    if place.level not in FORUM_LEVELS or not can(user, RECORD, place.code):
        raise Http404


@transaction.atomic
def record_forum(
    *,
    by: Any,
    place: Place,
    held_on: datetime.date,
    organiser: str,
    women: int,
    men: int,
    youth: int,
    topics: list[Criterion],
    notes: str = "",
) -> Forum:
    _may_record(by, place)
    forum = Forum.objects.create(
        place=place,
        held_on=held_on,
        organiser=organiser,
        women=women,
        men=men,
        youth=youth,
        notes=notes,
        recorded_by=by,
    )
    forum.topics.set(topics)
    record_event(
        "forum.record",
        actor=by,
        target=forum,
        new={
            "held_on": held_on.isoformat(),
            "women": women,
            "men": men,
            "youth": youth,
            "topics": sorted(criterion.pk for criterion in topics),
        },
        place_code=place.code,
    )
    return forum


@transaction.atomic
def raise_issue(*, by: Any, forum: Forum, raised: str, action: str, owner: str, incident: Any = None) -> ForumIssue:
    _may_record(by, forum.place)
    issue = ForumIssue.objects.create(forum=forum, raised=raised, action=action, owner=owner, incident=incident)
    record_event(
        "forum.issue",
        actor=by,
        target=issue,
        new={"forum": forum.pk, "owner": owner, "incident": incident.reference if incident else None},
        place_code=forum.place.code,
    )
    return issue


@transaction.atomic
def review_issue(*, by: Any, issue: ForumIssue, at: Forum, status: str, progress: str) -> IssueReview:
    """The progress of ``issue`` as reported at a later forum ``at`` of the same place."""
    _may_record(by, at.place)
    issue = ForumIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.forum.place_id != at.place_id or issue.forum.held_on > at.held_on or issue.forum_id == at.pk:
        raise Http404
    review, _created = IssueReview.objects.update_or_create(
        issue=issue, forum=at, defaults={"status": status, "progress": progress, "recorded_by": by}
    )
    old = issue.status
    issue.status = status
    issue.save(update_fields=["status"])
    record_event(
        "forum.review",
        actor=by,
        target=issue,
        old={"status": old},
        new={"status": status, "forum": at.pk},
        place_code=at.place.code,
    )
    return review
