"""/api/v1/places/: the gazetteer, limited to the caller's jurisdiction.

``GET /api/v1/places/08/`` one place (the same 404 for missing and not yours);
``GET /api/v1/places/?parent=1403`` the places directly under 1403; ``?level=3`` one level;
``?q=`` a search by code or by name in Khmer or Latin, best first. A malformed parameter is
a 400 that says what is expected.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from safevillage.api.errors import problem_response
from safevillage.api.patterns import PARENT_CODE_PATTERN
from safevillage.core.text import CheckedTextModelSerializer
from safevillage.places.models import Place

MAX_QUERY_LENGTH = 100


class PlaceSerializer(CheckedTextModelSerializer[Place]):
    parent_code = serializers.CharField(read_only=True)
    level = serializers.CharField(source="get_level_display", read_only=True)
    level_number = serializers.IntegerField(source="level", read_only=True)
    unit_type_label = serializers.CharField(source="get_unit_type_display", read_only=True)
    population_source_label = serializers.CharField(source="get_population_source_display", read_only=True)

    class Meta:
        model = Place
        fields = [
            "code",
            "level",
            "level_number",
            "parent_code",
            "unit_type",
            "unit_type_label",
            "unit_type_inferred",
            "name_km",
            "name_latin",
            "population",
            "population_year",
            "population_source",
            "population_source_label",
            "latitude",
            "longitude",
            "valid_from",
            "valid_to",
        ]


def _parameter(params: Any, name: str) -> str | None:
    """A query parameter, or None when absent or empty (as an empty form field sends it);
    given twice is a 400 rather than a silent choice of one."""
    values = [value.strip() for value in params.getlist(name)]
    if len(values) > 1:
        raise ValidationError({name: [_("Give %(name)s once.") % {"name": name}]})
    return str(values[0]) if values and values[0] else None


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "parent",
                {"type": "string", "pattern": PARENT_CODE_PATTERN},
                description="Code of the parent place (2, 4 or 6 digits): its children only",
            ),
            OpenApiParameter(
                "level",
                {"type": "integer", "enum": [1, 2, 3, 4]},
                description="1 province, 2 district, 3 commune, 4 village",
            ),
            OpenApiParameter(
                "q",
                {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                description="Search by code or by name in Khmer or Latin (best first)",
            ),
        ],
        responses={
            200: PlaceSerializer(many=True),
            400: problem_response("A malformed parameter, with what is expected."),
        },
    ),
    retrieve=extend_schema(
        responses={
            200: PlaceSerializer,
            404: problem_response("No such place, or not in your jurisdiction (the same answer)."),
        }
    ),
)
class PlaceViewSet(viewsets.ReadOnlyModelViewSet[Place]):
    """The gazetteer, limited to the caller's jurisdiction."""

    serializer_class = PlaceSerializer
    lookup_field = "code"
    lookup_value_regex = "[0-9]{2,8}"

    def get_queryset(self) -> QuerySet[Place]:
        request: Request = self.request
        places = Place.objects.visible_to(request.user)
        if self.action != "list":
            return places
        params = request.query_params
        if (parent := _parameter(params, "parent")) is not None:
            if not (parent.isascii() and parent.isdigit() and len(parent) in {2, 4, 6}):
                raise ValidationError(
                    {"parent": [_("parent must be the code of a province, district or commune (2, 4 or 6 digits).")]}
                )
            places = places.filter(parent__code=parent)
        if (level := _parameter(params, "level")) is not None:
            if level not in {"1", "2", "3", "4"}:
                raise ValidationError({"level": [_("level must be 1, 2, 3 or 4.")]})
            places = places.filter(level=int(level))
        if (query := _parameter(params, "q")) is not None:
            if len(query) > MAX_QUERY_LENGTH:
                raise ValidationError({"q": [_("q is longer than %(max)d characters.") % {"max": MAX_QUERY_LENGTH}]})
            return places.search(query)  # ordered best first
        return places.order_by("code")
