from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from safevillage.accounts import password_change
from safevillage.accounts.actions import (
    issue_device_token,
    record_password_change,
    record_password_guesses_exceeded,
    revoke_device_token,
)
from safevillage.accounts.middleware import start_session_clocks
from safevillage.accounts.models import User
from safevillage.accounts.scoping import access_or_404
from safevillage.core.text import CheckedTextForm


class SignInView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)
        start_session_clocks(self.request)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; the rules are AUTH_PASSWORD_VALIDATORS (at least 10
    characters, not common, not all digits, not like the username), and the new password is
    not the current one. Too many wrong current passwords end the session
    (accounts/password_change.py)."""

    form_class = password_change.PasswordChangeForm
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        with transaction.atomic():
            response: HttpResponse = super().form_valid(form)
            user = _user(self.request)
            record_password_change(user, by=user, temporary=False)
        password_change.forget_failures(self.request)
        messages.success(self.request, _("Your password was changed."))
        return response

    def form_invalid(self, form: PasswordChangeForm) -> HttpResponse:
        if password_change.wrong_current_password(form):
            failures = password_change.count_failure(self.request)
            if password_change.limit_reached(failures):
                record_password_guesses_exceeded(_user(self.request), failures=failures)
                logout(self.request)
                messages.error(
                    self.request,
                    _("The current password was wrong too many times: you were signed out. Sign in again."),
                )
                return redirect(settings.LOGIN_URL)
        return super().form_invalid(form)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required has run: this cannot happen
        raise PermissionDenied
    return user


class DeviceForm(CheckedTextForm):
    name = forms.CharField(
        label=gettext_lazy("Device name"),
        max_length=100,
        help_text=gettext_lazy("For example “Kansaom Ak post tablet”, so that you know which key to revoke."),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def devices(request: HttpRequest) -> HttpResponse:
    """My devices: a key for each field device of mine. A new key is shown once, on the
    response to the request that created it; only its hash is kept."""
    user = _user(request)
    form = DeviceForm(request.POST or None)
    new_key = None
    new_token = None
    if request.method == "POST" and form.is_valid():
        new_token, new_key = issue_device_token(user, form.cleaned_data["name"], by=user)
        form = DeviceForm()
    tokens = user.device_tokens.order_by("revoked_at", "-created_at")
    return render(
        request,
        "accounts/devices.html",
        {"form": form, "tokens": tokens, "new_key": new_key, "new_token": new_token},
    )


@login_required
@require_POST
def revoke_device(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of my own device keys; anyone else's is a 404, like a missing one."""
    user = _user(request)
    token = access_or_404(user.device_tokens.filter(revoked_at__isnull=True), pk=pk)
    revoke_device_token(token, by=user)
    messages.success(request, _("The key of “%(name)s” was revoked.") % {"name": token.name})
    return redirect("devices")
