"""Out-of-court dispute resolution at the commune (2021 amendment): a dispute between
residents (land, family, debt, neighbours) mediated by the commune, its sessions and its
outcome. The parties' names are for the commune's mediators alone; everyone else, the
district and province included, reads the dispute without them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safevillage.places.models import Place
from safevillage.policy.models import Category


class Kind(models.TextChoices):
    LAND = "land", _("Land")
    FAMILY = "family", _("Family")
    DEBT = "debt", _("Debt")
    NEIGHBOURS = "neighbours", _("Neighbours")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement reached")
    NO_AGREEMENT = "no_agreement", _("No agreement")
    SENT_TO_COURT = "sent_to_court", _("Sent to court")


class DisputeQuerySet(models.QuerySet["Dispute"]):
    def visible_to(self, user: object, permission: str = "disputes.view") -> DisputeQuerySet:
        from safevillage.accounts.scoping import prefix_filter

        return self.filter(prefix_filter(user, permission, "commune__code"))  # type: ignore[arg-type]


class Dispute(models.Model):
    commune = models.ForeignKey(Place, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="disputes")
    kind = models.CharField(_("kind of dispute"), max_length=16, choices=Kind.choices)
    # When the dispute is also a matter of the policy's categories (a complaint in the
    # register): only a category that may be mediated can be.
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("record of the register"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    summary = models.TextField(_("what the dispute is about"), help_text=_("Without the parties' names."))
    mediators = models.CharField(_("mediators"), max_length=300)
    opened_on = models.DateField(_("opened on"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        indexes = [models.Index(fields=["commune", "closed_on"], name="dispute_by_commune_and_close")]
        constraints = [
            models.CheckConstraint(
                name="dispute_closed_with_an_outcome",
                condition=models.Q(outcome="", closed_on__isnull=True)
                | (~models.Q(outcome="") & models.Q(closed_on__gte=models.F("opened_on"))),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune.code} {self.get_kind_display()} {self.opened_on.isoformat()}"

    @property
    def days(self) -> int | None:
        """How long it took, from opening to closing (None while open)."""
        return (self.closed_on - self.opened_on).days if self.closed_on else None


class Side(models.TextChoices):
    CLAIMANT = "claimant", _("Claimant")
    RESPONDENT = "respondent", _("Respondent")


class Party(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="parties")
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.side}"


class Session(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("held on"))
    note = models.TextField(_("what was agreed or said"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.held_on.isoformat()}"
