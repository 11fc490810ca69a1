import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

_WHOLE_NUMBER = re.compile(r"[0-9]+")


class CappedPagination(LimitOffsetPagination):
    """Limit/offset pages with a hard cap: a huge ``?limit=`` must not read a whole table,
    and a huge ``?offset=`` must not overflow the database's integer.

    A value that is not a whole number, or one given twice, is a 400 naming the parameter
    (DRF's own pagination would silently use its default): a client that sends ``limit=ten``
    must learn it, and the schema's ``integer`` means what it says."""

    default_limit = 50
    max_limit = 500
    max_offset = 10_000_000

    def get_limit(self, request):  # type: ignore[no-untyped-def]
        self._require_whole_number(request, self.limit_query_param)
        return super().get_limit(request)

    def get_offset(self, request):  # type: ignore[no-untyped-def]
        self._require_whole_number(request, self.offset_query_param)
        return min(super().get_offset(request), self.max_offset)

    def _require_whole_number(self, request: Any, name: str) -> None:
        values = request.query_params.getlist(name)
        if not values:
            return
        if len(values) > 1 or not _WHOLE_NUMBER.fullmatch(values[0]):
            raise ValidationError({name: [_("Give %(name)s once, as a whole number.") % {"name": name}]})

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            # Whole numbers, as refused above; larger values are capped, not refused.
            parameter["schema"]["minimum"] = 0
        return parameters
