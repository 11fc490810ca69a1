"""Boundaries: a GeoJSON FeatureCollection of polygons whose properties carry the place's NCDD
code (OCHA/HDX's administrative boundaries and their reconstructions do), one file per level
or several levels in one.

A feature is refused when its code is missing, malformed or not in the gazetteer (the shapes
are older than today's list: 14 districts created since 2014 have none, and some old codes
have no successor), when its code came before in the file, or when its geometry is not a
Polygon or MultiPolygon of closed rings inside Cambodia (a swapped longitude and latitude
falls outside). The current places of a level the file covers that get no polygon are
reported as missing: a map shows them as a point, or in a list beside it.

Coordinates are kept to five decimals (about a metre): the shapes are generalised to tens or
hundreds of metres, and every further digit is bytes that a phone downloads for nothing.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.places.importers.csvfile import ImportFileError
from safevillage.places.importers.report import ImportReport
from safevillage.places.importers.store import Options, batches, record_import
from safevillage.places.importers.validation import clean_code
from safevillage.places.models import LEVEL_BY_LENGTH, Boundary, Place

DIGITS = 5
# Cambodia lies within about 102.3 to 107.7 °E and 9.9 to 14.7 °N (its islands included); a margin
# keeps a border village's polygon, a swapped pair falls far outside.
LONGITUDE = (101.0, 109.0)
LATITUDE = (9.0, 15.5)
GEOMETRY_TYPES = {"Polygon", "MultiPolygon"}


@dataclass
class Shape:
    feature: int  # 1-based, as a GIS program numbers features
    code: str
    geometry: dict[str, Any]
    box: tuple[float, float, float, float]  # west, south, east, north


def read_features(path: Path, report: ImportReport) -> list[Any]:
    """The features of the file; the whole file is refused if it is not a GeoJSON FeatureCollection."""
    report.files.append(path.name)
    try:
        with path.open(encoding="utf-8-sig") as stream:
            data = json.load(stream)
    except OSError as error:
        raise ImportFileError(_("%(file)s cannot be opened: %(error)s") % {"file": path, "error": error}) from None
    except UnicodeDecodeError:
        raise ImportFileError(_("%(file)s is not UTF-8 text.") % {"file": path.name}) from None
    except json.JSONDecodeError as error:
        raise ImportFileError(
            _("%(file)s is not JSON: it breaks at line %(line)d, column %(column)d.")
            % {"file": path.name, "line": error.lineno, "column": error.colno}
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise ImportFileError(_("%(file)s is not a GeoJSON FeatureCollection.") % {"file": path.name})
    report.read = len(data["features"])
    return data["features"]


def _ring_problem(ring: Any) -> str | None:
    if not isinstance(ring, list) or len(ring) < 4:
        return _("a ring has fewer than four positions")
    for position in ring:
        if not (
            isinstance(position, list)
            and len(position) >= 2
            and all(isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n) for n in position[:2])
        ):
            return _("a position is not a pair of numbers")
        longitude, latitude = position[0], position[1]
        if not (LONGITUDE[0] <= longitude <= LONGITUDE[1] and LATITUDE[0] <= latitude <= LATITUDE[1]):
            return _(
                "the position %(longitude)s, %(latitude)s is outside Cambodia (longitude and latitude swapped?)"
            ) % {
                "longitude": longitude,
                "latitude": latitude,
            }
    if ring[0][:2] != ring[-1][:2]:
        return _("a ring is not closed (its last position is not its first)")
    return None


def check_geometry(geometry: Any) -> str | None:
    """Why a geometry cannot be drawn as a place's outline, or None."""
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        return _("the geometry is %(kind)s, not a Polygon or MultiPolygon") % {"kind": kind or _("missing")}
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return _("the geometry has no coordinates")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return _("a polygon has no rings")
        for ring in polygon:
            if problem := _ring_problem(ring):
                return problem
    return None


