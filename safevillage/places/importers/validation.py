"""The checks every gazetteer import applies, whatever the format.

Each line is checked on its own (code, level, names, unit type, coordinates), then against
the others: a code appears once (the first line wins, every later line is named), a place's
parent — its code without the last two digits — is loaded or already in the database, and a
child of a refused parent is refused too. Identical names among siblings are loaded but
named, since they are usually a copying error in the source list.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safevillage.core.khmer import to_ascii_digits
from safevillage.places.importers.report import ImportReport
from safevillage.places.models import CODE_LENGTH, UNIT_TYPES_BY_LEVEL, Level, UnitType

NAME_MAX_LENGTH = 200

LEVEL_NAMES = {
    "province": Level.PROVINCE,
    "capital": Level.PROVINCE,
    "district": Level.DISTRICT,
    "commune": Level.COMMUNE,
    "village": Level.VILLAGE,
}

# Plurals for messages such as "8 communes of 2503 share the name Kokir/គគីរ".
LEVEL_PLURALS = {
    Level.PROVINCE: gettext_lazy("provinces"),
    Level.DISTRICT: gettext_lazy("districts"),
    Level.COMMUNE: gettext_lazy("communes"),
    Level.VILLAGE: gettext_lazy("villages"),
}

# How the lists write unit types (Latin, as NCDD spells them, and Khmer), keyed without
# spaces or case. NCDD writes "Reach Theani"; the usual romanisation is "Reach Thani".
UNIT_TYPE_NAMES: dict[str, UnitType] = {
    "khaet": UnitType.KHAET,
    "reachtheani": UnitType.REACH_THANI,
    "reachthani": UnitType.REACH_THANI,
    "srok": UnitType.SROK,
    "khan": UnitType.KHAN,
    "krong": UnitType.KRONG,
    "khum": UnitType.KHUM,
    "sangkat": UnitType.SANGKAT,
    "phum": UnitType.PHUM,
    "ខេត្ត": UnitType.KHAET,
    "រាជធានី": UnitType.REACH_THANI,
    "ស្រុក": UnitType.SROK,
    "ខណ្ឌ": UnitType.KHAN,
    "ក្រុង": UnitType.KRONG,
    "ឃុំ": UnitType.KHUM,
    "សង្កាត់": UnitType.SANGKAT,
    "ភូមិ": UnitType.PHUM,
}

# Cambodia lies within these bounds, with a margin; a coordinate outside is a typo.
LATITUDE_RANGE = (Decimal("9.5"), Decimal("15.0"))
LONGITUDE_RANGE = (Decimal("102.0"), Decimal("108.0"))
_MICRODEGREE = Decimal("0.000001")


@dataclass
class PlaceRow:
    """One line of a gazetteer file, as read (``*_raw``) and as checked."""

    file: str
    line: int
    code: str
    level_raw: str
    name_km: str
    name_latin: str
    unit_type_raw: str = ""
    listed_parent: str = ""
    latitude_raw: str = ""
    longitude_raw: str = ""
    # A list that states unit types must state one on every line; others are inferred.
    unit_type_stated: bool = False
    # Set by the checks (and, for lists without unit types, by the inference).
    level: int = 0
    unit_type: str = ""
    unit_type_inferred: bool = False
    latitude: Decimal | None = None
    longitude: Decimal | None = None

    @property
    def parent_code(self) -> str:
        return self.code[:-2]


def clean_name(text: str) -> str:
    """NFC and single spaces: the lists carry stray double and trailing spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def clean_code(text: str) -> str:
    return to_ascii_digits(text.strip())


def parse_unit_type(text: str) -> UnitType | None:
    key = "".join(unicodedata.normalize("NFC", text).split()).replace("_", "").casefold()
    return UNIT_TYPE_NAMES.get(key)


def level_label(level: int) -> str:
    return str(Level(level).label).lower()


def check_places(rows: Iterable[PlaceRow], *, known_codes: set[str], report: ImportReport) -> list[PlaceRow]:
    """The rows to load, parents before children; every other row is reported."""
    return _Checker(report, known_codes).run(rows)


