"""A choropleth drawn on the server as inline SVG: no tile server, no script, no library.

``choropleth(parent_code, level, values, link_for=…)`` is the one entry point, for the
officers' maps (``maps/views.py``) and the public portal, which passes its suppressed values.
It draws the places of ``level`` under ``parent_code`` ("" for the country), colours each by
its value's class, and returns what the template ``maps/_choropleth.html`` shows:

- the SVG, each outline an ``<a href>`` (``link_for(code)``: one level down, or the records
  behind the figure) with a ``<title>`` naming the place and its value;
- the legend (in HTML, so that it wraps, reads in Khmer and prints);
- the places without an outline (drawn as a point when they have coordinates, and listed
  beside the map in any case);
- every place with its value, as a table for screen readers and keyboards.

The values are the caller's: ``None`` is "no data" (drawn hatched), a value is never
guessed. Numeric values are classed by quantiles into at most five classes of a
colour-blind-safe sequential palette (ColorBrewer YlGnBu); a categorical indicator (the
safety classification) passes its ``categories`` instead.

The drawn geometry is cached per (parent area, level) and outline version
(``geometry_for``); values and links are not, so the cache is the same for every reader.

A page of its own (the portal's, with values already suppressed)::

    drawn = choropleth("14", Level.DISTRICT, {"1403": 25, "1404": None},
                       link_for=lambda code: reverse("portal:place", args=[code, period.id]),
                       display=str, title=_("Records reported"))
    # template: {% include "maps/_choropleth.html" with map=drawn %}, and css/maps.css in the head
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from safevillage.maps import geometry
from safevillage.places.codes import under
from safevillage.places.models import Boundary, Level, Place

Value = int | Decimal | str | None
CLASSES = 5
NO_DATA = "nd"
# Bump when the drawing changes, so that cached geometry of the old drawing is not served.
GEOMETRY_VERSION = 1
GEOMETRY_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Category:
    """A class of a categorical map: the value it stands for, its label and CSS class."""

    value: str
    label: str
    css: str


@dataclass(frozen=True)
class LegendEntry:
    css: str
    label: str


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    value: Value
    text: str  # the value as shown
    css: str
    href: str | None
    drawn: str  # "outline", "point" or "" (listed only)
    figure_href: str | None = None  # the records behind the figure, linked from the table


@dataclass(frozen=True)
class Choropleth:
    title: str
    svg: SafeString  # empty when no place of the map has an outline or a point
    legend: list[LegendEntry]
    areas: list[Area]  # every place, in code order

    @property
    def unmapped(self) -> list[Area]:
        """The places without an outline, listed beside the map."""
        return [area for area in self.areas if area.drawn != "outline"]


def _names(parent_code: str, level: Level) -> list[dict[str, Any]]:
    rows: Any = (
        Place.objects.current()
        .filter(under("code", parent_code), level=level)
        .order_by("code")
        .values("id", "code", "name_km", "name_latin", "latitude", "longitude")
    )
    return list(rows)


def geometry_for(parent_code: str, level: Level, places: list[dict[str, Any]] | None = None) -> geometry.Geometry:
    """The drawn outlines of the places of ``level`` under ``parent_code``, from the cache when
    the outlines have not changed since (their count and last update are in the key)."""
    places = _names(parent_code, level) if places is None else places
    ids = [place["id"] for place in places]
    outlines = Boundary.objects.filter(place_id__in=ids)
    stamp = outlines.aggregate(n=Count("place_id"), last=Max("updated_at"))
    last = stamp["last"].timestamp() if stamp["last"] else 0
    key = f"maps:geometry:{GEOMETRY_VERSION}:{parent_code or 'KH'}:{int(level)}:{len(ids)}:{stamp['n']}:{last}"
    found = cache.get(key)
    if isinstance(found, geometry.Geometry):
        return found
    code_of = {place["id"]: place["code"] for place in places}
    shapes = {
        code_of[place_id]: (geom, (w, s, e, n))
        for place_id, geom, w, s, e, n in outlines.values_list("place_id", "geometry", "west", "south", "east", "north")
    }
    coordinates = {
        place["code"]: (float(place["latitude"]), float(place["longitude"]))
        for place in places
        if place["code"] not in shapes and place["latitude"] is not None and place["longitude"] is not None
    }
    drawn = geometry.build(shapes, coordinates)
    cache.set(key, drawn, GEOMETRY_SECONDS)
    return drawn


def quantile_breaks(values: Sequence[int | Decimal], classes: int = CLASSES) -> list[Decimal]:
    """Upper bounds of up to ``classes`` classes holding about as many places each; equal
    values fall in one class, so there are fewer classes than asked when values repeat."""
    ordered = sorted(Decimal(v) for v in values)
    if not ordered:
        return []
    breaks: list[Decimal] = []
    for k in range(1, classes + 1):
        bound = ordered[min(len(ordered) - 1, -(-k * len(ordered) // classes) - 1)]
        if not breaks or bound > breaks[-1]:
            breaks.append(bound)
    return breaks


def class_of(value: int | Decimal, breaks: Sequence[Decimal]) -> int:
    for index, bound in enumerate(breaks):
        if Decimal(value) <= bound:
            return index
    return len(breaks) - 1


def _numeric_legend(
    breaks: list[Decimal], lowest: Decimal, display: Callable[[Any], str], whole: bool
) -> list[LegendEntry]:
    """A range per class ("low - high"); for counts a class starts one above the previous one's end."""
    entries = []
    for index, bound in enumerate(breaks):
        low = lowest if index == 0 else breaks[index - 1] + 1 if whole else breaks[index - 1]
        label = display(bound) if low == bound else f"{display(low)} – {display(bound)}"
        entries.append(LegendEntry(f"q{index}", label))
    return entries


