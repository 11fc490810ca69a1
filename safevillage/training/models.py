"""Police training (Police Community Partnership Initiative): curricula of modules, the
sessions given, and each participant's scores before and after (and, later, a retention
test), in total and, where the trainer entered them, per question."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safevillage.places.models import Place


class Curriculum(models.Model):
    code = models.SlugField(_("code"), max_length=48, unique=True)
    name_km = models.CharField(_("Khmer name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("curriculum")
        verbose_name_plural = _("curricula")

    def __str__(self) -> str:
        return self.name_en


class CurriculumModule(models.Model):
    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="modules")
    number = models.PositiveSmallIntegerField(_("number"))
    name_km = models.CharField(_("Khmer name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)

    class Meta:
        ordering = ["curriculum", "number"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "number"], name="one_module_number_per_curriculum")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name_en}"


class SessionKind(models.TextChoices):
    COURSE = "course", _("Course")
    SENSITISATION = "sensitisation", _("Police sensitisation")


class SessionQuerySet(models.QuerySet["TrainingSession"]):
    def visible_to(self, user: object, permission: str = "training.view") -> SessionQuerySet:
        from safevillage.accounts.scoping import prefix_filter

        return self.filter(prefix_filter(user, permission, "place__code"))  # type: ignore[arg-type]


class TrainingSession(models.Model):
    curriculum = models.ForeignKey(Curriculum, verbose_name=_("curriculum"), on_delete=models.PROTECT)
    place = models.ForeignKey(Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    trainer = models.CharField(_("trainer"), max_length=200)
    max_score = models.PositiveSmallIntegerField(_("highest possible score"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                name="training_ends_after_it_starts", condition=models.Q(ends_on__gte=models.F("starts_on"))
            ),
            models.CheckConstraint(name="training_max_score_positive", condition=models.Q(max_score__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.curriculum} {self.place.code} {self.starts_on.isoformat()}"


class Participant(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=200)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pre_score = models.DecimalField(_("score before"), max_digits=6, decimal_places=2)
    post_score = models.DecimalField(_("score after"), max_digits=6, decimal_places=2, null=True, blank=True)
    retention_score = models.DecimalField(
        _("score at the retention test"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.name


class Phase(models.TextChoices):
    PRE = "pre", _("Before")
    POST = "post", _("After")
    RETENTION = "retention", _("Retention")


class QuestionResult(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answers")
    question = models.PositiveSmallIntegerField(_("question"))
    phase = models.CharField(_("test"), max_length=16, choices=Phase.choices)
    correct = models.BooleanField(_("answered as hoped"))

    class Meta:
        ordering = ["question", "phase"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "question", "phase"], name="one_answer_per_question_and_test"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} q{self.question} {self.phase}"
