"""Serializers of the register's API. Input is checked by ``incidents.intake`` (the same
checks and messages as the staff form); output never carries a name unless the caller holds
``incidents.identities`` at the record's place and asked for one record."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from safevillage.accounts.models import User
from safevillage.core.text import CheckedTextModelSerializer, CheckedTextSerializer, multiline_text
from safevillage.incidents import intake
from safevillage.incidents.closing import MAX_ARRESTS
from safevillage.incidents.intake import IntakeData
from safevillage.incidents.models import (
    MAX_CASUALTIES,
    AgeGroup,
    Channel,
    Clearance,
    DrugType,
    ExceptionalReason,
    Incident,
    InvolvedPerson,
    ItemKind,
    Note,
    Outcome,
    PersonRole,
    SeizedItem,
    Sex,
    Unit,
)
from safevillage.policy.models import Category, ContextTag

# --- input -------------------------------------------------------------------------------


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_CASUALTIES})
class CasualtiesField(serializers.Field):
    """People killed or injured: a whole number 0 to MAX_CASUALTIES, read by ``intake.clean_casualties``
    so that the API and the staff form refuse the same input with the same words."""

    def __init__(self, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("error_messages", {})["null"] = lazy(intake.casualty_message, str)(kind)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str) and not data.strip():
            raise serializers.ValidationError(intake.casualty_message(self.kind))
        try:
            return intake.clean_casualties(data, self.kind)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages[0]) from None

    def to_representation(self, value: int) -> int:
        return value


class UUIDStringField(serializers.UUIDField):
    """A UUID written as a string. DRF's field also takes a number (``123`` becomes
    00000000-0000-0000-0000-00000000007b): a device that sent a number has a bug, and its
    resubmissions must not be matched to a uuid it never wrote."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class PersonInput(CheckedTextSerializer):
    role = serializers.ChoiceField(choices=PersonRole.choices)
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)
    age_group = serializers.ChoiceField(choices=AgeGroup.choices, default=AgeGroup.UNKNOWN)
    name = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)

    def validate(self, attrs: dict[str, Any]) -> Any:
        return intake.clean_person(attrs["role"], attrs["sex"], attrs["age_group"], attrs["name"])


class ItemInput(CheckedTextSerializer):
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    drug_type = serializers.ChoiceField(choices=DrugType.choices, required=False, allow_blank=True, default="")
    # A string or a number; intake reads it exactly (no float rounding) and bounds it per unit.
    quantity = serializers.CharField(max_length=32)
    unit = serializers.ChoiceField(choices=Unit.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)

    def validate(self, attrs: dict[str, Any]) -> Any:
        return intake.clean_item(
            attrs["kind"], attrs["quantity"], attrs["unit"], attrs["drug_type"], attrs["description"]
        )