class _Checker:
    def __init__(self, report: ImportReport, known_codes: set[str]) -> None:
        self.report = report
        self.known_codes = known_codes
        self.refused: set[tuple[str, int]] = set()  # (file, line) of every refused row

    def refuse(self, row: PlaceRow, problem: str, *, reason: str = "other") -> None:
        self.report.refuse(row.file, row.line, row.code, problem, reason=reason)
        self.refused.add((row.file, row.line))

    def is_refused(self, row: PlaceRow) -> bool:
        return (row.file, row.line) in self.refused

    def run(self, rows: Iterable[PlaceRow]) -> list[PlaceRow]:
        # One line per code: the first line with a numeric code keeps it, even when that
        # line is refused for another reason (then no line of the code is loaded).
        by_code: dict[str, list[PlaceRow]] = defaultdict(list)
        for row in rows:
            if self.check_line(row):
                by_code[row.code].append(row)
        # Parents before children, so that a refused parent is known when its children come.
        accepted: list[PlaceRow] = []
        accepted_codes: set[str] = set()
        refused_codes: dict[str, PlaceRow] = {}
        for row in sorted((group[0] for group in by_code.values()), key=lambda r: r.level):
            if self.is_refused(row) or (
                row.level > Level.PROVINCE and not self.parent_found(row, accepted_codes, refused_codes)
            ):
                refused_codes[row.code] = row
                continue
            accepted.append(row)
            accepted_codes.add(row.code)
        # After the parents are checked, so that "kept line n" is said only of a loaded line.
        for code, group in by_code.items():
            if len(group) > 1:
                self.refuse_duplicates(code, group)

        self.warn_same_names(accepted)
        return accepted

    def check_line(self, row: PlaceRow) -> bool:
        """The checks of one line on its own (refusing it on any problem); whether its code
        is numeric, so that it takes part in the search for duplicates."""
        problems: list[tuple[str, str]] = []  # (reason, problem)
        raw_code = row.code
        row.code = clean_code(raw_code)
        code_ok = row.code.isascii() and row.code.isdigit()
        if not row.code:
            problems.append(("code", _("no code")))
        elif not code_ok:
            problems.append(("code", _("code %(code)r is not numeric") % {"code": raw_code.strip()}))

        level = LEVEL_NAMES.get(row.level_raw.strip().casefold())
        if not row.level_raw.strip():
            problems.append(("other", _("no level")))
        elif level is None:
            problems.append(("other", _("unknown level %(level)r") % {"level": row.level_raw.strip()}))
        else:
            row.level = level
            expected = CODE_LENGTH[level]
            if code_ok and len(row.code) != expected:
                problems.append(
                    (
                        "code",
                        _("code %(code)s has %(digits)d digits; a %(level)s code has %(expected)d")
                        % {
                            "code": row.code,
                            "digits": len(row.code),
                            "level": level_label(level),
                            "expected": expected,
                        },
                    )
                )

        row.name_km, row.name_latin = clean_name(row.name_km), clean_name(row.name_latin)
        if not row.name_km and not row.name_latin:
            problems.append(("other", _("no name in either script")))
        if max(len(row.name_km), len(row.name_latin)) > NAME_MAX_LENGTH:
            problems.append(("other", _("a name is longer than %(max)d characters") % {"max": NAME_MAX_LENGTH}))

        if row.unit_type_stated and not row.unit_type_raw.strip():
            problems.append(("other", _("no unit type")))
        elif row.unit_type_raw.strip():
            unit_type = parse_unit_type(row.unit_type_raw)
            if unit_type is None:
                problems.append(("other", _("unknown unit type %(type)r") % {"type": row.unit_type_raw.strip()}))
            elif row.level and unit_type not in UNIT_TYPES_BY_LEVEL[Level(row.level)]:
                problems.append(
                    (
                        "other",
                        _("unit type %(type)s does not fit a %(level)s")
                        % {"type": row.unit_type_raw.strip(), "level": level_label(row.level)},
                    )
                )
            else:
                row.unit_type = unit_type

        for reason, problem in problems:
            self.refuse(row, problem, reason=reason)
        if not problems:
            self.check_one_name(row)
            self.check_coordinates(row)
        return code_ok

    def check_one_name(self, row: PlaceRow) -> None:
        """A place named in one script only is still a place where incidents happen: it is
        loaded, said, and keeps the other name if the database has one."""
        if not row.name_latin:
            problem = _("no Latin name: loaded with its Khmer name only (a Latin name already known is kept)")
        elif not row.name_km:
            problem = _("no Khmer name: loaded with its Latin name only (a Khmer name already known is kept)")
        else:
            return
        self.report.warn(row.file, row.line, row.code, problem)

    def check_coordinates(self, row: PlaceRow) -> None:
        """Coordinates are optional: a bad pair is reported and left out, the place loaded."""
        lat_raw, lon_raw = row.latitude_raw.strip(), row.longitude_raw.strip()
        if not lat_raw and not lon_raw:
            return
        values = {"lat": lat_raw or "-", "lon": lon_raw or "-"}
        try:
            lat, lon = Decimal(lat_raw), Decimal(lon_raw)
            finite = lat.is_finite() and lon.is_finite()
        except InvalidOperation:
            finite = False
        if not finite:
            problem = _("coordinates %(lat)s, %(lon)s are not numbers: not loaded") % values
        elif not (LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1] and LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]):
            problem = _("coordinates %(lat)s, %(lon)s are outside Cambodia: not loaded") % values
        else:
            row.latitude, row.longitude = lat.quantize(_MICRODEGREE), lon.quantize(_MICRODEGREE)
            return
        self.report.warn(row.file, row.line, row.code, problem)

    def refuse_duplicates(self, code: str, group: list[PlaceRow]) -> None:
        """Every later line of a code is refused and named; the first one keeps the code."""
        first = group[0]
        values = {"code": code, "lines": ", ".join(str(row.line) for row in group), "kept": first.line}
        if self.is_refused(first):
            problem = _("duplicate code %(code)s at lines %(lines)s: line %(kept)d was refused, so none is loaded")
        else:
            problem = _("duplicate code %(code)s at lines %(lines)s: kept line %(kept)d")
        for row in group[1:]:
            self.refuse(row, problem % values, reason="duplicate")

    def parent_found(self, row: PlaceRow, accepted_codes: set[str], refused_codes: dict[str, PlaceRow]) -> bool:
        parent = row.parent_code
        listed = row.listed_parent.strip()
        if parent in refused_codes:
            refused_parent = refused_codes[parent]
            self.refuse(
                row,
                _("its parent %(parent)s was refused (%(file)s line %(line)d)")
                % {"parent": parent, "file": refused_parent.file, "line": refused_parent.line},
                reason="parent",
            )
            return False
        if parent not in accepted_codes and parent not in self.known_codes:
            problem = _("its parent %(parent)s is neither in this list nor in the database") % {"parent": parent}
            if listed and listed != parent:
                problem += _(" (the list files it under %(listed)s)") % {"listed": listed}
            self.refuse(row, problem, reason="parent")
            return False
        if listed and listed != parent:
            # The code is the identity and the path (see models), so the place is filed by it.
            self.report.warn(
                row.file,
                row.line,
                row.code,
                _("listed under %(level)s %(listed)s, but its code places it under %(parent)s: filed under %(parent)s")
                % {"level": level_label(row.level - 1), "listed": listed, "parent": parent},
            )
        return True

    def warn_same_names(self, accepted: list[PlaceRow]) -> None:
        """Name sibling places that share a name: in both scripts, or in one only."""
        both: dict[str, list[PlaceRow]] = defaultdict(list)
        latin: dict[str, list[PlaceRow]] = defaultdict(list)
        khmer: dict[str, list[PlaceRow]] = defaultdict(list)
        for row in accepted:
            if row.name_latin and row.name_km:
                both[f"{row.parent_code}|{row.name_latin.casefold()}|{row.name_km}"].append(row)
            if row.name_latin:
                latin[f"{row.parent_code}|{row.name_latin.casefold()}"].append(row)
            if row.name_km:
                khmer[f"{row.parent_code}|{row.name_km}"].append(row)
        identical = {tuple(row.code for row in group) for group in both.values() if len(group) > 1}
        messages = [
            (both, _("%(count)d %(level)s of %(parent)s share the name %(latin)s/%(km)s: %(codes)s (lines %(lines)s)")),
            (
                latin,
                _(
                    "%(count)d %(level)s of %(parent)s share the Latin name %(latin)s, not the Khmer one: "
                    "%(codes)s (lines %(lines)s)"
                ),
            ),
            (
                khmer,
                _(
                    "%(count)d %(level)s of %(parent)s share the Khmer name %(km)s, not the Latin one: "
                    "%(codes)s (lines %(lines)s)"
                ),
            ),
        ]
        for groups, message in messages:
            for group in groups.values():
                codes = tuple(row.code for row in group)
                if len(group) < 2 or (groups is not both and codes in identical):
                    continue
                first = group[0]
                self.report.warn(
                    first.file,
                    first.line,
                    first.parent_code,
                    message
                    % {
                        "count": len(group),
                        "level": LEVEL_PLURALS[Level(first.level)],
                        "parent": first.parent_code or "-",
                        "latin": first.name_latin,
                        "km": first.name_km,
                        "codes": ", ".join(codes),
                        "lines": ", ".join(str(row.line) for row in group),
                    },
                )