def rounded(geometry: dict[str, Any]) -> tuple[dict[str, Any], tuple[float, float, float, float]]:
    """The geometry with its coordinates to DIGITS decimals, and its bounding box."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    out = [[[[round(p[0], DIGITS), round(p[1], DIGITS)] for p in ring] for ring in polygon] for polygon in polygons]
    longitudes = [p[0] for polygon in out for ring in polygon for p in ring]
    latitudes = [p[1] for polygon in out for ring in polygon for p in ring]
    coordinates: list[Any] = out[0] if geometry["type"] == "Polygon" else out
    return {"type": geometry["type"], "coordinates": coordinates}, (
        min(longitudes),
        min(latitudes),
        max(longitudes),
        max(latitudes),
    )


def check_features(
    features: list[Any], *, file: str, code_property: str, known: set[str], report: ImportReport
) -> list[Shape]:
    """The shapes to load; every other feature is reported with its number."""
    seen: dict[str, int] = {}
    shapes: list[Shape] = []
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        raw = properties.get(code_property) if isinstance(properties, dict) else None
        code = clean_code(str(raw)) if raw is not None else ""
        if not code:
            report.refuse(file, number, "", _("no %(property)s property") % {"property": code_property})
            continue
        if not (code.isascii() and code.isdigit()) or len(code) not in LEVEL_BY_LENGTH:
            report.refuse(
                file,
                number,
                code,
                _("code %(code)r is not an NCDD code of 2, 4, 6 or 8 digits") % {"code": code},
                reason="code",
            )
            continue
        if code in seen:
            report.refuse(
                file,
                number,
                code,
                _("the code %(code)s was already given by feature %(first)d") % {"code": code, "first": seen[code]},
                reason="duplicate",
            )
            continue
        seen[code] = number
        if code not in known:
            report.refuse(
                file, number, code, _("no current place has the code %(code)s") % {"code": code}, reason="unknown"
            )
            continue
        if problem := check_geometry(feature.get("geometry")):
            report.refuse(file, number, code, problem)
            continue
        geometry, box = rounded(feature["geometry"])
        shapes.append(Shape(number, code, geometry, box))
    return shapes


def report_missing(shapes: list[Shape], report: ImportReport) -> None:
    """The current places of the levels the file covers that it gives no outline."""
    given = {shape.code for shape in shapes}
    levels = {LEVEL_BY_LENGTH[len(code)] for code in given}
    places = Place.objects.current().filter(level__in=levels).order_by("code")
    for code, latitude in places.values_list("code", "latitude"):
        if code in given:
            continue
        if latitude is not None:
            report.missing(code, _("no outline: a map shows it as a point"))
        else:
            report.missing(code, _("no outline and no coordinates: a map lists it beside the map"))


def import_boundaries(path: Path, *, options: Options, code_property: str = "code") -> ImportReport:
    """Load the outlines of ``path``; a place's earlier outline is replaced."""
    started = time.monotonic()
    report = ImportReport(source=_("boundaries (%(file)s)") % {"file": path.name})
    features = read_features(path, report)
    with transaction.atomic():
        places = dict(Place.objects.current().values_list("code", "id"))
        shapes = check_features(features, file=path.name, code_property=code_property, known=set(places), report=report)
        if not options.partial:
            report_missing(shapes, report)
        existing = {
            row["place_id"]: row["geometry"]
            for row in Boundary.objects.filter(place_id__in=[places[s.code] for s in shapes]).values(
                "place_id", "geometry"
            )
        }
        new, changed = [], []
        now = timezone.now()  # bulk_update leaves auto_now alone
        for shape in shapes:
            boundary = Boundary(place_id=places[shape.code], geometry=shape.geometry, source=path.name, updated_at=now)
            boundary.west, boundary.south, boundary.east, boundary.north = shape.box
            if boundary.place_id not in existing:
                new.append(boundary)
            elif existing[boundary.place_id] != shape.geometry:
                changed.append(boundary)
        report.created, report.updated = len(new), len(changed)
        report.unchanged = len(shapes) - len(new) - len(changed)
        if options.may_write(report):
            for batch in batches(new):
                Boundary.objects.bulk_create(batch)
            for batch in batches(changed):
                Boundary.objects.bulk_update(
                    batch, ["geometry", "west", "south", "east", "north", "source", "updated_at"]
                )
            record_import(report, source=f"boundaries:{path.name}", reason=options.reason)
            report.written = True
    report.seconds = time.monotonic() - started
    return report