class IncidentInput(CheckedTextSerializer):
    """A record sent by a field device. ``uuid`` is the device's own identifier for this
    submission: sending it again is safe."""

    uuid = UUIDStringField(help_text=_("The device's identifier of this submission (resending it is safe)."))
    category = serializers.CharField(max_length=48)
    village = serializers.CharField(max_length=8, help_text=_("The 8-digit code of the village."))
    occurred_at = serializers.DateTimeField()
    description = multiline_text(allow_blank=True, trim_whitespace=False)
    channel = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in intake.DEVICE_CHANNELS], default=Channel.FIELD_DEVICE
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=48), required=False, default=list, max_length=20
    )
    # ListSerializer takes max_length since DRF 3.14; the stubs do not know it yet.
    people = PersonInput(many=True, required=False, default=list, max_length=intake.MAX_PEOPLE)  # type: ignore[call-arg]
    items = ItemInput(many=True, required=False, default=list, max_length=intake.MAX_ITEMS)  # type: ignore[call-arg]
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True, default=None)
    complainant_name = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    complainant_phone = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    deaths = CasualtiesField(
        "deaths", required=False, default=0, help_text=_("People killed. For a traffic accident, always give it.")
    )
    injuries = CasualtiesField(
        "injuries", required=False, default=0, help_text=_("People injured. For a traffic accident, always give it.")
    )

    def validate_category(self, value: str) -> Any:
        return intake.clean_category(value)

    def validate_village(self, value: str) -> Any:
        return intake.clean_village(value, self.context["request"].user)

    def validate_occurred_at(self, value: Any) -> Any:
        return intake.clean_occurred_at(value)

    def validate_description(self, value: str) -> str:
        return intake.clean_description(value)

    def validate_tags(self, value: list[str]) -> Any:
        return intake.clean_tags(value)

    def validate_complainant_name(self, value: str) -> str:
        return intake.clean_name(value)

    def validate_complainant_phone(self, value: str) -> str:
        return intake.clean_phone(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        latitude, longitude = intake.clean_coordinates(attrs["latitude"], attrs["longitude"])
        attrs["data"] = IntakeData(
            category=attrs["category"],
            village=attrs["village"],
            occurred_at=attrs["occurred_at"],
            description=attrs["description"],
            channel=attrs["channel"],
            tags=attrs["tags"],
            people=attrs["people"],
            items=attrs["items"],
            latitude=latitude,
            longitude=longitude,
            complainant_name=attrs["complainant_name"],
            complainant_phone=attrs["complainant_phone"],
            deaths=attrs["deaths"],
            injuries=attrs["injuries"],
        )
        return attrs


class VersionInput(CheckedTextSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The version of the record the change is based on (optimistic locking).")
    )


class CloseInput(VersionInput):
    """What closing asks depends on the kind of the record's category (``closure_kind`` in
    /api/v1/categories/), checked as on the record's page:

    - crime: outcome solved (clearance arrest with arrests of at least 1, or exceptional with
      exceptional_reason A to E, the NIBRS codes), transferred, referred, mediated (where the
      category allows it) or unfounded;
    - complaint (public service, hygiene, civil matters): resolved, mediated (where allowed),
      unresolved, or referred with referred_to naming the service;
    - emergency (disaster, epidemic): resolved, unresolved or referred, with response_at.

    A field that does not apply to the kind is refused (400), not ignored."""

    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        help_text=_(
            "Crimes: solved, transferred, referred, mediated, unfounded. Complaints: resolved, mediated, "
            "unresolved, referred. Disasters and epidemics: resolved, unresolved, referred."
        ),
    )
    clearance = serializers.ChoiceField(choices=Clearance.choices, required=False, allow_blank=True, default="")
    exceptional_reason = serializers.ChoiceField(
        choices=ExceptionalReason.choices, required=False, allow_blank=True, default=""
    )
    note = multiline_text(required=False, allow_blank=True, default="", trim_whitespace=False)
    arrests = serializers.IntegerField(required=False, default=0, min_value=0, max_value=MAX_ARRESTS)
    # Absent or null: the numbers recorded so far stay.
    deaths = CasualtiesField(
        "deaths",
        required=False,
        allow_null=True,
        default=None,
        help_text=_("People killed, including anyone who died later of their injuries; absent keeps the number."),
    )
    injuries = CasualtiesField(
        "injuries",
        required=False,
        allow_null=True,
        default=None,
        help_text=_("People injured; absent keeps the number."),
    )
    referred_to = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text=_(
            "Outcome referred: the service the record was passed to (for a complaint, disaster or epidemic "
            "it is required; for a crime the note may say it instead)."
        ),
    )
    response_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Disasters and epidemics only, and required for them: when the response arrived "
            "(not before the incident, not in the future)."
        ),
    )
    closed_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "History entered after the fact: the date (Asia/Phnom_Penh) the record was really closed; "
            "absent, null or today: closed now. A past date needs the permission to enter history at the "
            "record's place (403 otherwise); it may not be before the date of the incident nor in the future "
            "(400), nor in a month whose approved report locks the place's figures (403). The record is then "
            "marked closed_after_the_fact."
        ),
    )


