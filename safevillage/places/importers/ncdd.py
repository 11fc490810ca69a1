"""The NCDD gazetteer as one flat CSV, one line per administrative unit.

Columns: ``level,code,parent_code,name_latin,name_km,name_ungegn,unit_type_en,
unit_type_latin,unit_type_km,lat,lon,...`` — level is province/district/commune/village,
unit_type_latin one of Khaet, Reach Theani, Srok, Khan, Krong, Khum, Sangkat, Phum. The
list states unit types, so they replace any inferred ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from safevillage.places.importers import progress
from safevillage.places.importers.csvfile import ImportFileError, records
from safevillage.places.importers.report import ImportReport
from safevillage.places.importers.store import Options, store_places
from safevillage.places.importers.validation import PlaceRow

SOURCE = "ncdd"
REQUIRED = ["level", "code", "parent_code", "name_latin", "name_km", "unit_type_latin"]


def read_rows(path: Path, report: ImportReport, *, show_progress: bool) -> Iterator[PlaceRow]:
    try:
        stream = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise ImportFileError(_("%(file)s cannot be opened: %(error)s") % {"file": path, "error": error}) from None
    with stream:
        lines = records(stream, name=path.name, required=REQUIRED, report=report)
        report.files.append(path.name)
        for line, row in progress.bar(lines, enabled=show_progress, desc=path.name):
            yield PlaceRow(
                file=path.name,
                line=line,
                code=row["code"],
                level_raw=row["level"],
                name_km=row["name_km"],
                name_latin=row["name_latin"],
                # A file that gives the type only in Khmer is understood too.
                unit_type_raw=row["unit_type_latin"] or row.get("unit_type_km", ""),
                unit_type_stated=True,
                listed_parent=row["parent_code"],
                latitude_raw=row.get("lat", ""),
                longitude_raw=row.get("lon", ""),
            )


def import_ncdd(path: Path, *, options: Options) -> ImportReport:
    report = ImportReport(source=_("NCDD list (%(file)s)") % {"file": path.name})
    rows = list(read_rows(path, report, show_progress=options.show_progress))
    store_places(rows, source=SOURCE, report=report, options=options)
    return report
