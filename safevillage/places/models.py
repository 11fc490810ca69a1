"""The gazetteer: Cambodia's provinces, districts, communes and villages.

A place's official NCDD code is its identity and its path: a district's four digits start
with its province's two, a village's eight with its commune's six. Everything that rolls
up (scoping, reports) does so by code prefix, never by walking parents in Python.

Where the model's idea breaks down: codes are reused after a redistricting (a commune
split in two keeps neither code for certain), so a place is never deleted — it is archived
with ``valid_to`` and its successor gets a new row. History therefore reads correctly for
records filed under the old code, but a report across a redistricting compares different
territories; the population source and year shown beside every rate make that visible.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safevillage.core.khmer import latin_skeleton, normalise
from safevillage.places.codes import under

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

models.CharField.register_lookup(Length)


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    DISTRICT = 2, _("District")
    COMMUNE = 3, _("Commune")
    VILLAGE = 4, _("Village")


# An NCDD code has two digits per level.
CODE_LENGTH = {Level.PROVINCE: 2, Level.DISTRICT: 4, Level.COMMUNE: 6, Level.VILLAGE: 8}
LEVEL_BY_LENGTH = {length: level for level, length in CODE_LENGTH.items()}


class UnitType(models.TextChoices):
    KHAET = "khaet", _("Khaet (province)")
    REACH_THANI = "reach_thani", _("Reach Thani (capital)")
    SROK = "srok", _("Srok (district)")
    KHAN = "khan", _("Khan (urban district)")
    KRONG = "krong", _("Krong (municipality)")
    KHUM = "khum", _("Khum (commune)")
    SANGKAT = "sangkat", _("Sangkat (urban commune)")
    PHUM = "phum", _("Phum (village)")


UNIT_TYPES_BY_LEVEL = {
    Level.PROVINCE: {UnitType.KHAET, UnitType.REACH_THANI},
    Level.DISTRICT: {UnitType.SROK, UnitType.KHAN, UnitType.KRONG},
    Level.COMMUNE: {UnitType.KHUM, UnitType.SANGKAT},
    Level.VILLAGE: {UnitType.PHUM},
}


# The lists the importers read (Place.source), as people name them.
SOURCE_LABELS = {
    "mef2025": _("Ministry of Economy and Finance list, 2025"),
    "ncdd": _("NCDD gazetteer"),
}


class PopulationSource(models.TextChoices):
    CENSUS = "census", _("Census")
    ESTIMATE = "estimate", _("Estimate")


class PlaceQuerySet(models.QuerySet["Place"]):
    def visible_to(self, user: AnyUser) -> PlaceQuerySet:
        """The places a user may see: those of their role assignments and everything under
        them. No assignment, nothing (deny by default)."""
        from safevillage.accounts.scoping import prefix_filter

        return self.filter(prefix_filter(user, "places.view", "code"))

    def current(self, on: datetime.date | None = None) -> PlaceQuerySet:
        on = on or timezone.localdate()
        return self.filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on)).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=on)
        )

    def under(self, code: str) -> PlaceQuerySet:
        return self.filter(under("code", code)).exclude(code=code)

    def search(self, query: str) -> PlaceQuerySet:
        """By code prefix, or by name in either script, tolerant of spelling variants (see
        core.khmer). Best first: the exact code or an exact name, then provinces before
        districts before communes before villages, then by code. All in the database."""
        query = query.strip()
        key = normalise(query)
        if not key:
            return self.none()
        if key.isascii() and key.isdigit():
            exact = models.Q(code=key)
            match = under("code", key)
        else:
            skeleton = latin_skeleton(query)
            # search_key is "latin|khmer": an exact name is a whole side of the bar.
            exact = models.Q(search_key__startswith=f"{key}|") | models.Q(search_key__endswith=f"|{key}")
            match = models.Q(search_key__contains=key)
            # Below three consonants a skeleton matches half the country.
            if len(skeleton) >= 3:
                exact |= models.Q(latin_skeleton=skeleton)
                match |= models.Q(latin_skeleton__contains=skeleton)
        rank = models.Case(models.When(exact, then=0), default=1, output_field=models.IntegerField())
        return self.filter(match).annotate(search_rank=rank).order_by("search_rank", "level", "code")


class Place(models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    unit_type = models.CharField(_("unit type"), max_length=16, choices=UnitType.choices)
    # The MEF list names no unit types: the importer infers them, and a list that states
    # them (NCDD) must win over an inference, whichever was imported last.
    unit_type_inferred = models.BooleanField(
        _("unit type inferred"),
        default=False,
        help_text=_("Set when the source list gave no unit type and the importer inferred it."),
    )
    name_km = models.CharField(_("Khmer name"), max_length=200)
    name_latin = models.CharField(_("Latin name"), max_length=200)
    # Normalised names in both scripts, and the Latin consonant skeleton, for search.
    search_key = models.CharField(max_length=420, editable=False, db_index=True)
    latin_skeleton = models.CharField(max_length=200, editable=False, db_index=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    population_source = models.CharField(
        _("population source"), max_length=16, choices=PopulationSource.choices, blank=True
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Set when the place is archived."))
    source = models.CharField(_("source list"), max_length=32, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        # Every place of a level under a code prefix (all the communes of a province) in code
        # order, without reading the other levels' rows.
        indexes = [models.Index(fields=["level", "code"], name="place_by_level_and_code")]
        constraints = [
            models.CheckConstraint(
                name="place_code_length_fits_level",
                condition=models.Q(level=1, code__length=2)
                | models.Q(level=2, code__length=4)
                | models.Q(level=3, code__length=6)
                | models.Q(level=4, code__length=8),
            ),
            models.CheckConstraint(
                name="place_only_provinces_have_no_parent",
                condition=models.Q(level=1, parent__isnull=True) | models.Q(level__gt=1, parent__isnull=False),
            ),
            models.CheckConstraint(
                name="place_population_has_year_and_source",
                condition=models.Q(population__isnull=True)
                | models.Q(population_year__isnull=False, population_source__in=list(PopulationSource.values)),
            ),
            models.CheckConstraint(
                name="place_validity_in_order",
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_latin}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key, self.latin_skeleton = search_keys(self.name_km, self.name_latin)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Places are archived (valid_to), never deleted.")

    @property
    def is_archived(self) -> bool:
        return self.valid_to is not None and self.valid_to <= timezone.localdate()

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS.get(self.source, self.source))

    @property
    def parent_code(self) -> str:
        return self.code[:-2]

    def ancestor_codes(self) -> list[str]:
        return [self.code[:n] for n in range(2, len(self.code), 2)]


def search_keys(name_km: str, name_latin: str) -> tuple[str, str]:
    """The stored search columns for a pair of names (also used by bulk importers)."""
    return f"{normalise(name_latin)}|{normalise(name_km)}", latin_skeleton(name_latin)


class Boundary(models.Model):
    """A place's outline, for maps: a GeoJSON geometry (Polygon or MultiPolygon, longitude and
    latitude in WGS 84) as the boundary importer read it, with its bounding box so that a map
    can be framed without reading the polygons. Many places have none (districts created since
    the shapes were drawn): a map shows those as a point (the place's coordinates) or lists
    them beside it."""

    place = models.OneToOneField(
        Place, verbose_name=_("place"), primary_key=True, on_delete=models.PROTECT, related_name="boundary"
    )
    geometry = models.JSONField(_("geometry"))
    west = models.FloatField()
    south = models.FloatField()
    east = models.FloatField()
    north = models.FloatField()
    source = models.CharField(_("source file"), max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")

    def __str__(self) -> str:
        return f"{self.place_id} ({self.source})"
