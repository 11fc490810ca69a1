"""The portal's pages are the same for every visitor, so that a shared cache may keep them.

Placed after the authentication middleware: on the portal's paths the visitor is anonymous
whoever they are, so that nothing after it (the session timeout, the forced password change,
the security headers) reads the session - reading it would add ``Vary: Cookie``, and saving
it would set a cookie that no shared cache may keep. The language is the address's
(``?lang=en`` or ``?lang=km``; the site's language, Khmer, without it), never the cookie's;
``language_from_address`` tells the locale middleware not to add ``Vary: Accept-Language``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils import translation

PREFIX = "/open/"


class PublicPortalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(PREFIX):
            anonymous = AnonymousUser()
            request.user = anonymous

            async def auser() -> AnonymousUser:
                return anonymous

            request.auser = auser
            asked = request.GET.get("lang", "")
            language = asked if asked in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
            translation.activate(language)
            request.LANGUAGE_CODE = language
            request.language_from_address = True  # type: ignore[attr-defined]
        return self.get_response(request)
