"""Rapid Response Team referrals to HIV and harm-reduction services (PCPI, ``004_…``).

Everything here lives in the referrals database (``router.py``): teams and their members,
service providers with their services and the places they cover, the referrals, and the
referrals' own audit chain. People and places of the police database are named by plain
values (a user id, an NCDD code), never by a foreign key across the two databases.

A referral names no one: the client is a pseudonymous code (``codes.client_code``). The
provider's notes on the service stay with the provider; the referring team reads only
whether the referral was received and the service given (``feedback_words``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import In
from django.utils.translation import gettext_lazy as _

from safevillage.audit.models import GENESIS_HASH, AppendOnlyError


class MemberKind(models.TextChoices):
    POLICE = "police", _("Police")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    NGO = "ngo", _("NGO")
    HEALTH = "health", _("Health")


class Service(models.TextChoices):
    HIV_TESTING = "hiv_testing", _("HIV testing and counselling")
    HARM_REDUCTION = "harm_reduction", _("Harm reduction and needle-syringe programme")
    OPIOID_SUBSTITUTION = "opioid_substitution", _("Opioid substitution therapy")
    DRUG_TREATMENT = "drug_treatment", _("Voluntary community-based drug treatment")
    SEXUAL_HEALTH = "sexual_health", _("Sexual and reproductive health")
    GBV_SUPPORT = "gbv_support", _("Support after gender-based violence")
    TRAFFICKING_SHELTER = "trafficking_shelter", _("Shelter for trafficking victims")
    LEGAL_AID = "legal_aid", _("Legal aid")


class KeyPopulation(models.TextChoices):
    DRUG_USE = "drug_use", _("Person who uses drugs")
    DRUG_INJECTION = "drug_injection", _("Person who injects drugs")
    SEX_WORK = "sex_work", _("Sex worker")
    MSM = "msm", _("Man who has sex with men")
    TRANSGENDER = "transgender", _("Transgender person")
    TRAFFICKING = "trafficking", _("Victim of trafficking")
    GBV = "gbv", _("Survivor of gender-based violence")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SERVED = "served", _("Service provided")
    CLOSED = "closed", _("Closed")
    REVOKED = "revoked", _("Revoked")


class DeclineReason(models.TextChoices):
    """Reasons a team may read without learning anything of the client's health."""

    NOT_COVERED = "not_covered", _("Outside the area or services we cover")
    FULL = "full", _("No place at present")
    NOT_REACHED = "not_reached", _("The client did not come or could not be reached")
    CLIENT_REFUSED = "client_refused", _("The client no longer wants the service")


class Team(models.Model):
    """A Rapid Response Team of a district (4-digit code) or a commune (6 digits)."""

    name = models.CharField(_("name"), max_length=200)
    place_code = models.CharField(_("district or commune"), max_length=6, db_index=True)
    # A team set aside by the coordinator sends no more referrals; its members still follow
    # up those it sent.
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["place_code", "name"]
        verbose_name = _("Rapid Response Team")
        verbose_name_plural = _("Rapid Response Teams")
        constraints = [
            # By length, not a regular expression: SQLite's own tools (the backup's integrity
            # check) have no REGEXP function.
            models.CheckConstraint(condition=In(Length("place_code"), [4, 6]), name="team_at_district_or_commune")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """Police, local authority, NGO and health members. ``user_id`` (an account of the main
    database) is set for the members who use the application; a police member's police
    account never reads referrals (``access.py``), so police members have none here."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("member from"), max_length=16, choices=MemberKind.choices)
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["team", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user_id"], condition=models.Q(user_id__isnull=False), name="one_membership_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Provider(models.Model):
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def __str__(self) -> str:
        return self.name


class ProviderService(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="services")
    service = models.CharField(_("service"), max_length=32, choices=Service.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "service"], name="one_row_per_provider_service")]

    def __str__(self) -> str:
        return f"{self.provider_id}: {self.service}"


class ProviderArea(models.Model):
    """A place the provider covers, and everything under it (NCDD code prefix)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="areas")
    place_code = models.CharField(max_length=8)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "place_code"], name="one_row_per_provider_area")]

    def __str__(self) -> str:
        return f"{self.provider_id}: {self.place_code}"


