from rest_framework.pagination import LimitOffsetPagination


class CappedPagination(LimitOffsetPagination):
    """Limit/offset pages with a hard cap: a huge ``?limit=`` must not read a whole table,
    and a huge ``?offset=`` must not overflow the database's integer."""

    default_limit = 50
    max_limit = 500
    max_offset = 10_000_000

    def get_offset(self, request):  # type: ignore[no-untyped-def]
        return min(super().get_offset(request), self.max_offset)
