"""The Safe Village-Commune policy as data.

Two framework versions are in force in the records: the 2010 guideline's five criteria and
the 2021 amendment's seven points. Every incident category counts against one criterion of
each version it belongs to, so that a report can be drawn under either framework. Categories,
their deadlines and whether they may be mediated are data an administrator edits in the
admin; ``load_policy`` installs and updates the shipped defaults.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    name_km = models.CharField(_("Khmer name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Khmer unless English is chosen)."""
        return self.name_en if (get_language() or "km").startswith("en") else self.name_km


class FrameworkVersion(BilingualName):
    code = models.CharField(_("code"), max_length=16, unique=True)
    effective_from = models.DateField(_("effective from"))

    class Meta:
        ordering = ["effective_from"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")


class Criterion(BilingualName):
    """A criterion (2010) or point (2021) of a safe village-commune."""

    framework = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="criteria")
    number = models.PositiveSmallIntegerField(_("number"))

    class Meta:
        ordering = ["framework", "number"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="one_criterion_number_per_framework")
        ]


class ClosureKind(models.TextChoices):
    """What closing a record of the category asks: a crime is cleared (by arrest or by
    exceptional means, the NIBRS meaning), a complaint about a public service, hygiene or a
    civil matter is resolved or passed on, a disaster or epidemic records when the response
    arrived (2021 point 7: a timely response)."""

    CRIME = "crime", _("Crime")
    COMPLAINT = "complaint", _("Complaint")
    EMERGENCY = "emergency", _("Disaster or epidemic")


class Category(BilingualName):
    code = models.SlugField(_("code"), max_length=48, unique=True)
    criterion_2010 = models.ForeignKey(
        Criterion, null=True, blank=True, on_delete=models.PROTECT, related_name="categories_2010"
    )
    point_2021 = models.ForeignKey(
        Criterion, null=True, blank=True, on_delete=models.PROTECT, related_name="categories_2021"
    )
    is_crime = models.BooleanField(_("is a crime"), default=False)
    # Decides the close form and the outcomes a record may take (incidents.closing); a crime
    # and only a crime has the kind "crime" (constraint below), so the crime figures and the
    # clearances stay one thing.
    closure_kind = models.CharField(
        _("closed as"), max_length=16, choices=ClosureKind.choices, default=ClosureKind.COMPLAINT
    )
    iccs_code = models.CharField(_("ICCS code"), max_length=16, blank=True)
    # Out-of-court mediation is never allowed for serious crimes (trafficking, homicide, dealing).
    mediation_allowed = models.BooleanField(_("may be mediated"), default=False)
    # Sensitive categories (trafficking, sexual exploitation, domestic violence, drug use):
    # identities of the people involved are shown only to investigating roles.
    sensitive = models.BooleanField(_("sensitive"), default=False)
    acknowledge_days = models.PositiveSmallIntegerField(_("acknowledge within (days)"), default=1)
    first_action_days = models.PositiveSmallIntegerField(_("first action within (days)"), default=7)
    close_days = models.PositiveSmallIntegerField(_("close within (days)"), default=30)
    active = models.BooleanField(_("active"), default=True)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                name="category_deadlines_in_order",
                condition=models.Q(acknowledge_days__lte=models.F("first_action_days"))
                & models.Q(first_action_days__lte=models.F("close_days")),
            ),
            models.CheckConstraint(
                name="category_iccs_only_for_crimes", condition=models.Q(is_crime=True) | models.Q(iccs_code="")
            ),
            models.CheckConstraint(
                name="category_closed_as_a_crime_only_if_a_crime",
                condition=models.Q(is_crime=True, closure_kind="crime")
                | (models.Q(is_crime=False) & ~models.Q(closure_kind="crime")),
                violation_error_message=_("A crime, and only a crime, is closed as a crime."),
            ),
        ]


class ContextTag(BilingualName):
    """Circumstances counted across categories: family relationship, gang, weapon, juvenile."""

    code = models.SlugField(_("code"), max_length=48, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("context tag")
        verbose_name_plural = _("context tags")
