"""Keyset (cursor) pages for the API's long lists (``core.paging.KeysetPages``): a page costs
the same at any depth, and a ``next`` link keeps meaning the records after the last one
read, whatever was recorded since. ``?offset=`` of the earlier limit/offset pages is still
served up to ``MAX_OFFSET`` rows; past that the answer says to follow the links."""

from __future__ import annotations

import contextlib
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from safevillage.api.pagination import CappedPagination
from safevillage.core import paging
from safevillage.core.paging import (
    COUNT_LIMIT,
    MAX_OFFSET,
    MAX_TOKEN_LENGTH,
    Cursor,
    CursorError,
    KeysetPages,
)


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    limit_query_param = "limit"
    offset_query_param = "offset"
    default_limit = CappedPagination.default_limit
    max_limit = CappedPagination.max_limit

    def paginate_queryset(self, queryset: KeysetPages[Any], request: Request, view: Any = None) -> list[Any]:  # type: ignore[override]
        self.request = request
        limit = self._whole_number(self.limit_query_param) or self.default_limit
        limit = max(1, min(limit, self.max_limit))
        cursor = None
        if token := request.query_params.get(self.cursor_query_param):
            # One this list did not write (edited, or of another sort) is ignored, as on the
            # register page: the schema cannot tell such a string from a real cursor.
            with contextlib.suppress(CursorError):
                cursor = queryset.cursor(token)
        if cursor is not None:
            page = queryset.page(limit, cursor)
        elif offset := self._whole_number(self.offset_query_param):
            at_offset = queryset.at_offset(limit, offset)
            if at_offset is None:
                message = _("An offset goes up to %(limit)s: follow the next links further.") % {
                    "limit": paging.MAX_OFFSET
                }
                raise ValidationError({self.offset_query_param: [message]})
            page = at_offset
        else:
            page = queryset.page(limit)
        self.page = page
        return page.rows

    def _whole_number(self, name: str) -> int | None:
        values = self.request.query_params.getlist(name)
        if not values:
            return None
        if len(values) > 1 or not values[0].isascii() or not values[0].isdigit():
            raise ValidationError({name: [_("Give %(name)s once, as a whole number.") % {"name": name}]})
        return int(values[0][:20])

    def _link(self, cursor: Cursor | None) -> str | None:
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.offset_query_param)
        return replace_query_param(url, self.cursor_query_param, cursor.token())

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.page.count if self.page.exact else min(self.page.count, paging.COUNT_LIMIT),
                "count_capped": self.page.more_than_limit,
                "next": self._link(self.page.next),
                "previous": self._link(self.page.previous),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "count_capped", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": f"The records that match, counted up to {COUNT_LIMIT:,} (exact, however "
                    "large, when the selection is a report figure's, read from the summaries).",
                },
                "count_capped": {
                    "type": "boolean",
                    "description": f"true: more than {COUNT_LIMIT:,} records match (count stops there).",
                },
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page (its cursor follows the last record of this one); null: the last.",
                },
                "previous": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The page before this one; null: this is the first.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "A position in the list, as given in the next and previous links: copy it, do not "
                "compose it. Without it, or with one this list did not give, the first page. It keeps its meaning: "
                "records added since do not shift it.",
                "schema": {"type": "string", "maxLength": MAX_TOKEN_LENGTH, "pattern": "^[-_A-Za-z0-9]*$"},
            },
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": f"Records per page (default {self.default_limit}, at most {self.max_limit}).",
                "schema": {"type": "integer", "minimum": 0},
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "deprecated": True,
                "description": f"Records to skip, up to {MAX_OFFSET:,}, for clients of the earlier limit/offset "
                "pages. Follow the next links instead.",
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
            },
        ]
