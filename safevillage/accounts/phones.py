"""Cambodian phone numbers, as officers write them, to one stored form (E.164)."""

from __future__ import annotations

import re

from safevillage.core.khmer import to_ascii_digits

# Spaces, dashes, dots and brackets are how people group digits, not part of the number.
_SEPARATORS = re.compile(r"[\s\-.()/]")
# A national number is 8 or 9 digits after the trunk 0 (012 345 678, 097 123 4567),
# or after the country code 855.
_CAMBODIAN = re.compile(r"(?:\+855|00855|855|0)([1-9][0-9]{7,8})")


def normalise_phone(raw: str) -> str:
    """``"012 345 678"``, ``"+855 12 345 678"`` or ``"០១២ ៣៤៥ ៦៧៨"`` → ``"+85512345678"``;
    an empty value stays empty. Raises ValueError for anything else."""
    compact = _SEPARATORS.sub("", to_ascii_digits(raw))
    if not compact:
        return ""
    match = _CAMBODIAN.fullmatch(compact)
    if match is None:
        raise ValueError(raw)
    return f"+855{match.group(1)}"
