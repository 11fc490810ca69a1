"""/api/v1/people/: the officers a secretariat manages, the other door onto the people pages.

The same rule (``accounts.authority``) and the same operations (``accounts.people``): an
account out of reach is the same 404 as a missing one; a role above or outside the caller's
own is a 403 that says so; a value that cannot be used is a 400 naming its field. A
temporary password is in the answer that made it, once, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from safevillage.accounts import authority
from safevillage.accounts import people as people_ops
from safevillage.accounts.models import RoleAssignment, User
from safevillage.accounts.roles import Role
from safevillage.api.errors import problem_response
from safevillage.core.text import CheckedTextModelSerializer, CheckedTextSerializer

MAX_QUERY_LENGTH = 100

_REFUSED = {
    401: problem_response("Not signed in."),
    403: problem_response("Signed in without the users.manage permission."),
}
_OUT_OF_REACH = problem_response("No such account, or one you do not manage (the same answer).")
_CHANGE_REFUSED = {
    400: problem_response("A value that cannot be used, with the field it belongs to."),
    401: problem_response("Not signed in."),
    403: problem_response("Without users.manage, or the role is above or outside your own."),
    404: _OUT_OF_REACH,
}


class IsManager(BasePermission):
    message = _("Only the national and provincial secretariats manage officers.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return authority.is_manager(request.user)


@contextmanager
def _answered() -> Iterator[None]:
    """The operations' refusals as the API's: a 403 with its reason, a 400 per field."""
    try:
        yield
    except authority.OutsideAuthority as error:
        raise PermissionDenied(error.message) from None
    except DjangoValidationError as error:
        raise ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) from None


class AssignmentSerializer(CheckedTextModelSerializer[RoleAssignment]):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    place_code = serializers.CharField(source="place.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "role_label", "place_code", "started_at", "ended_at"]
        read_only_fields = fields


class PersonSerializer(CheckedTextModelSerializer[User]):
    assignments = AssignmentSerializer(many=True, read_only=True, source="all_roles")

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "phone",
            "is_active",
            "must_change_password",
            "last_login",
            "assignments",
        ]
        read_only_fields = fields


class RoleSerializer(CheckedTextSerializer):
    role = serializers.ChoiceField(choices=Role.choices)
    place_code = serializers.CharField(
        required=False, allow_blank=True, max_length=8, default="", help_text="Empty for the national roles"
    )
    started_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Empty: now")


class PersonCreateSerializer(RoleSerializer):
    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class CreatedSerializer(CheckedTextSerializer):
    person = PersonSerializer()
    temporary_password = serializers.CharField(help_text="Shown once: the officer must change it at first sign-in")


class EndRoleSerializer(CheckedTextSerializer):
    assignment = serializers.IntegerField(help_text="id of one of the account's assignments in force")
    ended_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Empty: now")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class ActiveSerializer(CheckedTextSerializer):
    active = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class PasswordSerializer(CheckedTextSerializer):
    temporary_password = serializers.CharField(help_text="Shown once: the officer must change it at next sign-in")


def _started_at(data: dict[str, Any]) -> Any:
    return people_ops.start_of_day(data["started_on"]) if data.get("started_on") else None


@extend_schema_view(
    list=extend_schema(
        summary="The officers you manage",
        parameters=[
            OpenApiParameter(
                "q", {"type": "string", "maxLength": MAX_QUERY_LENGTH}, description="Part of a name, username or phone"
            )
        ],
        responses={200: PersonSerializer(many=True), 400: problem_response("A malformed parameter."), **_REFUSED},
    ),
    retrieve=extend_schema(summary="One officer", responses={200: PersonSerializer, 404: _OUT_OF_REACH, **_REFUSED}),
    create=extend_schema(
        summary="Create an officer with a first role",
        request=PersonCreateSerializer,
        responses={201: CreatedSerializer, **_CHANGE_REFUSED},
    ),
)
class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[User]):
    """The officers the caller manages (``accounts.authority``)."""

    serializer_class = PersonSerializer
    permission_classes = [IsAuthenticated, IsManager]
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[User]:
        users = authority.manageable_users(self.request.user)
        if self.action == "list":
            query = self.request.query_params.get("q", "").strip()
            if len(query) > MAX_QUERY_LENGTH or "\x00" in query:
                raise ValidationError({"q": [_("q is longer than %(max)d characters.") % {"max": MAX_QUERY_LENGTH}]})
            if query:
                users = users.filter(
                    Q(username__icontains=query) | Q(full_name__icontains=query) | Q(phone__icontains=query)
                )
        roles = RoleAssignment.objects.select_related("place").order_by("-started_at")
        return users.prefetch_related(Prefetch("assignments", queryset=roles, to_attr="all_roles")).order_by(
            "full_name", "username", "pk"
        )

    def _subject(self) -> User:
        return authority.user_or_404(self.request.user, self.kwargs["pk"])

    def _answer(self, user: User, code: int = status.HTTP_200_OK) -> Response:
        return Response(PersonSerializer(self.get_queryset().get(pk=user.pk)).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = PersonCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        with _answered():
            place = people_ops.place_for(data["place_code"])
            user, password = people_ops.create_officer(
                request.user,
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                role=data["role"],
                place=place,
                started_at=_started_at(data),
            )
        person = PersonSerializer(self.get_queryset().get(pk=user.pk)).data
        return Response({"person": person, "temporary_password": password}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Give a role at a place", request=RoleSerializer, responses={200: PersonSerializer, **_CHANGE_REFUSED}
    )
    @action(detail=True, methods=["post"])
    def roles(self, request: Request, pk: str) -> Response:
        subject = self._subject()
        given = RoleSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        with _answered():
            place = people_ops.place_for(data["place_code"])
            people_ops.give_role(request.user, subject, data["role"], place, started_at=_started_at(data))
        return self._answer(subject)

    @extend_schema(
        summary="End a role, now or from a day",
        request=EndRoleSerializer,
        responses={200: PersonSerializer, **_CHANGE_REFUSED},
    )
    @action(detail=True, methods=["post"], url_path="end-role")
    def end_role(self, request: Request, pk: str) -> Response:
        subject = self._subject()
        given = EndRoleSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        assignment = subject.assignments.filter(pk=data["assignment"], ended_at__isnull=True).first()
        if assignment is None:
            raise ValidationError({"assignment": [_("No role in force has this id.")]})
        with _answered():
            people_ops.end_role(request.user, assignment, ended_on=data["ended_on"], reason=data["reason"])
        return self._answer(subject)

    @extend_schema(
        summary="Deactivate or reactivate an account",
        request=ActiveSerializer,
        responses={200: PersonSerializer, **_CHANGE_REFUSED},
    )
    @action(detail=True, methods=["post"])
    def active(self, request: Request, pk: str) -> Response:
        subject = self._subject()
        given = ActiveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        with _answered():
            people_ops.set_active(
                request.user, subject, given.validated_data["active"], reason=given.validated_data["reason"]
            )
        return self._answer(subject)

    @extend_schema(
        summary="Reset the password to a temporary one",
        request=None,
        responses={200: PasswordSerializer, **_CHANGE_REFUSED},
    )
    @action(detail=True, methods=["post"])
    def password(self, request: Request, pk: str) -> Response:
        subject = self._subject()
        with _answered():
            password = people_ops.reset_password(request.user, subject)
        return Response({"temporary_password": password})
