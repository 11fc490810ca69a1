"""Yearly awards (2010 guideline III.B.6 and IV.6): each level — district, province, nation —
chooses its best communes and its outstanding officers of the year.

A round (``AwardRound``) is one area, one year and one kind (communes or officers). Its
nominations are proposed from the competition ranking of the year (``ranking.compute``),
the top places by score, each with its rank interval and the evidence behind it; one that
may not be rewarded (open integrity flags, not classified safe, no report submitted) is
listed with the reason and cannot be awarded (``eligibility``).

A nomination is decided once, by the secretariat of the round's level, with a reason; the
decision is never edited: withdrawing an award is its own step (revocation) with its own
reason, and every step is an audit event. A round is seen by those who hold
``awards.view`` over its area (``area_code`` "" is the country: national readers only).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

VIEW = "awards.view"


class AwardKind(models.TextChoices):
    COMMUNE = "commune", _("Communes")
    OFFICER = "officer", _("Officers")


class AwardLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")


class Decision(models.TextChoices):
    PENDING = "pending", _("Not decided")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")
    REVOKED = "revoked", _("Revoked")


def _verification_code() -> str:
    # 10 characters of an unambiguous alphabet: printed on paper and typed back in by hand.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class AwardRoundQuerySet(models.QuerySet["AwardRound"]):
    def visible_to(self, user: AnyUser, permission: str = VIEW) -> AwardRoundQuerySet:
        from safevillage.accounts.scoping import prefixes, within

        allowed = prefixes(user, permission)
        if "" in allowed:
            return self
        # A national round (area_code "") lies under no province: national readers only.
        return self.filter(within(allowed, "area_code")).exclude(area_code="")


class AwardRound(models.Model):
    area = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The area's code ("" the whole country), denormalised for scoping by prefix.
    area_code = models.CharField(max_length=8, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=AwardLevel.choices)
    kind = models.CharField(_("award for"), max_length=16, choices=AwardKind.choices)
    year = models.PositiveIntegerField(_("year"))
    # The stored ranking the nominations were drawn from (kept when later rankings supersede it).
    ranking = models.ForeignKey("ranking.RankingResult", on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()

    objects = AwardRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "area_code", "kind"]
        verbose_name = _("award round")
        verbose_name_plural = _("award rounds")
        constraints = [models.UniqueConstraint(fields=["area_code", "year", "kind"], name="one_award_round")]

    def __str__(self) -> str:
        return f"{self.area_code or 'KH'} {self.year} {self.kind}"


class Nomination(models.Model):
    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="nominations")
    position = models.PositiveSmallIntegerField()  # 1 the best placed in the ranking
    # A commune's NCDD code, or an officer's user id (as in the ranking's rows).
    subject_code = models.CharField(max_length=16)
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # For scoping and the audit trail: the commune, or the officer's place within the round.
    place_code = models.CharField(max_length=8, blank=True)
    name_km = models.CharField(max_length=200, blank=True)
    name_latin = models.CharField(max_length=200, blank=True)
    rank = models.PositiveIntegerField()
    rank_low = models.PositiveIntegerField()
    rank_high = models.PositiveIntegerField()
    score = models.FloatField(null=True)
    # The ranking row, classification, flags and reports as they stood when proposed
    # (``eligibility.evidence``); what a decision was taken on is stored with the decision.
    evidence = models.JSONField()

    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    decision_evidence = models.JSONField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)
    verification_code = models.CharField(max_length=16, unique=True, default=_verification_code)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["round", "position"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.UniqueConstraint(fields=["round", "subject_code"], name="one_nomination_per_subject"),
            models.CheckConstraint(
                name="nomination_decided_has_reason",
                condition=models.Q(decision="pending")
                | (models.Q(decided_at__isnull=False, decided_by__isnull=False) & ~models.Q(decision_reason="")),
            ),
            models.CheckConstraint(
                name="nomination_revoked_has_reason",
                condition=~models.Q(decision="revoked")
                | (models.Q(revoked_at__isnull=False) & ~models.Q(revoke_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} #{self.position} {self.subject_code}"

    @property
    def display_name(self) -> str:
        if self.name_km and self.name_latin:
            return f"{self.name_km} · {self.name_latin}"
        return self.name_km or self.name_latin
