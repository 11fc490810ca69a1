"""People and the places where they act.

A user holds role assignments, each a role at a place (the national secretariat at no
place: the whole country). Visibility is decided only by ``accounts.scoping``.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safevillage.accounts.roles import ROLE_LEVELS, Role


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Set when someone else chose the password (a temporary one from import_users or the
    # secretariat): the holder must replace it before doing anything else.
    must_change_password = models.BooleanField(_("must change password at next sign-in"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self) -> RoleAssignmentQuerySet:
        """In force now: started (an assignment may be entered ahead of its start) and not ended."""
        now = timezone.now()
        return self.filter(started_at__lte=now).filter(models.Q(ended_at__isnull=True) | models.Q(ended_at__gt=now))


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    place = models.ForeignKey(
        "places.Place", verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "place"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_assignment_per_user_role_place",
            ),
            models.CheckConstraint(
                name="only_national_roles_without_place",
                condition=models.Q(place__isnull=False)
                | models.Q(role__in=[Role.NATIONAL_SECRETARIAT, Role.AUDITOR, Role.REFERRAL_COORDINATOR]),
            ),
        ]

    def __str__(self) -> str:
        where = self.place.code if self.place else _("Cambodia")
        return f"{self.user} — {self.get_role_display()} @ {where}"

    def clean(self) -> None:
        check_role_level(self.role, self.place.level if self.place else 0)


def check_role_level(role: str, level: int) -> None:
    """Raise ValidationError when a role cannot be held at a place of this level."""
    lowest, highest = ROLE_LEVELS[role]
    if not lowest <= level <= highest:
        raise ValidationError(
            _("The role %(role)s cannot be assigned at this level of place."),
            code="role_level",
            params={"role": Role(role).label},
        )


class DeviceToken(models.Model):
    """An API token for a field device. Only its SHA-256 is stored: a leaked database does
    not leak usable tokens. The key is shown once, when it is created."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="device_tokens")
    name = models.CharField(_("device name"), max_length=100)
    key_prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("device token")
        verbose_name_plural = _("device tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[DeviceToken, str]:
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_prefix=key[:8], key_hash=cls.hash_key(key))
        return token, key
