"""Public forums on the policy (guideline III.B.4): every village and commune holds one at
least every three months. A forum records who came, what was discussed and what residents
raised; each issue raised becomes an action with an owner, or is linked to a record of the
register, and its progress is reviewed at the place's next forum."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safevillage.places.models import Place
from safevillage.policy.models import Criterion


class ForumQuerySet(models.QuerySet["Forum"]):
    def visible_to(self, user: object, permission: str = "forums.view") -> ForumQuerySet:
        from safevillage.accounts.scoping import prefix_filter

        return self.filter(prefix_filter(user, permission, "place__code"))  # type: ignore[arg-type]


class Forum(models.Model):
    place = models.ForeignKey(Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="forums")
    held_on = models.DateField(_("held on"))
    organiser = models.CharField(
        _("organised by"), max_length=200, help_text=_("Who convened it, with their function.")
    )
    women = models.PositiveIntegerField(_("women attending"))
    men = models.PositiveIntegerField(_("men attending"))
    # Cambodia's youth policy counts people aged 15 to 30 as youth; they are among the women
    # and men counted above, not in addition to them.
    youth = models.PositiveIntegerField(_("of whom youth (15 to 30)"))
    topics = models.ManyToManyField(Criterion, verbose_name=_("policy points discussed"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ForumQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("public forum")
        verbose_name_plural = _("public forums")
        # The last forum of a place, and the forums of a quarter under a place.
        indexes = [models.Index(fields=["place", "held_on"], name="forum_by_place_and_date")]
        constraints = [
            models.CheckConstraint(
                name="forum_youth_among_attendance", condition=models.Q(youth__lte=models.F("women") + models.F("men"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place.code} {self.held_on.isoformat()}"

    @property
    def attendance(self) -> int:
        return self.women + self.men


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ForumIssue(models.Model):
    forum = models.ForeignKey(Forum, verbose_name=_("forum"), on_delete=models.PROTECT, related_name="issues")
    raised = models.TextField(_("what residents raised"))
    action = models.TextField(_("action agreed"), blank=True)
    owner = models.CharField(_("owner of the action"), max_length=200, blank=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("record of the register"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forum_issues",
    )
    status = models.CharField(_("status"), max_length=16, choices=IssueStatus.choices, default=IssueStatus.OPEN)

    class Meta:
        ordering = ["id"]
        verbose_name = _("issue raised at a forum")
        verbose_name_plural = _("issues raised at forums")
        constraints = [
            # An issue is acted on: by someone named, or through the register.
            models.CheckConstraint(
                name="forum_issue_has_owner_or_record",
                condition=~models.Q(owner="") | models.Q(incident__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.raised[:60]


class IssueReview(models.Model):
    """An issue's progress as a later forum at the same place reviewed it."""

    issue = models.ForeignKey(ForumIssue, verbose_name=_("issue"), on_delete=models.PROTECT, related_name="reviews")
    forum = models.ForeignKey(Forum, verbose_name=_("forum"), on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(_("status"), max_length=16, choices=IssueStatus.choices)
    progress = models.TextField(_("progress reported"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["issue", "forum"], name="one_review_of_an_issue_per_forum")]

    def __str__(self) -> str:
        return f"{self.issue_id} @ {self.forum_id}: {self.status}"
