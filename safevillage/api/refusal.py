"""The API's answer to a request refused before it was read (``core/request_text.py``):
a body too large to read, or text that is not UTF-8. It is answered the way the API answers
any bad input: its exception handler, its renderers, the language the client asked for."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from rest_framework.exceptions import APIException, ParseError
from rest_framework.request import Request
from rest_framework.views import APIView

from safevillage.api.errors import too_large
from safevillage.core.request_text import not_utf8_message


class _Refusal(APIView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        raise kwargs["problem"]


def refuse_before_parsing(
    request: HttpRequest, *, oversized: bool, message: str | None = None, problem: APIException | None = None
) -> HttpResponse:
    if problem is None:
        problem = too_large() if oversized else ParseError(message or not_utf8_message())
    response = _Refusal.as_view()(request, problem=problem)
    # Rendered here: Django renders a view's response, not one a middleware returns.
    response.render()
    return cast(HttpResponse, response)