class ProviderStaff(models.Model):
    """A provider's account: a user works for one provider only."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="staff")
    user_id = models.BigIntegerField(unique=True)

    def __str__(self) -> str:
        return f"{self.provider_id}: user {self.user_id}"


class Referral(models.Model):
    client_code = models.CharField(_("client code"), max_length=16, db_index=True)
    key_population = models.CharField(_("key population"), max_length=16, choices=KeyPopulation.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="referrals")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="referrals")
    service = models.CharField(_("service"), max_length=32, choices=Service.choices)
    # Where the team met the client: the team's place or a village under it (NCDD code).
    place_code = models.CharField(_("place"), max_length=8, db_index=True)
    consent = models.BooleanField(_("the client consented"))
    # No referral without consent, unless someone allowed to override says why.
    consent_override_reason = models.TextField(_("why without consent"), blank=True)
    # A record of the register closed as "referred" (its reference): the link is kept on this
    # side only, so that the register never learns which service was involved.
    incident_reference = models.CharField(_("register record"), max_length=32, blank=True)
    note = models.TextField(_("note for the provider"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SENT)
    decline_reason = models.CharField(_("reason"), max_length=16, choices=DeclineReason.choices, blank=True)
    # The provider's own record of the service: never shown to the team.
    service_note = models.TextField(_("service given"), blank=True)
    revoke_reason = models.TextField(_("why revoked"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    created_by = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    served_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent=True) | ~models.Q(consent_override_reason=""),
                name="referral_consent_or_override_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="referral_declined_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_code} → {self.get_service_display()}"


class FollowUp(models.Model):
    """The team's follow-up of a referral (did the client get there?), in its own words."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="follow_ups")
    done_on = models.DateField(_("date"))
    note = models.TextField(_("note"))
    by = models.BigIntegerField()

    class Meta:
        ordering = ["done_on", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.done_on}"


# --- The referrals' own audit chain (``chain.py``) ------------------------------------------
# The same fields and hash as the main audit log (``audit.log``), so that one verifier
# serves both; kept here so that the police database holds no trace of a referral.


class ChainEventQuerySet(models.QuerySet["ChainEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("referral audit events are append-only: update() is refused")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("referral audit events are append-only: delete() is refused")


class ChainEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=200, blank=True)
    place_code = models.CharField(max_length=8, null=True, blank=True)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = ChainEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"referral audit event #{self.seq} is stored and cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"referral audit event #{self.seq} cannot be deleted")


class ChainHead(models.Model):
    """The single row (pk=1) naming the last event of the referrals' chain."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="referrals_chain_head_single_row")]

    def __str__(self) -> str:
        return f"head #{self.last_seq} {self.last_hash[:12]}"


class ChainVerification(models.Model):
    """The verdict of one scheduled check of the referrals' chain (``verification.py``),
    kept here, not with the police database's verdicts (``audit.Verification``): the
    coordinator reads it, the police and the ministry never do."""

    verified_at = models.DateTimeField(_("verified at"), db_index=True)
    intact = models.BooleanField(_("intact"))
    events = models.PositiveBigIntegerField(_("events checked"))
    broken_at = models.PositiveBigIntegerField(_("first broken event"), null=True, blank=True)
    problem = models.TextField(_("problem"), blank=True)
    head_seq = models.PositiveBigIntegerField(_("head event"), null=True, blank=True)
    head_hash = models.CharField(_("head hash"), max_length=64, blank=True)

    class Meta:
        ordering = ["-verified_at", "-id"]

    def __str__(self) -> str:
        return f"{self.verified_at:%Y-%m-%d %H:%M} {'intact' if self.intact else 'broken'}"
