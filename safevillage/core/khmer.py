"""Khmer and romanised-Khmer text: spelling variants, search keys, digits.

Place names reach us in two official lists and in the press, each spelling them its own way:
the NCDD list writes Kandal កណ្តាល (coeng TA) where the MEF list writes កណ្ដាល (coeng DA);
NCDD romanises "Kampong Trabaek" where the press writes "Kampong Trabek". Search compares
normalised keys so that every variant finds the same place.
"""

import re
import unicodedata

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# Subscript DA and subscript TA are written interchangeably in names (see module docstring).
_KHMER_VARIANTS = {"\u17d2\u178a": "\u17d2\u178f"}
KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"
_TO_ASCII_DIGITS = str.maketrans(KHMER_DIGITS, "0123456789")
_TO_KHMER_DIGITS = str.maketrans("0123456789", KHMER_DIGITS)
_VOWELS = re.compile(r"[aeiouy]")
_REPEATS = re.compile(r"(.)\1+")


def normalise(text: str) -> str:
    """A comparison key for any name: NFC, no zero-width marks, no spaces or punctuation,
    case-folded, Khmer digits as ASCII and Khmer spelling variants unified."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    for variant, canonical in _KHMER_VARIANTS.items():
        text = text.replace(variant, canonical)
    text = text.translate(_TO_ASCII_DIGITS).casefold()
    # Keep letters, marks and digits: Khmer vowel signs and the subscript sign are marks
    # (category M), which a regular expression's \w would drop.
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LMN")


def latin_skeleton(text: str) -> str:
    """The consonant skeleton of a romanised name, so that romanisations that differ only
    in vowels or doubled letters match: "Trabaek"/"Trabek" → "trbk", "Kansaom"/"Kansoam"
    → "knsm". The first letter is kept even when it is a vowel ("Ou Thum" → "othm")."""
    key = normalise(unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode())
    if not key:
        return ""
    return key[0] + _REPEATS.sub(r"\1", _VOWELS.sub("", key[1:]))


def to_khmer_digits(value: object) -> str:
    return str(value).translate(_TO_KHMER_DIGITS)


def to_ascii_digits(text: str) -> str:
    return text.translate(_TO_ASCII_DIGITS)


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes, to line up tables that mix Khmer and Latin.
    Combining marks and format characters take none, as the C library's wcwidth counts them
    (and so most terminals): a coeng and most Khmer vowel signs sit on the consonant before."""
    return sum(unicodedata.category(char) not in ("Mn", "Me", "Cf") for char in text)