class ReasonInput(VersionInput):
    reason = multiline_text(allow_blank=True, trim_whitespace=False)


class AssignInput(VersionInput):
    assignee = serializers.CharField(max_length=150, help_text=_("The username of the officer."))


class NoteInput(VersionInput):
    text = multiline_text(allow_blank=True, trim_whitespace=False)
    public = serializers.BooleanField(required=False, default=False)


# --- output ------------------------------------------------------------------------------


class PersonOutput(CheckedTextModelSerializer[InvolvedPerson]):
    name = serializers.SerializerMethodField()

    class Meta:
        model = InvolvedPerson
        fields = ["id", "role", "sex", "age_group", "name"]

    def get_name(self, person: InvolvedPerson) -> str | None:
        """The name for callers allowed to see it; otherwise null (withheld)."""
        if not self.context.get("show_names") or not person.name:
            return None
        return person.name


class ItemOutput(CheckedTextModelSerializer[SeizedItem]):
    class Meta:
        model = SeizedItem
        fields = ["kind", "drug_type", "quantity", "unit", "description"]


class NoteOutput(CheckedTextModelSerializer[Note]):
    author: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Note
        fields = ["text", "public", "author", "created_at"]


class IncidentOutput(CheckedTextModelSerializer[Incident]):
    category: serializers.SlugRelatedField[Category] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    village = serializers.CharField(source="place_code", read_only=True)
    tags: serializers.SlugRelatedField[ContextTag] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    people = PersonOutput(many=True, read_only=True)
    items = ItemOutput(source="seized_items", many=True, read_only=True)
    # What the record does not have is said the way the input says it, so that a generated
    # client reads back what it sends: a reference it lacks (no device uuid, nobody assigned)
    # is null; a choice not made yet (open records have no outcome) is "", declared in the enum.
    assigned_to: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text=_("The username of the officer; null if none."),
    )
    uuid = serializers.UUIDField(
        source="client_uuid",
        read_only=True,
        allow_null=True,
        help_text=_("The device's identifier of the submission; null for a record not sent by a device."),
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)
    clearance = serializers.ChoiceField(choices=Clearance.choices, allow_blank=True, read_only=True)
    exceptional_reason = serializers.ChoiceField(choices=ExceptionalReason.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Incident
        fields = [
            "reference",
            "uuid",
            "channel",
            "category",
            "village",
            "occurred_at",
            "period_month",
            "reported_at",
            "description",
            "latitude",
            "longitude",
            "tags",
            "people",
            "items",
            "status",
            "outcome",
            "clearance",
            "exceptional_reason",
            "outcome_note",
            "referred_to",
            "response_at",
            "arrests",
            "deaths",
            "injuries",
            "assigned_to",
            "version",
            "acknowledge_due_at",
            "action_due_at",
            "close_due_at",
            "acknowledged_at",
            "first_action_at",
            "closed_at",
            "closed_after_the_fact",
            "reopened_count",
            "escalated_to_level",
            "escalated_at",
            "withdrawn_reason",
        ]
        read_only_fields = fields


class IncidentDetailOutput(IncidentOutput):
    notes = NoteOutput(many=True, read_only=True)
    complainant = serializers.SerializerMethodField()

    class Meta(IncidentOutput.Meta):
        fields = [*IncidentOutput.Meta.fields, "notes", "complainant"]
        read_only_fields = fields

    def get_complainant(self, incident: Incident) -> dict[str, str] | None:
        """The complainant's name and phone for callers allowed to see them; otherwise null."""
        if not self.context.get("show_names") or not (incident.complainant_name or incident.complainant_phone):
            return None
        return {"name": incident.complainant_name, "phone": incident.complainant_phone}
