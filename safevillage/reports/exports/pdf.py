"""The report as a PDF, printed by WeasyPrint from an HTML template.

Khmer shapes correctly through Pango with the Khmer OS or Noto Khmer fonts, but has no
spaces for the line breaker: ``core.wordbreak.break_html`` inserts zero-width spaces between
Khmer clusters so that long Khmer names and texts wrap inside table cells. Charts are SVG
shapes with every word in HTML (``charts.render``): WeasyPrint renders Khmer inside SVG
``<text>`` broken.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import get_language

from safevillage.core.wordbreak import break_html
from safevillage.reports.exports.pdf_text import exact_text_extraction

# The print style sheet, a file like every style of the product (no <style> in templates).
STYLESHEET = Path(__file__).with_name("pdf.css")
KHMER_STYLESHEET = Path(__file__).with_name("pdf-km.css")
CHART_STYLESHEET = Path(__file__).parents[2] / "charts" / "static" / "charts" / "charts.css"


def render_pdf(context: dict[str, Any]) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which pages that never print need not pay.
    from weasyprint import CSS, HTML

    # Printed in Khmer, figures and dates are in Khmer digits, as officials print them.
    khmer = (get_language() or "").startswith("km")
    html = break_html(render_to_string("reports/pdf.html", context), khmer_digits=khmer)
    with exact_text_extraction():  # Khmer text extracts garbled from WeasyPrint 70 PDFs otherwise
        sheets = [STYLESHEET, CHART_STYLESHEET, *([KHMER_STYLESHEET] if khmer else [])]
        pdf: bytes = HTML(string=html).write_pdf(stylesheets=[CSS(filename=sheet) for sheet in sheets])
    return pdf
