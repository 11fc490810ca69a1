"""Break opportunities in Khmer text, for PDFs.

Khmer is written without spaces between words, and WeasyPrint (Pango) breaks a line only
where it finds a break opportunity: a long Khmer sentence overflows its table cell. We insert
ZERO WIDTH SPACE (U+200B) where a line may break, as Khmer typesetters do by hand.

Without a dictionary the best cheap guess is the boundary between orthographic clusters: a
consonant (or independent vowel) that is not written under another one (not preceded by
COENG, U+17D2) starts a new cluster. Two refinements keep syllables whole where the spelling
makes it certain: a bare consonant following a cluster with a vowel is that syllable's final
consonant (ការ, not កា·រ), and so is a consonant carrying a final mark such as BANTOC (កាត់).
A break inside a word is still possible (ភូ·មិ); for wrapping a table cell that is an
acceptable price, and the text extracted from the PDF is unchanged once U+200B is removed.
"""

from __future__ import annotations

import itertools
import re

ZWSP = "\u200b"
COENG = "\u17d2"


def _is_base(char: str) -> bool:
    """A consonant (U+1780-U+17A2) or an independent vowel (U+17A3-U+17B3)."""
    return "\u1780" <= char <= "\u17b3"


def _is_vowelish(char: str) -> bool:
    """Dependent vowels and the vowel-like signs NIKAHIT, REAHMUK, YUUKALEAPINTU."""
    return "\u17b6" <= char <= "\u17c8"


# BANTOC, ROBAT, TOANDAKHIAT, VIRIAM, ATTHACAN sit on a syllable's final consonant.
_FINAL_MARKS = frozenset("\u17cb\u17cc\u17cd\u17d1\u17dd")


def _clusters(run: str) -> list[str]:
    """Split a run of Khmer letters into orthographic clusters."""
    clusters: list[str] = []
    previous = ""
    for char in run:
        if _is_base(char) and previous != COENG and clusters:
            clusters.append(char)
        elif clusters:
            clusters[-1] += char
        else:
            clusters.append(char)
        previous = char
    return clusters


def _is_final(cluster: str, before: str) -> bool:
    """Whether ``cluster`` is the final consonant of the syllable ending with ``before``."""
    if COENG in cluster or any(_is_vowelish(c) for c in cluster):
        return False
    if any(c in _FINAL_MARKS for c in cluster):
        return True
    return any(_is_vowelish(c) for c in before)


_KHMER_LETTERS = re.compile(r"[\u1780-\u17d3\u17dd]+")


def _break_run(match: re.Match[str]) -> str:
    clusters = _clusters(match.group(0))
    out = [clusters[0]]
    for before, cluster in itertools.pairwise(clusters):
        if not _is_final(cluster, before):
            out.append(ZWSP)
        out.append(cluster)
    return "".join(out)


def insert_breaks(text: str) -> str:
    """``text`` with U+200B between Khmer clusters where a line may break. Idempotent:
    a break already present is never doubled, and non-Khmer text is untouched."""
    return _KHMER_LETTERS.sub(_break_run, text)


def strip_breaks(text: str) -> str:
    return text.replace(ZWSP, "")


_TAG = re.compile(r"(<[^>]*>)")
_RAW_TEXT_OPEN = re.compile(r"<(style|script)\b", re.IGNORECASE)
_RAW_TEXT_CLOSE = re.compile(r"</(style|script)\s*>", re.IGNORECASE)


def break_html(html: str) -> str:
    """Insert breaks in the text of an HTML document, never inside tags (attribute values,
    URLs) nor in ``<style>``/``<script>``."""
    parts = _TAG.split(html)
    raw = False
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            if _RAW_TEXT_OPEN.match(part):
                raw = True
            elif _RAW_TEXT_CLOSE.match(part):
                raw = False
        elif not raw and part:
            parts[i] = insert_breaks(part)
    return "".join(parts)
