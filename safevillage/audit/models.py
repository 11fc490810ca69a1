"""The tamper-evident audit log.

Every change to a record appends an ``AuditEvent`` in the same transaction as the change.
Each event carries ``seq`` (1, 2, 3, … with no gaps) and ``hash`` = SHA-256 of the previous
event's hash and this event's canonical JSON, so that deleting, editing, reordering or
inserting an event breaks the chain. ``ChainHead`` is a single row holding the last
sequence number and hash: it is the one serialisation point (writers lock it, so two
concurrent writers can never both extend the same predecessor) and the witness that
detects a truncated tail, which the chain alone cannot show.

Append-only, in three layers:
- here: ``save()`` refuses to update a stored event, ``delete()`` and the queryset's
  ``update()``/``delete()``/``bulk_create()`` refuse outright, the admin is read-only;
- on PostgreSQL, triggers (migration 0004) refuse UPDATE and DELETE of events and let the
  head only advance one event at a time. They stop mistakes and any role that does not own
  the tables; the owner or a superuser can disable them, so they are not the guarantee;
- the guarantee is the hash chain itself, checked by ``verify_chain``: whoever rewrites
  rows without also rewriting every later hash *and* the head is detected, and a rewrite of
  the head too is caught against a head snapshot kept outside the chain (report approvals).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safevillage.accounts.scoping import prefix_filter

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove a stored audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user: AnyUser) -> AuditEventQuerySet:
        """Events whose target lies in the user's audit jurisdiction. Events with no place
        (accounts, policy) are seen only by auditors of the whole country."""
        return self.filter(prefix_filter(user, "audit.verify", "place_code"))

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only: update() is refused")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only: delete() is refused")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditEvent]:
        # Only record_event may append: it alone knows the previous hash under the lock.
        raise AppendOnlyError("audit events are appended one at a time by record_event")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only: bulk_update() is refused")


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(_("time (UTC)"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Snapshots so that the log still reads if a name changes later.
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=200, blank=True)
    # The place the target belongs to (NCDD code), so that an auditor of a province reads
    # only the events of that province. Empty for events bound to no place.
    place_code = models.CharField(_("place code"), max_length=8, null=True, blank=True, db_index=True)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"audit event #{self.seq} is stored and cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"audit event #{self.seq} cannot be deleted")


class ChainHead(models.Model):
    """The single row (pk=1) naming the last event of the chain."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="chain_head_single_row")]

    def __str__(self) -> str:
        return f"head #{self.last_seq} {self.last_hash[:12]}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("the audit chain head cannot be deleted")


class Verification(models.Model):
    """The verdict of one scheduled check of the whole chain (``verify.verify_and_record``),
    kept so that auditors see when the chain was last proven and how it stood, without
    waiting for a check of millions of events on their page."""

    verified_at = models.DateTimeField(_("verified at"), db_index=True)
    intact = models.BooleanField(_("intact"))
    events = models.PositiveBigIntegerField(_("events checked"))
    broken_at = models.PositiveBigIntegerField(_("first broken event"), null=True, blank=True)
    problem = models.TextField(_("problem"), blank=True)
    head_seq = models.PositiveBigIntegerField(_("head event"), null=True, blank=True)
    head_hash = models.CharField(_("head hash"), max_length=64, blank=True)

    class Meta:
        ordering = ["-verified_at", "-id"]
        verbose_name = _("audit chain verification")
        verbose_name_plural = _("audit chain verifications")

    def __str__(self) -> str:
        return f"{self.verified_at:%Y-%m-%d %H:%M} {'intact' if self.intact else 'broken'}"
