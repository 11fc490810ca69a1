"""The register: one record for every incident and complaint, whatever the channel.

A record belongs to a village (``village`` and its denormalised ``place_code``, the 8-digit
code every scoping and roll-up query filters by prefix). Its state changes only through the
named actions in ``incidents.actions``, each of which locks the row, checks the transition,
bumps ``version`` (optimistic locking between two officers) and writes the audit event in
the same transaction. Nothing is deleted: a record entered in error is *withdrawn*.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safevillage.core.periods import local_month

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person at the police post")
    PHONE = "phone", _("Telephone or hotline")
    POST_BOX = "post_box", _("Post box (paper tip)")
    VILLAGE_CHIEF = "village_chief", _("Village chief")
    PATROL = "patrol", _("Police patrol")
    OTHER_AUTHORITY = "other_authority", _("Another authority")
    FIELD_DEVICE = "field_device", _("Field device")
    PUBLIC_WEB = "public_web", _("Public website")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Under investigation")
    UNDER_REVIEW = "under_review", _("Under review")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The most people killed, or injured, that one record may count.
MAX_CASUALTIES = 500

OPEN_STATUSES = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.UNDER_REVIEW)


class Outcome(models.TextChoices):
    SOLVED = "solved", _("Solved")
    MEDIATED = "mediated", _("Mediated out of court")
    REFERRED = "referred", _("Referred to a service")
    TRANSFERRED = "transferred", _("Transferred to court or another unit")
    UNFOUNDED = "unfounded", _("Unfounded")
    # Complaints (public services, hygiene, civil matters) and disasters or epidemics: the
    # problem was dealt with, or could not be (a crime is "solved" instead, with its clearance).
    RESOLVED = "resolved", _("Resolved")
    UNRESOLVED = "unresolved", _("Not resolved")


class Clearance(models.TextChoices):
    ARREST = "arrest", _("Cleared by arrest (arrested, charged and sent for prosecution)")
    EXCEPTIONAL = "exceptional", _("Cleared by exceptional means")


class ExceptionalReason(models.TextChoices):
    """The NIBRS exceptional-clearance codes."""

    A = "A", _("A: death of the offender")
    B = "B", _("B: prosecution declined")
    C = "C", _("C: in custody of another jurisdiction")
    D = "D", _("D: victim refused to cooperate")
    E = "E", _("E: juvenile, no custody")


class IncidentQuerySet(models.QuerySet["Incident"]):
    def visible_to(self, user: AnyUser, permission: str = "incidents.view") -> IncidentQuerySet:
        from safevillage.accounts.scoping import prefix_filter

        return self.filter(prefix_filter(user, permission, "place_code"))

    def open(self) -> IncidentQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: datetime.datetime | None = None) -> IncidentQuerySet:
        """Records overdue at ``now`` (the product's one rule: ``deadlines.overdue_q``)."""
        from safevillage.incidents.deadlines import overdue_q

        return self.filter(overdue_q(now))

    def counted(self) -> IncidentQuerySet:
        """Records that count in figures: everything but withdrawn ones."""
        return self.exclude(status=Status.WITHDRAWN)


class Incident(models.Model):
    # Unique through Meta.constraints, not unique=True: on PostgreSQL the field option adds a
    # second, pattern-ops index that no query uses (see Meta.indexes).
    reference = models.CharField(_("reference"), max_length=24, editable=False)
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices)
    # No index of its own: reports read the summaries, lists select by place and period first,
    # and (period_month, category) serves a category across the country (see Meta.indexes).
    category = models.ForeignKey(
        "policy.Category", verbose_name=_("category"), on_delete=models.PROTECT, db_index=False
    )
    tags = models.ManyToManyField("policy.ContextTag", verbose_name=_("context"), blank=True)
    # Selected through place_code, never through this key: no index of its own.
    village = models.ForeignKey(
        "places.Place", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The village's code, denormalised: every scoping and roll-up filters it by prefix.
    place_code = models.CharField(max_length=8, editable=False)
    occurred_at = models.DateTimeField(_("time of the incident"))
    # Local (Asia/Phnom_Penh) month of occurrence as YYYYMM: reports group on it without
    # per-row date functions (SQLite evaluates TruncMonth in Python for every row).
    period_month = models.PositiveIntegerField(editable=False)
    reported_at = models.DateTimeField(_("reported"))
    description = models.TextField(_("description"))
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    clearance = models.CharField(_("clearance"), max_length=16, choices=Clearance.choices, blank=True)
    exceptional_reason = models.CharField(
        _("exceptional reason"), max_length=1, choices=ExceptionalReason.choices, blank=True
    )
    outcome_note = models.TextField(_("outcome details"), blank=True)
    # The service a record was passed to (outcome "referred"), when named on its own.
    referred_to = models.CharField(_("passed to"), max_length=200, blank=True, db_default="")
    # Disasters and epidemics: when the response arrived (the 2021 policy's timely response).
    response_at = models.DateTimeField(_("response arrived"), null=True, blank=True)
    arrests = models.PositiveIntegerField(_("people arrested"), default=0)
    # Casualties, on any category (a homicide has a death too); the report's traffic deaths and
    # injuries are these, summed over traffic accidents. db_default: bulk inserts need not name them.
    deaths = models.PositiveSmallIntegerField(_("people killed"), default=0, db_default=0)
    injuries = models.PositiveSmallIntegerField(_("people injured"), default=0, db_default=0)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        # No index: no list selects by assignee, and accounts are deactivated, never deleted.
        db_index=False,
    )
    # Found with its client_uuid through one_record_per_device_submission: no index of its own.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    version = models.PositiveIntegerField(default=1)

    # Deadlines, set from the category at intake.
    acknowledge_due_at = models.DateTimeField()
    action_due_at = models.DateTimeField()
    close_due_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    first_action_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Local month of closed_at as YYYYMM, stored for the same reason as period_month: the
    # "closed in the period" figures group on it.
    closed_month = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The closure was dated in the past when it was entered (history moved in from paper):
    # closed_at is the date given, and the audit event of the closure has the day it was
    # entered. Kept on the record so that reports and integrity checks can tell such closures
    # from those entered as they happened. db_default: bulk inserts need not name it.
    closed_after_the_fact = models.BooleanField(
        _("closure entered after the fact"), default=False, db_default=False, editable=False
    )
    reopened_count = models.PositiveSmallIntegerField(default=0)
    # The level of place the record was escalated to (2 district, 1 province, 0 national); null: not escalated.
    escalated_to_level = models.PositiveSmallIntegerField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    # Field devices: the device's own UUID makes a resubmission idempotent (per user).
    client_uuid = models.UUIDField(null=True, blank=True, editable=False)
    submission_hash = models.CharField(max_length=64, blank=True, editable=False)

    # Public complaints: only the receipt's SHA-256 is kept; an anonymous complainant
    # leaves no name, phone or address.
    receipt_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    complainant_name = models.CharField(_("complainant's name"), max_length=200, blank=True)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=32, blank=True)
    complainant_satisfied = models.BooleanField(null=True, blank=True)
    complainant_feedback_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        # Every index is paid on each of millions of inserts, so only these (decisions 0004
        # and 0009): pages of the register walk an index in the list's own order and read the
        # filters from it, so that a page costs the same at any size and any depth; counts
        # and small selections seek a place's or a category's entries; open records by
        # deadline serve overdue and escalation; and the unique keys below. Keys of places,
        # categories and users a record points to are not indexed for deletions: those rows
        # are never deleted (places and categories are ended, accounts deactivated).
        indexes = [
            # A place's records (scoping is a code range), by month and time of report, with
            # the category and status to filter and the id (SQLite's rowid is in every index;
            # PostgreSQL includes it): counts and small places' pages are read from it alone.
            models.Index(
                fields=["place_code", "period_month", "reported_at", "category", "status"],
                include=["id"],
                name="incident_place_month",
            ),
            # Newest report first, with what the common filters read: a page of a province or
            # of the nation walks it from the top (or from a keyset cursor) and stops at the
            # page's end, whatever the register's size (core.paging.KeysetPages).
            models.Index(
                fields=["reported_at", "id", "place_code", "category", "status", "period_month"],
                name="incident_newest",
            ),
            # One category's records by place, month and time of report: a place x category
            # selection is one range of it, counted or sorted without reading anything else.
            models.Index(
                fields=["category", "place_code", "period_month", "reported_at", "status"],
                include=["id"],
                name="incident_category_place",
            ),
            # By time of the incident: the month of occurrence first, as the period filter and
            # the report figures select it (a range of months, in order), then the time itself.
            models.Index(
                fields=["period_month", "occurred_at", "id", "place_code", "category", "status"],
                name="incident_occurred",
            ),
            # A status's records by place (open records are a few percent of the register):
            # "the open records of a province" is a few ranges of it, not the whole province.
            models.Index(
                fields=["status", "place_code", "period_month", "reported_at"],
                include=["id"],
                name="incident_status_place",
            ),
            models.Index(fields=["status", "close_due_at"]),
            # Records escalated to a level, oldest escalation first: each supervisor's home queue.
            # Partial: the records never escalated (most of the register) cost it nothing.
            models.Index(
                fields=["escalated_to_level", "escalated_at"],
                condition=models.Q(escalated_to_level__isnull=False),
                name="incident_escalated",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="one_record_per_reference"),
            # A public complaint's receipt. Partial: the other records (most of the register)
            # have none and cost this index nothing; a look-up by receipt can use it.
            models.UniqueConstraint(
                fields=["receipt_hash"], condition=models.Q(receipt_hash__isnull=False), name="one_record_per_receipt"
            ),
            models.UniqueConstraint(
                fields=["created_by", "client_uuid"],
                condition=models.Q(client_uuid__isnull=False),
                name="one_record_per_device_submission",
            ),
            models.CheckConstraint(
                name="closed_records_have_an_outcome",
                condition=(models.Q(status="closed") & ~models.Q(outcome=""))
                | (~models.Q(status="closed") & models.Q(outcome="")),
            ),
            models.CheckConstraint(
                name="clearance_only_when_solved",
                condition=models.Q(outcome="solved", clearance__in=["arrest", "exceptional"])
                | (~models.Q(outcome="solved") & models.Q(clearance="")),
            ),
            models.CheckConstraint(
                name="exceptional_clearance_has_reason",
                condition=(models.Q(clearance="exceptional") & ~models.Q(exceptional_reason=""))
                | (~models.Q(clearance="exceptional") & models.Q(exceptional_reason="")),
            ),
            models.CheckConstraint(
                name="incident_period_month_valid",
                condition=models.Q(period_month__gte=197901, period_month__lte=299912),
            ),
            models.CheckConstraint(
                name="incident_closed_month_with_closed_at",
                condition=models.Q(closed_at__isnull=True, closed_month__isnull=True)
                # isnull=False too: a CHECK that evaluates to NULL passes.
                | models.Q(
                    closed_at__isnull=False,
                    closed_month__isnull=False,
                    closed_month__gte=197901,
                    closed_month__lte=299912,
                ),
            ),
            models.CheckConstraint(
                name="incident_after_the_fact_only_when_closed",
                condition=models.Q(closed_after_the_fact=False) | models.Q(closed_at__isnull=False),
            ),
            # Beyond MAX_CASUALTIES in one record is a typing error (intake refuses it with a message).
            models.CheckConstraint(
                name="incident_casualties_plausible",
                condition=models.Q(deaths__lte=MAX_CASUALTIES, injuries__lte=MAX_CASUALTIES),
            ),
            # A point needs both coordinates; half a point would be drawn at the equator or meridian.
            models.CheckConstraint(
                name="incident_coordinates_both_or_neither",
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        # closed_month follows closed_at on every save, so no path can set one without the other.
        self.closed_month = local_month(self.closed_at) if self.closed_at is not None else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "closed_at" in update_fields and "closed_month" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "closed_month"]
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # The status's and the channel's names, as ``get_status_display`` gives them, from dicts
    # made once: Django's builds a dict of every choice, translating each to hash it, on each
    # call, which was a tenth of a register page of fifty records.
    @property
    def status_label(self) -> str:
        return str(_STATUS_LABELS.get(self.status, self.status))

    @property
    def channel_label(self) -> str:
        return str(_CHANNEL_LABELS.get(self.channel, self.channel))


# The choices' names (lazy: translated when shown), read once.
_STATUS_LABELS = dict(Status.choices)
_CHANNEL_LABELS = dict(Channel.choices)


class PersonRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    SUSPECT = "suspect", _("Suspect")
    WITNESS = "witness", _("Witness")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Not known")


class AgeGroup(models.TextChoices):
    CHILD = "child", _("Child (under 18)")
    YOUTH = "youth", _("Youth (18–24)")
    ADULT = "adult", _("Adult (25–59)")
    OLDER = "older", _("Older person (60 and over)")
    UNKNOWN = "unknown", _("Not known")


class InvolvedPerson(models.Model):
    """Someone involved in a record. ``name`` is optional and shown only to investigating
    roles; each view of a victim's name is audited."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="people")
    role = models.CharField(_("role"), max_length=16, choices=PersonRole.choices)
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices, default=Sex.UNKNOWN)
    age_group = models.CharField(_("age group"), max_length=16, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN)
    name = models.CharField(_("name"), max_length=200, blank=True)
    arrested = models.BooleanField(_("arrested"), default=False)

    class Meta:
        verbose_name = _("person involved")
        verbose_name_plural = _("people involved")

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.get_sex_display()}, {self.get_age_group_display()})"


class ItemKind(models.TextChoices):
    DRUG = "drug", _("Drugs")
    WEAPON = "weapon", _("Weapon")
    VEHICLE = "vehicle", _("Vehicle")
    OTHER = "other", _("Other")


class DrugType(models.TextChoices):
    METHAMPHETAMINE = "methamphetamine", _("Methamphetamine (yaba, ice)")
    HEROIN = "heroin", _("Heroin")
    CANNABIS = "cannabis", _("Cannabis")
    KETAMINE = "ketamine", _("Ketamine")
    MDMA = "mdma", _("Ecstasy (MDMA)")
    OTHER = "other", _("Other drug")


class Unit(models.TextChoices):
    GRAM = "g", _("grams")
    KILOGRAM = "kg", _("kilograms")
    TABLET = "tablet", _("tablets")
    ITEM = "item", _("items")


class SeizedItem(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="seized_items")
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    drug_type = models.CharField(_("drug"), max_length=24, choices=DrugType.choices, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("seized item")
        verbose_name_plural = _("seized items")
        constraints = [
            models.CheckConstraint(name="seized_quantity_positive", condition=models.Q(quantity__gt=0)),
            models.CheckConstraint(
                name="drug_type_only_for_drugs",
                condition=(models.Q(kind="drug") & ~models.Q(drug_type=""))
                | (~models.Q(kind="drug") & models.Q(drug_type="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity} {self.unit}"


class Note(models.Model):
    """A note on a record; ``public`` notes are shown to the complainant with the receipt."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    public = models.BooleanField(_("visible to the complainant"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.text[:50]


class AppliedAction(models.Model):
    """A workflow action taken through the API: the version it was based on, who took it, a
    digest of what was sent and the client's request id (``Idempotency-Key``) if it sent one.
    A device that resends an action whose answer it lost is recognised by it and answered
    again rather than refused (``actions.act_once``). Written in the action's transaction."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    base_version = models.PositiveIntegerField()
    action = models.CharField(max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    request_id = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Optimistic locking lets exactly one action succeed on each version of a record.
            models.UniqueConstraint(fields=["incident", "base_version"], name="one_action_per_record_version"),
            models.UniqueConstraint(
                fields=["actor", "request_id"], condition=~models.Q(request_id=""), name="one_action_per_request_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} on version {self.base_version}"


class ReferenceCounter(models.Model):
    """The last sequence number used for a district and year (references such as
    08-0803-2026-000117). Locked while a number is taken, so numbers are never reused."""

    district_code = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district_code", "year"], name="one_counter_per_district_year")]

    def __str__(self) -> str:
        return f"{self.district_code}-{self.year}: {self.last_number}"
