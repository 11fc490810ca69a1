"""Selecting everything under a place by its NCDD code.

A place's code is its path (a village's 8 digits start with its commune's 6), so "under
commune 140305" is "code starts with 140305". Written as ``LIKE '140305%'`` that is a full
scan on both databases (SQLite's LIKE is case-insensitive and PostgreSQL's needs a C-collation
or pattern index), so it is written as the equivalent range ``'140305' <= code < '140306'``,
which every B-tree index on the column answers directly.
"""

from django.db.models import Q


def under(field: str, prefix: str) -> Q:
    """Rows whose ``field`` (a place-code column) is ``prefix`` or lies under it; ``""`` is the
    whole country. Codes are digits, so the upper bound — the last digit plus one — is a
    character (``:`` after ``9``) that no code contains."""
    if not prefix:
        return Q()
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})
