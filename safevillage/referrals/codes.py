"""The pseudonymous client code: the same person gets the same code at every referral, and
the code does not say who they are.

code = the first 60 bits of HMAC-SHA256(REFERRALS_CLIENT_KEY, normalised attributes), in
base32 (12 letters and digits, shown in three groups of four). The attributes (family and
given name, date of birth, sex at birth) are typed by the team, hashed here and never
stored. Without the key, which lives only in the settings (never in either database), a code
cannot be tested against a guessed person; with 60 bits, two people out of a million share
a code with a chance of about one in two million.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CODE_LETTERS = 12
MIN_KEY_LENGTH = 32
# Spaces, punctuation and Khmer signs that people write or leave out at will.
_IGNORED = re.compile(r"[\s\-'.,\u200b\u17d4-\u17da]+")


def _normalised(text: str) -> str:
    return _IGNORED.sub("", unicodedata.normalize("NFC", text).casefold())


def _key() -> bytes:
    key = settings.REFERRALS_CLIENT_KEY
    if not key or (not settings.DEBUG and len(key) < MIN_KEY_LENGTH):
        raise ImproperlyConfigured(f"REFERRALS_CLIENT_KEY must be set, with at least {MIN_KEY_LENGTH} characters.")
    return key.encode()


def client_code(*, family_name: str, given_name: str, born_on: datetime.date, sex: str) -> str:
    """The client's code, e.g. ``K7Q2-XM4P-ZR9A``; the same for the same person however the
    names are spaced or capitalised."""
    message = "\x1f".join([_normalised(family_name), _normalised(given_name), born_on.isoformat(), sex])
    digest = hmac.new(_key(), message.encode(), hashlib.sha256).digest()
    letters = base64.b32encode(digest).decode()[:CODE_LETTERS]
    return "-".join(letters[i : i + 4] for i in range(0, CODE_LETTERS, 4))