def _name(place: dict[str, Any]) -> str:
    return str(place["name_latin"] if (get_language() or "km").startswith("en") else place["name_km"])


def choropleth(
    parent_code: str,
    level: Level,
    values: Mapping[str, Value],
    *,
    link_for: Callable[[str], str | None],
    display: Callable[[Any], str] = str,
    categories: Sequence[Category] | None = None,
    title: str = "",
    figure_link_for: Callable[[str], str | None] | None = None,
) -> Choropleth:
    """The map of the places of ``level`` under ``parent_code`` coloured by ``values`` (code →
    value; a code absent or None is "no data"). ``link_for(code)`` is where a place leads
    (None: nowhere); ``display`` writes a value as the reader reads it; ``figure_link_for(code)``
    links a figure of the table to its records (never called for "no data")."""
    places = _names(parent_code, level)
    drawn = geometry_for(parent_code, level, places)
    by_value = {category.value: category for category in categories or ()}
    numbers = [v for v in values.values() if isinstance(v, int | Decimal)]
    breaks = [] if categories else quantile_breaks(numbers)
    areas = []
    for place in places:
        code = place["code"]
        value = values.get(code)
        if value is None:
            css, text = NO_DATA, _("no data")
        elif categories is not None:
            category = by_value.get(str(value))
            css, text = (category.css, category.label) if category else (NO_DATA, str(value))
        elif isinstance(value, int | Decimal) and breaks:
            css, text = f"q{class_of(value, breaks)}", display(value)
        else:
            css, text = NO_DATA, str(value)
        shape = "outline" if code in drawn.paths else "point" if code in drawn.points else ""
        figure = figure_link_for(code) if figure_link_for is not None and value is not None else None
        areas.append(Area(code, _name(place), value, text, css, link_for(code), shape, figure))
    if categories is not None:
        legend = [LegendEntry(c.css, c.label) for c in categories]
    else:
        whole = all(isinstance(v, int) for v in numbers)
        legend = _numeric_legend(breaks, Decimal(min(numbers, default=0)), display, whole) if breaks else []
    legend.append(LegendEntry(NO_DATA, _("no data")))
    return Choropleth(title, _svg(drawn, areas, title), legend, areas)


def _svg(drawn: geometry.Geometry, areas: list[Area], title: str) -> SafeString:
    if drawn.empty:
        return SafeString("")
    shapes = []
    for area in areas:
        label = f"{area.name}: {area.text}"
        if area.drawn == "outline":
            shape = format_html(
                '<path class="{}" d="{}"><title>{}</title></path>', area.css, drawn.paths[area.code], label
            )
        elif area.drawn == "point":
            x, y = drawn.points[area.code]
            shape = format_html(
                '<circle class="{}" cx="{}" cy="{}" r="9"><title>{}</title></circle>', area.css, int(x), int(y), label
            )
        else:
            continue
        if area.href:
            shape = format_html('<a href="{}" aria-label="{}">{}</a>', area.href, label, shape)
        shapes.append((shape,))
    body = format_html_join("", "{}", shapes)
    # The hatch of "no data" is a pattern: a colour alone would read as a value.
    return format_html(
        '<svg class="choropleth" viewBox="0 0 {} {}" role="group" aria-label="{}">'
        '<defs><pattern id="sv-nodata" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="8" height="8" fill="#fff"/><line x1="0" y1="0" x2="0" y2="8" stroke="#888" stroke-width="3"/>'
        "</pattern></defs>{}</svg>",
        drawn.width,
        drawn.height,
        title,
        body,
    )
