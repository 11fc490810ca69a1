"""The server-side choropleth: projection, simplification, links, no data, and the places
without an outline, which still appear."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest

from safevillage.maps import geometry, render
from safevillage.maps.render import Category, choropleth, quantile_breaks
from safevillage.places.models import Level, Place
from tests.maps.conftest import add_outlines


def test_the_frame_puts_the_north_west_corner_at_the_margin_and_scales_longitude_by_cos_latitude():
    frame = geometry.Frame.fit((104.0, 11.0, 106.0, 13.0))
    assert frame.project(104.0, 13.0) == (geometry.MARGIN, geometry.MARGIN)
    x, y = frame.project(106.0, 11.0)
    assert x == pytest.approx(geometry.VIEW_WIDTH - geometry.MARGIN)
    # Two degrees of longitude at 12° N are cos(12°) as long as two degrees of latitude.
    assert (y - geometry.MARGIN) * math.cos(math.radians(12)) == pytest.approx(x - geometry.MARGIN)
    assert frame.height == math.ceil(y - geometry.MARGIN) + 2 * geometry.MARGIN


def test_a_tall_thin_place_is_fitted_by_its_height():
    frame = geometry.Frame.fit((105.0, 11.0, 105.01, 12.0))
    assert frame.height <= geometry.VIEW_WIDTH * 1.2 + 1


def test_simplification_drops_what_a_pixel_cannot_show_and_keeps_corners():
    line = [(0.0, 0.0), (10.0, 0.3), (20.0, -0.2), (30.0, 0.0), (30.0, 30.0)]
    assert geometry.simplify(line) == [(0.0, 0.0), (30.0, 0.0), (30.0, 30.0)]
    spike = [(0.0, 0.0), (10.0, 0.0), (11.0, 25.0), (12.0, 0.0), (30.0, 0.0)]
    assert (11.0, 25.0) in geometry.simplify(spike)


def test_a_long_ring_is_simplified_without_recursion():
    ring = [(math.cos(t / 1000) * 400 + 500, math.sin(t / 1000) * 400 + 500) for t in range(6284)]
    assert 10 < len(geometry.simplify(ring + ring[:1])) < 400


def test_paths_are_integer_relative_moves_closed_by_z_and_islets_dropped():
    frame = geometry.Frame.fit((104.0, 11.0, 106.0, 13.0))
    island = [[105.5, 11.5], [105.5001, 11.5], [105.5001, 11.5001], [105.5, 11.5]]
    mainland = [[104.0, 11.0], [106.0, 11.0], [106.0, 13.0], [104.0, 13.0], [104.0, 11.0]]
    d = geometry.path_data({"type": "MultiPolygon", "coordinates": [[mainland], [island]]}, frame)
    assert re.fullmatch(r"M\d+ \d+l(-?\d+ -?\d+ ?)+z", d), d
    assert d.count("M") == 1  # the islet is smaller than a few units
    # ...but a place made only of an islet keeps it.
    assert geometry.path_data({"type": "Polygon", "coordinates": [island]}, frame).startswith("M")


def test_quantile_classes_hold_about_as_many_places_each():
    assert quantile_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == [2, 4, 6, 8, 10]
    assert quantile_breaks([3, 3, 3]) == [3]
    assert quantile_breaks([]) == []
    assert render.class_of(Decimal("4.5"), [Decimal(2), Decimal(4), Decimal(6)]) == 2


def test_each_outline_links_down_and_no_data_is_hatched(outlines):
    drawn = choropleth("14", Level.DISTRICT, {"1403": 12}, link_for=lambda code: f"/down/{code}/", title="Prey Veng")
    svg = str(drawn.svg)
    assert svg.startswith('<svg class="choropleth" viewBox="0 0 1000 ')
    assert '<a href="/down/1403/" aria-label="Kampong Trabaek: 12"><path class="q0" d="M' in svg
    by_code = {area.code: area for area in drawn.areas}
    assert by_code["1403"].drawn == "outline" and by_code["1403"].text == "12"
    # Kanhchriech has no outline and no coordinates: no data, listed beside the map.
    assert by_code["1404"].css == render.NO_DATA and by_code["1404"].drawn == ""
    assert [area.code for area in drawn.unmapped] == ["1404"]
    assert drawn.legend[-1].css == render.NO_DATA


def test_a_place_without_an_outline_but_with_coordinates_is_a_point(outlines):
    Place.objects.filter(code="1404").update(latitude=Decimal("11.3"), longitude=Decimal("105.3"))
    drawn = choropleth("14", Level.DISTRICT, {"1404": 3}, link_for=lambda code: None)
    assert '<circle class="q0"' in str(drawn.svg)
    assert [(a.code, a.drawn) for a in drawn.unmapped] == [("1404", "point")]


def test_without_any_outline_there_is_no_svg_and_every_place_is_listed(places):
    drawn = choropleth("", Level.PROVINCE, {"08": 5, "14": 7}, link_for=lambda code: f"/{code}/")
    assert str(drawn.svg) == ""
    assert [a.code for a in drawn.unmapped] == ["08", "14"]
    assert [entry.css for entry in drawn.legend] == ["q0", "q1", "nd"]


def test_figures_link_to_their_records_only_when_there_is_a_figure(outlines):
    drawn = choropleth(
        "1403",
        Level.COMMUNE,
        {"140305": 4},
        link_for=lambda code: None,
        figure_link_for=lambda code: f"/incidents/?place={code}",
    )
    by_code = {area.code: area for area in drawn.areas}
    assert by_code["140305"].figure_href == "/incidents/?place=140305"
    assert by_code["140306"].figure_href is None


def test_a_categorical_map_uses_its_categories(outlines):
    categories = [Category("safe", "Safe", "k-safe"), Category("not_safe", "Not safe", "k-not-safe")]
    drawn = choropleth(
        "1403", Level.COMMUNE, {"140305": "safe", "140306": "not_safe"}, link_for=lambda c: None, categories=categories
    )
    assert [a.css for a in drawn.areas] == ["k-safe", "k-not-safe"]
    assert [e.css for e in drawn.legend] == ["k-safe", "k-not-safe", "nd"]


def test_names_and_values_are_escaped(outlines):
    Place.objects.filter(code="1403").update(name_latin='<script>"x"</script>')
    drawn = choropleth("14", Level.DISTRICT, {}, link_for=lambda code: "/a?b=1&c=2")
    svg = str(drawn.svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "/a?b=1&amp;c=2" in svg


def test_the_drawn_geometry_is_cached_until_an_outline_changes(outlines, monkeypatch):
    built = []
    original = geometry.build

    def counting(*args, **kwargs):
        built.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(geometry, "build", counting)
    render.geometry_for("14", Level.DISTRICT)
    render.geometry_for("14", Level.DISTRICT)
    assert len(built) == 1
    add_outlines(["1403"])  # updated_at moves
    render.geometry_for("14", Level.DISTRICT)
    assert len(built) == 2


def test_the_legend_of_counts_gives_each_class_its_own_range(places):
    drawn = choropleth("", Level.PROVINCE, {"08": 1, "14": 3}, link_for=lambda code: None)
    assert [entry.label for entry in drawn.legend[:-1]] == ["1", "2 – 3"]
