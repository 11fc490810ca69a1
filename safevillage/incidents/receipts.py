"""Receipt codes for public complaints.

A complainant who gave no name follows the complaint with a receipt code only, so the code
is the key to the record: 16 characters of Crockford's base32 (80 random bits from
``secrets``), shown as XXXX-XXXX-XXXX-XXXX so that it can be read from a phone and copied by
hand. Crockford's alphabet has no I, L, O or U; when reading a code back, I and L count as 1
and O as 0, case and hyphens or spaces do not matter. Only the SHA-256 of the normalised code
is stored: a copy of the database does not let anyone follow someone else's complaint.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16
BITS = LENGTH * 5  # 80
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = str.maketrans("", "", "- \u00a0")


def new_receipt() -> str:
    """A fresh code, grouped for reading: XXXX-XXXX-XXXX-XXXX."""
    number = secrets.randbits(BITS)
    chars = [ALPHABET[(number >> (5 * i)) & 31] for i in range(LENGTH)]
    code = "".join(reversed(chars))
    return "-".join(code[i : i + 4] for i in range(0, LENGTH, 4))


def normalise(code: str) -> str | None:
    """The 16 significant characters of a code as typed, or None if it cannot be a code."""
    value = code.strip().upper().translate(_SEPARATORS).translate(_READ_AS)
    if len(value) != LENGTH or any(c not in ALPHABET for c in value):
        return None
    return value


def receipt_hash(code: str) -> str | None:
    """The stored form of a code (SHA-256 of its normalised characters), or None if ``code``
    cannot be a receipt."""
    value = normalise(code)
    return hashlib.sha256(value.encode()).hexdigest() if value else None
