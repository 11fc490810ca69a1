"""SQLite settings changed for the length of a block of bulk work, then put back."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection


@contextlib.contextmanager
def sqlite_pragma(name: str, value: int) -> Iterator[None]:
    """``PRAGMA name = value`` on the default connection for the block, the previous value
    afterwards; nothing on other databases. ``name`` is a pragma of the code, never input."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA {name} = {previous}")
