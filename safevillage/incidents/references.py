"""Record references: ``PP-DDDD-YYYY-NNNNNN`` — province, district, the year the record was
reported (local time) and a sequence number per district and year, e.g. 14-1403-2026-000117.

A reference is read over the phone and written on paper, so it says where and when a record
was made, and numbers follow each other within a district's year without gaps from races:
the district's counter row is locked while a number is taken, inside the transaction that
creates the record (a rolled-back record gives its number back).
"""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.utils import timezone

from safevillage.incidents.models import ReferenceCounter

REFERENCE_PATTERN = r"[0-9]{2}-[0-9]{4}-[0-9]{4}-[0-9]{6,}"
_REFERENCE = re.compile(REFERENCE_PATTERN)


def is_reference(value: str) -> bool:
    return bool(_REFERENCE.fullmatch(value))


def format_reference(district: str, year: int, number: int) -> str:
    """The reference of a district's ``number``-th record of ``year``."""
    return f"{district[:2]}-{district}-{year}-{number:06d}"


def next_reference(village_code: str, reported_at: datetime.datetime) -> str:
    """Take the next number of the village's district for the local year of ``reported_at``.
    Must run inside the transaction that stores the record."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_reference must be called inside transaction.atomic()")
    district = village_code[:4]
    year = timezone.localtime(reported_at).year
    # One statement takes the number: the first record of a district's year creates the
    # counter at 1, any other moves it on, and the row stays locked until the record's
    # transaction ends, so concurrent records of one district queue for their numbers.
    qn = connection.ops.quote_name
    table, key, year_, last = (qn(n) for n in (ReferenceCounter._meta.db_table, "district_code", "year", "last_number"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, {year_}, {last}) VALUES (%s, %s, 1) "  # noqa: S608  # nosec B608
            f"ON CONFLICT ({key}, {year_}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}",
            [district, year],
        )
        number = cursor.fetchone()[0]
    return format_reference(district, year, number)
