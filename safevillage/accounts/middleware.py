"""Idle and absolute session timeouts, and the forced change of a temporary password.

Django's session expiry is refreshed whenever the session is saved, so it cannot enforce an
absolute limit by itself: the sign-in time and the last activity are kept in the session
and checked here on every request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

SIGNED_IN_AT = "sv_signed_in_at"
LAST_SEEN_AT = "sv_last_seen_at"
# Write the last-seen time at most this often, so that reads stay reads (the idle limit is
# therefore enforced to within this many seconds).
_TOUCH_SECONDS = 60


def start_session_clocks(request: HttpRequest) -> None:
    """Called at sign-in: both limits count from now."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


class SessionTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_MINUTES without a request, and in any case
    SESSION_ABSOLUTE_HOURS after sign-in (shared phones at police posts are common)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        # The check runs here rather than in __call__ because MessageMiddleware, listed after
        # this one, has only now set up the message store the notice below goes to.
        if not request.user.is_authenticated:
            return None
        now = time.time()
        session = request.session
        # A session started by another sign-in door (the admin's) gets its clocks now.
        signed_in = session.setdefault(SIGNED_IN_AT, now)
        last_seen = session.setdefault(LAST_SEEN_AT, now)
        idle_limit = settings.SESSION_IDLE_MINUTES * 60
        absolute_limit = settings.SESSION_ABSOLUTE_HOURS * 3600
        if now - last_seen > idle_limit or now - signed_in > absolute_limit:
            logout(request)
            messages.info(request, _("Your session has ended. Please sign in again."))
            if getattr(request, "htmx", False):
                # A fragment request would swap the sign-in page into part of the page.
                return HttpResponseClientRedirect(resolve_url(settings.LOGIN_URL))
        elif now - last_seen > _TOUCH_SECONDS:
            session[LAST_SEEN_AT] = now
        return None


class PasswordChangeRequiredMiddleware:
    """Someone holding a password chosen by someone else (a temporary one from the
    secretariat or an import) can do nothing but change it or sign out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse("password_change"), reverse("logout"), reverse("set_language")}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return HttpResponseRedirect(reverse("password_change"))
        return self.get_response(request)
