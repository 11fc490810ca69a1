"""The communes x categories table (``communes.commune_table``) as CSV: UTF-8 with a
byte-order mark, so that Excel reads Khmer; one row per commune, category and period, with
the link to the records each row counts."""

from __future__ import annotations

import csv
import io

from safevillage.core.periods import Period
from safevillage.places.codes import under
from safevillage.places.models import Level, Place
from safevillage.policy.models import Category
from safevillage.reports.communes import commune_table
from safevillage.reports.models import MEASURES
from safevillage.reports.trace import trace_url

HEADER = [
    "province",
    "district",
    "commune",
    "commune_name_km",
    "commune_name_latin",
    "category",
    "category_name_km",
    "category_name_en",
    "period",
    *MEASURES,
    "records",
]


def render_communes_csv(place_code: str, period: Period) -> bytes:
    communes = Place.objects.filter(under("code", place_code), level=Level.COMMUNE)
    names = {code: (km, latin) for code, km, latin in communes.values_list("code", "name_km", "name_latin")}
    categories = {c.id: c for c in Category.objects.all()}
    rows = sorted(commune_table(place_code, period), key=lambda row: (row[0], categories[row[1]].code, row[2]))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for commune, category_id, period_id, *counters in rows:
        category = categories[category_id]
        name_km, name_latin = names.get(commune, ("", ""))
        link = trace_url({"place": commune, "period": period_id, "category": category.code, "status": "counted"})
        writer.writerow(
            [
                commune[:2],
                commune[:4],
                commune,
                name_km,
                name_latin,
                category.code,
                category.name_km,
                category.name_en,
                period_id,
                *counters,
                link,
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
