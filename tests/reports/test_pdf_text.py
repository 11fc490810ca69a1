"""Khmer text comes back out of our PDFs as it was written, while the pages look the same.

WeasyPrint 70 maps each glyph to the text of its first use; Khmer shares glyphs between
clusters (split vowels, COENG RO, subscripts), so without pdf_text its PDFs extract garbled.
"""

from __future__ import annotations

import gettext
import io
import logging
import re
import shutil
import subprocess
from contextlib import nullcontext
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from safevillage.core.wordbreak import break_html, strip_breaks
from safevillage.reports.exports.pdf_text import exact_text_extraction

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")

# Words whose glyphs are shared with other clusters: split vowels (ោ ើ), COENG RO, subscripts.
WORDS = ("ចោរកម្ម", "បទល្មើស", "ប្រជាជន", "គ្រោះថ្នាក់ចរាចរណ៍", "កណ្តាល", "សេចក្ដីព្រាង", "ឆ្នាំ", "គ្រាមុន", "បានដោះស្រាយ")
REPORT_FONTS = '"Noto Sans", "Khmer OS System", "Noto Sans Khmer", "Khmer OS", sans-serif'  # as reports/pdf.html
CATALOGUE = Path(__file__).parents[2] / "safevillage/locale/km/LC_MESSAGES/django.mo"


def _installed(family: str) -> bool:
    fonts = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    return family in fonts


KHMER_FONTS = [
    pytest.param(family, marks=pytest.mark.skipif(not _installed(family), reason=f"{family} is not installed"))
    for family in ("Khmer OS System", "Noto Sans Khmer")
]


def _page(body: str, fonts: str = REPORT_FONTS) -> str:
    return f"<style>body {{ font-family: {fonts}; font-size: 8.5pt }}</style>{body}"


def _pdf(html: str, *, exact: bool = True) -> bytes:
    """The PDF as render_pdf prints it: zero-width spaces between clusters, then WeasyPrint."""
    from weasyprint import HTML

    with exact_text_extraction() if exact else nullcontext():
        pdf: bytes = HTML(string=break_html(html)).write_pdf()
    return pdf


def _text(pdf: bytes, tmp_path: Path, *options: str) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    command = ["pdftotext", *options, "-enc", "UTF-8", str(path), "-"]
    return strip_breaks(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def _plain(text: str) -> str:
    """pdftotext puts spaces and line ends between glyph runs: compare without them."""
    return re.sub(r"\s+", "", strip_breaks(text))


def _words_in_contexts() -> str:
    alone = "".join(f"<p>{word}</p>" for word in WORDS)
    return alone + f"<p>{' '.join(WORDS)}</p>" + "".join(f"<p>ក្នុង{word}នេះ</p>" for word in WORDS)


@pytest.mark.parametrize("family", KHMER_FONTS)
def test_khmer_words_sharing_glyphs_come_back_out_as_written(family, tmp_path):
    plain = _plain(_text(_pdf(_page(_words_in_contexts(), f'"{family}"')), tmp_path))
    for word in WORDS:
        assert word in plain, word
        assert f"ក្នុង{word}នេះ" in plain, word
    assert "".join(WORDS) in plain


def test_outside_the_block_weasyprint_prints_as_shipped_and_garbles_them(tmp_path):
    # If this fails, WeasyPrint has fixed issue #2841 upstream: pdf_text can then go.
    _pdf(_page(_words_in_contexts()))  # the patches are installed, and inert outside the block
    plain = _plain(_text(_pdf(_page(_words_in_contexts()), exact=False), tmp_path))
    assert not all(word in plain for word in WORDS)


def test_latin_text_and_numbers_still_come_back_out(tmp_path):
    row = "<tr><td>Traffic accident</td><td>110</td><td>100</td></tr>"
    body = f"<p>Report 2022: -78% 96% +10% ចោរកម្ម 110</p><table>{row}</table>"
    text = _text(_pdf(_page(body)), tmp_path, "-layout")
    assert "Report 2022: -78% 96% +10%" in text
    assert "ចោរកម្ម" in _plain(text) and "110" in text
    assert any(line.split() == ["Traffic", "accident", "110", "100"] for line in text.splitlines())


@pytest.mark.skipif(not CATALOGUE.exists(), reason="the Khmer catalogue is not compiled: run `make messages`")
def test_every_khmer_string_of_the_catalogue_comes_back_out(tmp_path):
    with CATALOGUE.open("rb") as file:
        strings = [s for s in gettext.GNUTranslations(file)._catalog.values() if re.search("[\u1780-\u17ff]", s)]
    strings = [re.sub(r"%\(\w+\)[sd]|%[sd]|[<>&]", "", s) for s in strings]  # no placeholders or markup
    plain = _plain(_text(_pdf(_page("".join(f"<p>{s}</p>" for s in strings))), tmp_path))
    missing = [s for s in strings if re.sub(r"\s+", "", s) not in plain]
    assert len(strings) > 100 and not missing


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_the_pages_look_the_same(tmp_path):
    html = _page(_words_in_contexts() + "<p>Report 2022: -78% 96%</p>")
    pages = []
    for exact in (False, True):
        (tmp_path / "page.pdf").write_bytes(_pdf(html, exact=exact))
        png = subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-singlefile", str(tmp_path / "page.pdf")], capture_output=True, check=True
        )
        pages.append(Image.open(io.BytesIO(png.stdout)).convert("L"))
    difference = ImageChops.difference(*pages)
    # Glyphs may move by WeasyPrint's rounding of a TJ shift (under 1/1000 em): a few pixels of
    # anti-aliasing. A wrong glyph or a misplaced one differs by hundreds of dark pixels.
    changed = sum(difference.histogram()[97:])
    assert pages[0].size == pages[1].size and changed == 0


def test_another_weasyprint_version_prints_unpatched_with_a_warning(monkeypatch, caplog, tmp_path):
    import weasyprint

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with caplog.at_level(logging.WARNING, logger="safevillage.reports.exports.pdf_text"):
        plain = _plain(_text(_pdf(_page(_words_in_contexts())), tmp_path))
    assert "WeasyPrint 71.0 is not 70.0" in caplog.text
    assert not all(word in plain for word in WORDS)
