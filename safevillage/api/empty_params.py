"""An API query parameter sent with no value is refused (400), naming it.

The register page's form sends its empty fields and means "any"; an API client asks for a
value or leaves the parameter out. Every parameter of the API has a form an empty value is
not (a period, a place code, a number, true, one of a list), except the free texts searched
for, which may be empty. Read here once for every operation, as ``core/request_text.py``
reads the text of every request, rather than by each view.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

# Free text: an empty one searches for anything (the register's and the people's search, the
# audit log's filters).
MAY_BE_EMPTY = frozenset({"q", "action", "target_type", "target_id"})


class EmptyQueryParameterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The operations only: the documentation pages take their own empty ``?script=``.
        if request.path.startswith("/api/v1/"):
            blank = sorted(
                name
                for name, values in request.GET.lists()
                if name not in MAY_BE_EMPTY and any(not value.strip() for value in values)
            )
            if blank:
                # Imported here: the API's modules import the whole register; pages need none of it.
                from safevillage.api.refusal import refuse_before_parsing

                message = _("Give a value, or leave the parameter out.")
                problem = ValidationError({name: [message] for name in blank})
                return refuse_before_parsing(request, oversized=False, problem=problem)
        return self.get_response(request)
