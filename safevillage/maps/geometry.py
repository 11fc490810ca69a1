"""Outlines as SVG paths, small enough for a phone: project, simplify to the pixel, round.

- Projection: equirectangular with the longitude scaled by cos(latitude) at the middle of
  the frame. Cambodia spans five degrees of latitude (10° to 15° N), over which cos(lat)
  changes by 2%: a conformal projection would not be visibly different on a phone.
- The frame (``VIEW_WIDTH`` units wide, its height following the shapes) is fitted to the
  outlines drawn; the SVG scales to the screen with its viewBox.
- Simplification: Douglas-Peucker at ``TOLERANCE`` units (about half a pixel on a 390 px
  phone), after projection, so that it is done in the units that are drawn; rings smaller
  than ``MIN_RING`` are dropped (islets), but a place keeps at least its largest ring.
- Paths are written with integer coordinates and relative moves ("m 12 3 l 4 -1 …"), about a
  third of the bytes of absolute decimals.

Shared borders are simplified twice, once per neighbour, and may differ by a unit: at
``TOLERANCE`` that is under a pixel, which is why it is kept that small.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

VIEW_WIDTH = 1000
# In viewBox units: 1000 units over a 390 px screen is 2.6 units per pixel.
TOLERANCE = 1.2
MIN_RING = 3.0  # a ring whose box is smaller than this on both sides is not drawn
MARGIN = 4  # units left around the shapes, so that strokes are not cut

Point = tuple[float, float]
Ring = list[Point]


@dataclass(frozen=True)
class Frame:
    """A projection fitted to a bounding box (west, south, east, north) in degrees."""

    west: float
    north: float
    scale: float  # units per degree of latitude
    kx: float  # cos(middle latitude)
    width: int
    height: int

    @classmethod
    def fit(cls, box: tuple[float, float, float, float], width: int = VIEW_WIDTH) -> Frame:
        west, south, east, north = box
        kx = math.cos(math.radians((south + north) / 2))
        span_x = max((east - west) * kx, 1e-9)
        span_y = max(north - south, 1e-9)
        inner = width - 2 * MARGIN
        scale = inner / span_x
        height = math.ceil(span_y * scale) + 2 * MARGIN
        # A tall, thin place (a commune in a river bend) is fitted by its height instead, so
        # that a single commune never makes a page several screens tall.
        if height > width * 1.2:
            scale = (width * 1.2 - 2 * MARGIN) / span_y
            height = math.ceil(span_y * scale) + 2 * MARGIN
        return cls(west, north, scale, kx, width, height)

    def project(self, longitude: float, latitude: float) -> Point:
        return (
            MARGIN + (longitude - self.west) * self.kx * self.scale,
            MARGIN + (self.north - latitude) * self.scale,
        )


def polygons_of(geometry: dict[str, Any]) -> list[list[list[Sequence[float]]]]:
    """A GeoJSON Polygon or MultiPolygon as a list of polygons (lists of rings)."""
    coordinates = geometry.get("coordinates") or []
    return [coordinates] if geometry.get("type") == "Polygon" else list(coordinates)


def box_of(boxes: Iterable[tuple[float, float, float, float]]) -> tuple[float, float, float, float] | None:
    boxes = list(boxes)
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _distance(point: Point, start: Point, end: Point) -> float:
    """Distance from ``point`` to the segment from start to end."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    if dx == 0 and dy == 0:
        return math.hypot(point[0] - start[0], point[1] - start[1])
    t = max(0.0, min(1.0, ((point[0] - start[0]) * dx + (point[1] - start[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(point[0] - start[0] - t * dx, point[1] - start[1] - t * dy)


def simplify(points: Sequence[Point], tolerance: float = TOLERANCE) -> list[Point]:
    """Douglas-Peucker, iterative (a long coastline would pass Python's recursion limit)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, index = 0.0, 0
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > farthest:
                farthest, index = d, i
        if farthest > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _simplified_ring(ring: Sequence[Sequence[float]], frame: Frame) -> Ring:
    projected = [frame.project(p[0], p[1]) for p in ring]
    # A closed ring's first and last points coincide: split it at its farthest point so
    # that Douglas-Peucker has a chord to measure from.
    if len(projected) > 3 and projected[0] == projected[-1]:
        far = max(range(len(projected)), key=lambda i: math.dist(projected[0], projected[i]))
        points = simplify(projected[: far + 1]) + simplify(projected[far:])[1:]
    else:
        points = simplify(projected)
    rounded: Ring = []
    for x, y in points:
        point = (float(round(x)), float(round(y)))
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    return rounded


def _extent(ring: Ring) -> float:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def path_data(geometry: dict[str, Any], frame: Frame) -> str:
    """The ``d`` attribute of a place's outline: every drawn ring, holes included (the path
    is filled with the even-odd rule by the stylesheet)."""
    rings: list[Ring] = []
    first: Point | None = None
    for polygon in polygons_of(geometry):
        for ring in polygon:
            simplified = _simplified_ring(ring, frame)
            first = first or (simplified[0] if simplified else None)
            if len(simplified) >= 3:
                rings.append(simplified)
    if not rings:
        if first is None:
            return ""
        # Smaller than a unit on this map: a small square where it is, so that it can be tapped.
        x, y = int(first[0]), int(first[1])
        return f"M{x - 3} {y - 3}l6 0 0 6 -6 0z"
    drawn = [ring for ring in rings if _extent(ring) >= MIN_RING]
    if not drawn:  # a place smaller than a few pixels still shows: its largest ring
        drawn = [max(rings, key=_extent)]
    return " ".join(_relative(ring) for ring in drawn)


def _relative(ring: Ring) -> str:
    x0, y0 = ring[0]
    parts = [f"M{int(x0)} {int(y0)}l"]
    deltas = []
    for (xa, ya), (xb, yb) in itertools.pairwise(ring):
        deltas.append(f"{int(xb - xa)} {int(yb - ya)}")
    if ring[-1] == ring[0] and deltas:
        deltas.pop()  # "z" closes it
    return parts[0] + " ".join(deltas) + "z"


@dataclass
class Geometry:
    """What is drawn for one (parent area, level): the frame and each place's path, plus a
    point for a place without an outline but with coordinates inside the frame."""

    width: int = VIEW_WIDTH
    height: int = 0
    paths: dict[str, str] = field(default_factory=dict)
    points: dict[str, Point] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.paths and not self.points


def build(
    outlines: dict[str, tuple[dict[str, Any], tuple[float, float, float, float]]],
    coordinates: dict[str, tuple[float, float]],
) -> Geometry:
    """``outlines``: code → (GeoJSON geometry, box); ``coordinates``: code → (lat, lon) of the
    places that have no outline."""
    box = box_of(b for _g, b in outlines.values())
    if box is None:
        return Geometry()
    frame = Frame.fit(box)
    out = Geometry(width=frame.width, height=frame.height)
    for code, (geometry, _box) in sorted(outlines.items()):
        if d := path_data(geometry, frame):
            out.paths[code] = d
    west, south, east, north = box
    for code, (latitude, longitude) in sorted(coordinates.items()):
        if west <= longitude <= east and south <= latitude <= north:
            x, y = frame.project(longitude, latitude)
            out.points[code] = (float(round(x)), float(round(y)))
    return out
