"""The register's API: ``/api/v1/incidents/``.

- GET list: the records of the caller's area (``visible_to``), filtered by the same
  parameters as the register page (``incidents.filters``; a bad value is a 400);
- GET ``{reference}/``: one record; missing and not-yours are the same 404;
- POST: a record from a field device, idempotent on the device's ``uuid`` (201 the first
  time, 200 with the same record for an identical resubmission, 409 for other content);
- POST ``{reference}/{action}/`` with the ``version`` the change is based on: 409 if the
  record changed meanwhile, 400 if the workflow does not allow it from the current status,
  403 if the caller may see the record but not take this action. Resent (the same
  ``Idempotency-Key``, or the same version and body), it is answered again, not refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from safevillage.accounts.scoping import can
from safevillage.api.errors import problem_response
from safevillage.api.incident_filters import INCIDENT_FILTERS, LIST_DESCRIPTION
from safevillage.api.incident_serializers import (
    AssignInput,
    CloseInput,
    IncidentDetailOutput,
    IncidentInput,
    IncidentOutput,
    NoteInput,
    ReasonInput,
    VersionInput,
)
from safevillage.api.keyset_pagination import KeysetPagination
from safevillage.core.paging import KeysetPages
from safevillage.incidents import actions
from safevillage.incidents.filters import filter_incidents
from safevillage.incidents.models import Incident, IncidentQuerySet, InvolvedPerson
from safevillage.incidents.references import REFERENCE_PATTERN
from safevillage.incidents.workflow import IDENTITIES, RECORD
from safevillage.reports.drill_counts import known_count

# The answers other than success, as the module docstring lists them, as problem details
# (api.errors; the statuses possible everywhere, such as 401, are added by its schema class).
_INVALID = {400: problem_response("Invalid input, with a message per field.")}
_NOT_FOUND = {404: problem_response("No such record, or not in your area (the same answer).")}
_REFUSED = {403: problem_response("You may see the record but not take this action.")}
_CHANGED = {
    409: problem_response(
        "The record changed since the version you sent, or the request id was already used for "
        "another request: nothing was saved."
    )
}
_ACTION_RESPONSES = {200: IncidentOutput, **_INVALID, **_REFUSED, **_NOT_FOUND, **_CHANGED}

# Resending an action is safe (actions.act_once); a request id makes the retry explicit.
IDEMPOTENCY_KEY = "Idempotency-Key"
_REQUEST_ID = re.compile(r"[!-~]{1,100}")
_REQUEST_ID_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_KEY,
    {"type": "string", "pattern": "^[!-~]{1,100}$"},
    OpenApiParameter.HEADER,
    description=(
        "The client's identifier of this request (for example a UUID), 1 to 100 visible ASCII characters. "
        "Sent again with the same body, the action is not taken twice: the answer is the record as the "
        "first request left it (or as it is now, if it changed since). Without it, the same body with the "
        "same version sent again by the same person is recognised the same way. The same id with another "
        "body is a 409."
    ),
)


def _request_id(request: Request) -> str:
    value = request.headers.get(IDEMPOTENCY_KEY)
    if value is None:
        return ""
    if not _REQUEST_ID.fullmatch(value):
        raise ValidationError(
            {IDEMPOTENCY_KEY: [_("A request id is 1 to 100 visible ASCII characters, such as a UUID.")]}
        )
    return value


@extend_schema_view(
    list=extend_schema(
        description=LIST_DESCRIPTION,
        parameters=INCIDENT_FILTERS,
        responses={200: IncidentOutput(many=True), **_INVALID},
    ),
    retrieve=extend_schema(responses={200: IncidentDetailOutput, **_NOT_FOUND}),
    create=extend_schema(
        request=IncidentInput,
        responses={
            200: IncidentOutput,
            201: IncidentOutput,
            **_INVALID,
            403: problem_response("You may not record incidents."),
            409: problem_response("This uuid was already used for a different record."),
        },
    ),
)
class IncidentViewSet(viewsets.GenericViewSet[Incident]):
    """The register, limited to the caller's area."""

    lookup_field = "reference"
    lookup_value_regex = REFERENCE_PATTERN
    serializer_class = IncidentOutput
    pagination_class = KeysetPagination

    def get_queryset(self) -> IncidentQuerySet:
        return (
            Incident.objects.visible_to(self.request.user)
            .select_related("category", "assigned_to")
            .prefetch_related("tags", Prefetch("people", InvolvedPerson.objects.order_by("id")), "seized_items")
        )

    def list(self, request: Request) -> Response:
        result = filter_incidents(self.get_queryset(), request.query_params)
        if result.errors:
            raise ValidationError({name: [message] for name, message in result.errors.items()})
        pages = KeysetPages(
            result.queryset,
            result.keys,
            result.descending,
            result.walk_index,
            known_count=known_count(request.user, request.query_params, result.errors),
        )
        page = self.paginate_queryset(pages)  # type: ignore[arg-type]
        return self.get_paginated_response(IncidentOutput(page, many=True).data)

    def retrieve(self, request: Request, reference: str) -> Response:
        incident = self.get_object()
        user: Any = request.user
        show_names = can(user, IDENTITIES, incident.place_code)
        named = [p.pk for p in incident.people.all() if p.name]
        complainant = bool(incident.complainant_name or incident.complainant_phone)
        if show_names and (named or complainant):
            actions.record_identity_view(incident, by=user, people=named, complainant=complainant)
        return Response(IncidentDetailOutput(incident, context={"show_names": show_names}).data)

    def create(self, request: Request) -> Response:
        user: Any = request.user
        if not can(user, RECORD):
            raise PermissionDenied(_("You may not record incidents."))
        payload = IncidentInput(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        # A typed error of the action is answered by api.errors as problem details.
        incident, created = actions.create_from_device(
            payload.validated_data["data"], by=user, client_uuid=payload.validated_data["uuid"]
        )
        # Read back in full, so that the first answer and every resubmission's are identical.
        fresh = self.get_queryset().get(pk=incident.pk)
        return Response(IncidentOutput(fresh).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    # --- actions: POST {reference}/{segment}/ with the version ---------------------------

    def _act(
        self, request: Request, payload_class: type[serializers.Serializer[Any]], run: Callable[..., Any]
    ) -> Response:
        incident = self.get_object()
        request_id = _request_id(request)
        payload = payload_class(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user: Any = request.user
        # A typed error of the action is answered by api.errors as problem details.
        actions.act_once(
            str(self.action),
            incident,
            by=user,
            version=data["version"],
            inputs={name: value for name, value in data.items() if name != "version"},
            request_id=request_id,
            run=lambda: run(incident, user, data),
        )
        # The record as it is now, also for a resent request: the first answer, unless the
        # record changed since (then the device learns its new version).
        return Response(IncidentOutput(self.get_queryset().get(pk=incident.pk)).data)

    @extend_schema(request=VersionInput, responses=_ACTION_RESPONSES, parameters=[_REQUEST_ID_PARAMETER])
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, reference: str) -> Response:
        return self._act(request, VersionInput, lambda i, u, d: actions.acknowledge(i, by=u, version=d["version"]))

    @extend_schema(request=VersionInput, responses=_ACTION_RESPONSES, parameters=[_REQUEST_ID_PARAMETER])
    @action(detail=True, methods=["post"])
    def investigate(self, request: Request, reference: str) -> Response:
        return self._act(
            request, VersionInput, lambda i, u, d: actions.start_investigation(i, by=u, version=d["version"])
        )

    @extend_schema(request=CloseInput, responses=_ACTION_RESPONSES, parameters=[_REQUEST_ID_PARAMETER])
    @action(detail=True, methods=["post"])
    def close(self, request: Request, reference: str) -> Response:
        return self._act(request, CloseInput, lambda i, u, d: actions.close(i, by=u, **d))

    @extend_schema(request=ReasonInput, responses=_ACTION_RESPONSES, parameters=[_REQUEST_ID_PARAMETER])
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, reference: str) -> Response:
        return self._act(request, ReasonInput, lambda i, u, d: actions.reopen(i, by=u, **d))

    @extend_schema(request=ReasonInput, responses=_ACTION_RESPONSES, parameters=[_REQUEST_ID_PARAMETER])
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, reference: str) -> Response:
        return self._act(request, ReasonInput, lambda i, u, d: actions.withdraw(i, by=u, **d))

    @extend_schema(request=NoteInput, responses=_ACTION_RESPONSES, parameters=[_REQUEST_ID_PARAMETER])
    @action(detail=True, methods=["post"])
    def note(self, request: Request, reference: str) -> Response:
        return self._act(request, NoteInput, lambda i, u, d: actions.add_note(i, by=u, **d))

    @extend_schema(request=AssignInput, responses=_ACTION_RESPONSES, parameters=[_REQUEST_ID_PARAMETER])
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, reference: str) -> Response:
        def run(incident: Incident, user: Any, data: dict[str, Any]) -> Any:
            assignee = get_user_model().objects.filter(username=data["assignee"]).first()
            if assignee is None:
                # The same words as for an officer of another place: account names are not probed here.
                raise actions.InvalidInput(
                    _("This person does not record or investigate incidents at this place."), "assignee"
                )
            return actions.assign(incident, by=user, version=data["version"], assignee=assignee)

        return self._act(request, AssignInput, run)
