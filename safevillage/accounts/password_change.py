"""Changing one's own password: the current password is the proof of who is at the keyboard.

Someone holding an officer's open session (a phone left signed in at a post) could otherwise
guess the current password through this form as often as they like and never meet the
sign-in lockout. The wrong guesses are counted in the session; at
``PASSWORD_CHANGE_FAILURE_LIMIT`` the session ends (``accounts.password.guesses_exceeded``
in the audit log), and going on needs the password at the sign-in page, where the lockout
counts. A new password equal to the current one is refused: the change would prove nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from safevillage.core.text import CheckedText

FAILURES = "sv_password_change_failures"


class PasswordChangeForm(CheckedText, auth_forms.PasswordChangeForm):
    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or self.cleaned_data
        old, new = cleaned.get("old_password"), cleaned.get("new_password1")
        # old_password is only in cleaned_data once it has been checked against the account.
        if old and new and old == new:
            self.add_error(
                "new_password2",
                ValidationError(_("The new password must differ from the current one."), code="password_unchanged"),
            )
        return cleaned


def wrong_current_password(form: auth_forms.PasswordChangeForm) -> bool:
    return form.has_error("old_password", "password_incorrect")


def count_failure(request: HttpRequest) -> int:
    """Count one wrong current password in this session; return how many so far."""
    failures = int(request.session.get(FAILURES, 0)) + 1
    request.session[FAILURES] = failures
    return failures


def limit_reached(failures: int) -> bool:
    return failures >= settings.PASSWORD_CHANGE_FAILURE_LIMIT


def forget_failures(request: HttpRequest) -> None:
    request.session.pop(FAILURES, None)
