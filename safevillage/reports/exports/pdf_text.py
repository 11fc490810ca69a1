"""Make the Khmer text of a WeasyPrint PDF extract as written.

A PDF shows glyph ids and maps each id to ONE text (the font's ToUnicode map). WeasyPrint 70.0
fills that map first come, first served, glyph by glyph (Kozea/WeasyPrint issue #2841), which
garbles Khmer: a glyph shared by several clusters (the first part of the split vowels ោ ើ,
COENG RO, a subscript) keeps the text of its first use for all of them ("ប្រជាជន" extracts as
"បជាជន"), and inside a cluster of several glyphs the text goes to one glyph, often one drawn
back over its neighbours, which puts letters out of order.

The fix ports the idea of PR #2869 ("Give every (glyph, text) pair its own ToUnicode identity"):

1. Each distinct (glyph, text, width) gets its own id: the first keeps the real glyph id, the
   others get ALIAS ids (counted down from 0xFFFE, far from the ids WeasyPrint counts up from
   the glyph count for missing glyphs). The font's CIDToGIDMap sends each alias back to the real
   outline, so the page shows the same glyphs at the same places (to WeasyPrint's rounding of
   TJ shifts, 1/1000 em: at most a few anti-aliased pixels differ). Unlike the PR, the font
   file is not changed: a CIDToGIDMap stream is plain PDF 1.2, and keeps WeasyPrint's
   /Identity-H encoding (a custom /Encoding CMap was reported in #2841 to break pypdf).
2. Within a Khmer run, text goes to the glyphs that move forward, in logical order, each with a
   PDF width reaching the next one (see _carry): poppler rebuilds words from these boxes.

CIDToGIDMap exists only for TrueType outlines (CIDFontType2): fonts with CFF outlines, bitmap or
colour fonts, and non-Khmer runs are drawn as WeasyPrint draws them. The patches are installed
once, and do nothing outside ``exact_text_extraction()``, whose state is in a ContextVar: another
thread rendering at the same moment is not affected.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import threading
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from typing import Any

logger = logging.getLogger(__name__)

PATCHED_VERSION = "70.0"
_TOP_ALIAS = 0xFFFE  # 0xFFFF is where WeasyPrint clamps its ids for missing glyphs
_ROOM_FOR_MISSING = 256  # ids WeasyPrint may still take above the glyph count
# Thousandths of an em. poppler takes a character starting within 0.1 em of the previous one
# for a duplicate and breaks the word there: carriers of text are kept further apart.
_MIN_STEP = 110
_install_lock = threading.Lock()


class _Identities:
    """The (glyph, text, width) identities given out while one PDF is rendered."""

    def __init__(self) -> None:
        self.ids: dict[tuple[Any, int, str, int], int] = {}
        # font file (WeasyPrint's font hash) -> alias -> real glyph id; per file, because
        # WeasyPrint subsets one file for all the Font objects that share the hash.
        self.targets: dict[str, dict[int, int]] = {}

    def identity(self, font: Any, glyph: int, text: str, width: int) -> int:
        """The id that draws ``glyph``, extracts as ``text`` and advances ``width`` in ``font``."""
        key = (font, glyph, text, width)
        if key not in self.ids:
            # font.to_unicode and font.widths say who owns a real id, WeasyPrint's own entries
            # (runs left to it) included: an id never gets two texts or two widths.
            if font.to_unicode.get(glyph, text) == text and font.widths.get(glyph, width) == width:
                self.ids[key] = glyph
            else:
                self.ids[key] = self._alias(font, glyph)
            font.to_unicode.setdefault(self.ids[key], text)
            font.widths.setdefault(self.ids[key], width)
        return self.ids[key]

    def _alias(self, font: Any, glyph: int) -> int:
        targets = self.targets.setdefault(font.hash, {})
        alias = _TOP_ALIAS - len(targets)
        if alias < font.glyph_count + len(font.missing) + _ROOM_FOR_MISSING:
            # Some 64,000 ids are free; the whole catalogue and 1,500 place names took 780.
            # Draw right, extract wrong.
            logger.warning("No ToUnicode alias left in font %s: text extraction will be inexact", font.family)
            return glyph
        targets[alias] = glyph
        return alias


_identities: contextvars.ContextVar[_Identities | None] = contextvars.ContextVar("pdf_identities", default=None)
# (stream, CSS font size) while WeasyPrint draws a line: the only time glyph ids may be rewritten.
_drawing: contextvars.ContextVar[tuple[Any, float] | None] = contextvars.ContextVar("pdf_drawing", default=None)


def _share(count: int, spans: list[float]) -> list[int]:
    """Split ``count`` characters over carriers of these spans, one at least each, keeping the
    characters as wide as possible (see _MIN_STEP)."""
    shares = [1] * len(spans)
    for _ in range(count - len(spans)):
        widest = max(range(len(spans)), key=lambda j: spans[j] / (shares[j] + 1))
        shares[widest] += 1
    return shares


def _carry(infos: list[Any], clusters: list[int], texts: dict[int, str], scale: float, empty: int) -> dict[int, Any]:
    """Which glyphs of a run carry which text with which PDF width: {glyph index: (text, width)}.

    poppler reads a glyph as its text spread over [x, x + PDF width] and rebuilds words from
    these boxes: a box starting behind the previous one, or a gap, breaks the text apart. So
    text goes to the glyphs that move forward ("carriers": an advance, on the baseline, at
    least _MIN_STEP after the previous carrier), each as wide as the distance to the next.
    Subscripts, raised marks and split-vowel parts drawn over their neighbours carry none. Text
    only moves along the logical order: a cluster without a carrier hands its text to the
    previous carrier. WeasyPrint places every glyph by Pango's advances whatever its PDF width
    (its TJ array takes the difference): the glyphs stay where they were.
    """
    x: list[float] = []
    pen, carriers = 0.0, list[int]()
    for i, info in enumerate(infos):  # where WeasyPrint draws each glyph, in thousandths of an em
        # WeasyPrint shifts a glyph by x_offset / font size: Pango units (1/1024 pt) read as 1/1000.
        x.append(pen + info.geometry.x_offset * scale * 1.024)
        pen += info.geometry.width * scale
        forward = not carriers or x[i] >= x[carriers[-1]] + _MIN_STEP
        if info.glyph != empty and info.geometry.width > 0 and info.geometry.y_offset == 0 and forward:
            carriers.append(i)
    # No more carriers in a cluster than it has characters.
    own = {start: [i for i in carriers if clusters[i] == start][: len(text)] for start, text in texts.items()}
    carriers = [i for start in texts for i in own[start]]
    if not carriers:
        return {}
    spans = dict(zip(carriers, [x[j] - x[i] for i, j in pairwise(carriers)] + [pen - x[carriers[-1]]], strict=True))
    carried: dict[int, str] = {}
    last: int | None = None  # the carrier of the latest text
    pending = ""  # text met before any carrier
    for start, text in texts.items():  # in logical order
        if all(infos[i].glyph == empty for i, cluster in enumerate(clusters) if cluster == start):
            continue  # an invisible character (ZERO WIDTH SPACE): not extracted, as before
        if own[start]:
            taken = 0
            for last, share in zip(own[start], _share(len(text), [spans[i] for i in own[start]]), strict=True):
                carried[last], taken, pending = pending + text[taken : taken + share], taken + share, ""
        elif last is None:
            pending += text
        else:
            carried[last] += text
    return {i: (text, round(max(0.0, spans[i]))) for i, text in carried.items()}


def _rewrite_line(line: Any, text: str, stream: Any, css_font_size: float, identities: _Identities) -> None:
    """Give each glyph of the Khmer runs of a laid-out line its identity, in Pango's glyph strings.

    WeasyPrint draws the ids it finds there and maps an id only if its maps have none yet: we
    fill its text and width maps before it draws.
    """
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    utf8 = text.encode()
    ink, logical = ffi.new("PangoRectangle *"), ffi.new("PangoRectangle *")
    run = line.runs
    while run != ffi.NULL:
        glyph_item, run = run.data, run.next
        item, glyphs = glyph_item.item, glyph_item.glyphs
        font, font_size = stream.add_font(item.analysis.font)
        infos = [glyphs.glyphs[i] for i in range(glyphs.num_glyphs)]
        run_text = utf8[item.offset : item.offset + item.length].decode()
        if (
            font.type != "ttf"  # CIDToGIDMap applies to TrueType outlines only
            or font.bitmap
            or font.png
            or font.svg
            or font.colr
            or item.analysis.level % 2  # SafeVillage prints no right-to-left text
            or not any("\u1780" <= char <= "\u17ff" or "\u19e0" <= char <= "\u19ff" for char in run_text)
            or any(info.glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG for info in infos)  # WeasyPrint maps tofu itself
        ):
            continue
        if pango.pango_version() < 14802:  # the same workaround as WeasyPrint's draw_first_line
            font_size = css_font_size
        clusters = [glyphs.log_clusters[i] for i in range(len(infos))]
        bounds = pairwise([*sorted(set(clusters)), item.length])
        texts = {a: utf8[item.offset + a : item.offset + b].decode() for a, b in bounds}
        carried = _carry(infos, clusters, texts, 1000 * FROM_UNITS / font_size, pango.PANGO_GLYPH_EMPTY)
        if not carried:
            continue
        for i, info in enumerate(infos):
            if info.glyph == pango.PANGO_GLYPH_EMPTY:
                continue
            if i not in carried:  # no text, and the glyph's own advance, as WeasyPrint measures it
                pango.pango_font_get_glyph_extents(item.analysis.font, info.glyph, ink, logical)
                carried[i] = ("", round(logical.width * 1000 * FROM_UNITS / font_size))
            info.glyph = identities.identity(font, info.glyph, *carried[i])


def _install() -> None:
    """Wrap four WeasyPrint 70.0 functions; each defers to the original outside a rendering."""
    import pydyf  # type: ignore[import-untyped]
    from weasyprint.draw import text as draw_text
    from weasyprint.pdf import fonts
    from weasyprint.text.line_break import Layout

    draw_first_line, get_first_line = draw_text.draw_first_line, Layout.get_first_line
    subset, build_vector_font = fonts.Font.subset, fonts._build_vector_font_dictionary

    def patched_draw_first_line(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        token = _drawing.set((stream, textbox.style["font_size"]))
        try:
            return draw_first_line(stream, textbox, *args, **kwargs)
        finally:
            _drawing.reset(token)

    def patched_get_first_line(self: Any) -> Any:
        # draw_first_line asks again after shortening the text for an ellipsis: each fresh line
        # is rewritten. During layout (_drawing unset) nothing changes.
        first_line, index = get_first_line(self)
        identities, drawing = _identities.get(), _drawing.get()
        if identities is not None and drawing is not None:
            _rewrite_line(first_line, self.text, *drawing, identities)
        return first_line, index

    def patched_subset(self: Any, to_unicode: dict[int, str], hinting: bool) -> Any:
        # Keep the real glyphs behind the aliases in the subset font, not the aliases.
        identities = _identities.get()
        targets = identities.targets.get(self.hash, {}) if identities else {}
        return subset(self, {targets.get(glyph, glyph): text for glyph, text in to_unicode.items()}, hinting)

    def patched_build_vector_font(dictionary: Any, pdf: Any, font: Any, widths: Any, compress: bool, *args: Any) -> Any:
        identities = _identities.get()
        targets = identities.targets.get(font.hash, {}) if identities else {}
        # Whole-font embedding measures widths from the font file, which has no aliases.
        widths = {**{alias: widths[glyph] for alias, glyph in targets.items() if glyph in widths}, **widths}
        result = build_vector_font(dictionary, pdf, font, widths, compress, *args)
        if targets:
            # Identity for the font's own glyphs, each alias to its glyph, zeros (.notdef) in
            # between, which compress to almost nothing. Big-endian, as PDF wants.
            cid_to_gid = array("H", range(font.glyph_count)) + array(
                "H", bytes(2 * (max(targets) + 1 - font.glyph_count))
            )
            for alias, glyph in targets.items():
                cid_to_gid[alias] = glyph
            if sys.byteorder == "little":
                cid_to_gid.byteswap()
            stream = pydyf.Stream([cid_to_gid.tobytes()], compress=compress)
            pdf.add_object(stream)
            # The original added the descendant font to ``pdf``; its reference reads "n 0 R".
            pdf.objects[int(dictionary["DescendantFonts"][0].split()[0])]["CIDToGIDMap"] = stream.reference
        return result

    draw_text.draw_first_line = patched_draw_first_line
    Layout.get_first_line = patched_get_first_line
    fonts.Font.subset = patched_subset
    fonts._build_vector_font_dictionary = patched_build_vector_font


_installed = False


@contextmanager
def exact_text_extraction() -> Iterator[None]:
    """Render WeasyPrint PDFs inside this block so that their Khmer text extracts as written.

    Pinned to WeasyPrint 70.0, whose internals the patches follow: with another version the
    PDF is rendered unpatched (right on the page, Khmer extraction possibly garbled) and a
    warning is logged, so that an upgrade is noticed and this module revisited.
    """
    global _installed
    import weasyprint

    if weasyprint.__version__ != PATCHED_VERSION:
        logger.warning(
            "WeasyPrint %s is not %s: PDF text extraction not corrected", weasyprint.__version__, PATCHED_VERSION
        )
        yield
        return
    with _install_lock:  # wrapping twice would rewrite glyph ids twice
        if not _installed:
            _install()
            _installed = True
    token = _identities.set(_Identities())
    try:
        yield
    finally:
        _identities.reset(token)
