"""Language choice: Khmer unless the user chose English.

Django's LocaleMiddleware follows the browser's Accept-Language, and most phones in
Cambodia send English; the policy's users are served in Khmer unless they press "English"
(a cookie). API clients, which choose their language programmatically, keep the standard
negotiation so that error messages come in the language they ask for.
"""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class KhmerFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
