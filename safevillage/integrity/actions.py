"""Reviewing a flag: the one state change, in the shape of the register's actions (lock the
row, check permission, version and input, change, write the audit event, one transaction).

The policy's point: under-reporting must not pay, so a flag stays open (and the place
ineligible for an award) until a supervisor has said, with a reason, whether the figures are
right (*explained*) or the manipulation is real (*confirmed*). Reviewers are the district,
provincial and national supervisors of the place (``integrity.review``); auditors read only.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.accounts.scoping import can
from safevillage.audit.log import record_event
from safevillage.integrity.models import Flag, FlagStatus

REVIEW = "integrity.review"
MAX_REASON = 4000


class ReviewError(Exception):
    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotPermitted(ReviewError):
    status_code = 403


class Conflict(ReviewError):
    status_code = 409


@transaction.atomic
def review(flag: Flag | int, *, by: Any, status: str, reason: str, version: int) -> Flag:
    """Set a flag's review: explained or confirmed (or back to open), always with a reason."""
    locked = Flag.objects.select_for_update().get(pk=flag if isinstance(flag, int) else flag.pk)
    if not can(by, REVIEW, locked.place_code):
        raise NotPermitted(_("You may not review this flag."))
    if locked.version != version:
        raise Conflict(_("Someone else reviewed this flag while you were reading it. Read it again."))
    if status not in FlagStatus.values:
        raise ReviewError(_("Choose explained, confirmed or open."), "status")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Give the reason for your decision."), "reason")
    if len(reason) > MAX_REASON:
        raise ReviewError(_("The reason is too long."), "reason")
    if status == locked.status:
        raise ReviewError(_("The flag is already in this state."), "status")
    old = {"status": locked.status, "version": locked.version}
    locked.status = status
    locked.review_reason = reason
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = by
    locked.version += 1
    locked.save(update_fields=["status", "review_reason", "reviewed_at", "reviewed_by", "version"])
    record_event(
        "integrity.flag.review",
        actor=by,
        target=locked,
        old=old,
        new={"status": status, "version": locked.version},
        reason=reason,
        place_code=locked.place_code or None,
    )
    return locked
