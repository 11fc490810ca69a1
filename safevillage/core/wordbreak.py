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

from safevillage.core.khmer import to_khmer_digits

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
_OPEN = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b([^>]*?)(/?)>")
_CLOSE = re.compile(r"</([a-zA-Z][a-zA-Z0-9]*)\s*>")
_LANG = re.compile(r"""\blang\s*=\s*["']?([a-zA-Z-]+)""")
_NO_TRANSLATE = re.compile(r"""\btranslate\s*=\s*["']?no\b""")
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)
# Written as typed whatever the language: codes a reader copies or types back.
_AS_TYPED = frozenset(("code", "kbd", "samp"))


def break_html(html: str, *, khmer_digits: bool = False) -> str:
    """Insert breaks in the text of an HTML document, never inside tags (attribute values,
    URLs) nor in ``<style>``/``<script>``. With ``khmer_digits`` (a page printed in Khmer),
    the digits of text in Khmer (the nearest ``lang`` is ``km``) are written in Khmer
    digits, as Cambodian officials print figures and dates; text marked ``translate="no"``
    or in ``<code>``, ``<kbd>`` or ``<samp>`` (codes, addresses) keeps its digits."""
    parts = _TAG.split(html)
    raw = False
    # The open elements: (name, lang, kept as typed), so that a closing tag restores its parent's.
    stack: list[tuple[str, str, bool]] = [("", "", False)]
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            if _RAW_TEXT_OPEN.match(part):
                raw = True
            elif _RAW_TEXT_CLOSE.match(part):
                raw = False
            if khmer_digits:
                _follow(part, stack)
        elif not raw and part:
            text = insert_breaks(part)
            _name, lang, kept = stack[-1]
            if khmer_digits and lang.lower().startswith("km") and not kept:
                text = to_khmer_digits(text)
            parts[i] = text
    return "".join(parts)


def _follow(tag: str, stack: list[tuple[str, str, bool]]) -> None:
    """Keep the stack of open elements as the document opens and closes them."""
    if closing := _CLOSE.match(tag):
        name = closing.group(1).lower()
        names = [entry[0] for entry in stack]
        if name in names[1:]:
            del stack[len(names) - 1 - names[::-1].index(name) :]
        return
    opening = _OPEN.match(tag)
    if opening is None:
        return  # a comment or a doctype
    name, attributes, self_closing = opening.group(1).lower(), opening.group(2), opening.group(3)
    if name in _VOID or self_closing:
        return
    _parent, lang, kept = stack[-1]
    if found := _LANG.search(attributes):
        lang = found.group(1)
    kept = kept or name in _AS_TYPED or bool(_NO_TRANSLATE.search(attributes))
    stack.append((name, lang, kept))
