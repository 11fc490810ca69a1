"""The award certificate as a PDF, in Khmer and English, printed by WeasyPrint.

As for the reports' PDF (``reports/exports/pdf.py``): the Khmer text is given zero-width
spaces between clusters (``core.wordbreak``) so that it wraps, nothing is drawn as SVG text
(WeasyPrint renders Khmer inside SVG broken), and the style is a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from safevillage.awards.models import AwardKind, AwardLevel, Nomination
from safevillage.core.wordbreak import break_html
from safevillage.reports.exports.pdf_text import exact_text_extraction

STYLESHEET = Path(__file__).with_name("certificate.css")


def _texts(nomination: Nomination, language: str) -> dict[str, str]:
    from django.utils.translation import gettext as _

    award_round = nomination.round
    area = award_round.area
    with translation.override(language):
        if area is None:
            authority = _("National secretariat of the Safe Village-Commune Policy")
            where = _("Cambodia")
        else:
            name = area.name_km if language == "km" else area.name_latin
            if award_round.level == AwardLevel.PROVINCE:
                authority = _("Provincial secretariat of %(area)s") % {"area": name}
            else:
                authority = _("District secretariat of %(area)s") % {"area": name}
            where = name
        if award_round.kind == AwardKind.COMMUNE:
            award = _("Safe Village-Commune award of %(year)s: commune placed %(position)s in %(area)s") % {
                "year": award_round.year,
                "position": nomination.rank,
                "area": where,
            }
        else:
            award = _("Outstanding officer of %(year)s of %(area)s") % {"year": award_round.year, "area": where}
        return {
            "title": _("Certificate of award"),
            "awarded_to": _("Awarded to"),
            "award": award,
            "level_label": _("Level"),
            "level": str(AwardLevel(award_round.level).label),
            "year_label": _("Year"),
            "authority_label": _("Decided by"),
            "authority": authority,
            "date_label": _("Date of the decision"),
            "verify": _("Check this certificate at the address below, or with its code."),
        }


def render_certificate(nomination: Nomination, verify_url: str) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which pages that never print need not pay.
    from weasyprint import CSS, HTML

    award_round = nomination.round
    if award_round.kind == AwardKind.COMMUNE and nomination.place is not None:
        place = nomination.place
        name_km, name_latin = place.name_km, place.name_latin
    else:
        # An officer has one name, as the register spells it: printed once.
        name_km = nomination.name_km or nomination.name_latin
        name_latin = nomination.name_latin or name_km
    context: dict[str, Any] = {
        "km": _texts(nomination, "km"),
        "en": _texts(nomination, "en"),
        "name_km": name_km,
        "name_latin": name_latin,
        "year": award_round.year,
        "decided_on": nomination.decided_at.date().isoformat() if nomination.decided_at else "",
        "code": nomination.verification_code,
        "verify_url": verify_url,
    }
    # The Khmer text's figures and date in Khmer digits; the English lines keep theirs.
    html = break_html(render_to_string("awards/certificate.html", context), khmer_digits=True)
    with exact_text_extraction():  # Khmer text extracts garbled from WeasyPrint PDFs otherwise
        pdf: bytes = HTML(string=html).write_pdf(stylesheets=[CSS(filename=STYLESHEET)])
    return pdf
