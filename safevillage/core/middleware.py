"""Language choice: Khmer unless the user chose English.

Django's LocaleMiddleware follows the browser's Accept-Language, and most phones in
Cambodia send English; the policy's users are served in Khmer unless they press "English"
(a cookie). API clients, which choose their language programmatically, keep the standard
negotiation so that error messages come in the language they ask for.

The API's own documentation (the OpenAPI schema, Swagger UI, ReDoc) is English unless it is
asked for in another language with ``?lang=km``: it is a contract read by developers and
code generators, which should get the same schema whatever their machine's language, and
drf-spectacular writes it in the active language.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


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

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if _is_api_documentation(view):
            # drf-spectacular itself switches to ?lang= when given (and checks it).
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
        return None

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "language_from_address", False):
            # The language was read from the address (the public portal): the page does not
            # vary with Accept-Language, and saying so would split a shared cache by browser.
            response.headers.setdefault("Content-Language", translation.get_language() or settings.LANGUAGE_CODE)
            return response
        return super().process_response(request, response)


def _is_api_documentation(view: Callable[..., HttpResponse]) -> bool:
    view_class = getattr(view, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, (SpectacularAPIView, SpectacularSwaggerView))
