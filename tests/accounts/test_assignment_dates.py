"""An assignment grants its place only while it is in force: from its start to its end."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from safevillage.accounts.actions import end_assignment
from safevillage.accounts.models import RoleAssignment, User
from safevillage.accounts.roles import Role
from safevillage.accounts.scoping import can
from safevillage.audit.models import AuditEvent


def places_seen(user: User) -> list[str]:
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))  # a fresh object: no cached prefixes
    return [place["code"] for place in client.get("/api/v1/places/?level=3").json()["results"]]


def test_an_assignment_entered_ahead_of_its_start_grants_nothing_yet(nobody, places):
    RoleAssignment.objects.create(
        user=nobody, role=Role.COMMUNE_POLICE, place=places["140305"], started_at=timezone.now() + timedelta(days=7)
    )

    assert places_seen(nobody) == []
    assert not can(User.objects.get(pk=nobody.pk), "incidents.record", "140305")


def test_an_ended_assignment_grants_nothing(sokha):
    assert places_seen(sokha) == ["140305"]

    end_assignment(sokha.assignments.get(), by=None, reason="transferred to Kandal")

    assert places_seen(sokha) == []
    event = AuditEvent.objects.get(action="accounts.assignment.end")
    assert event.reason == "transferred to Kandal"
    assert event.place_code == "140305"


def test_ending_an_assignment_twice_changes_nothing(sokha):
    assignment = sokha.assignments.get()
    end_assignment(assignment, by=None)
    ended_at = RoleAssignment.objects.get(pk=assignment.pk).ended_at

    end_assignment(assignment, by=None)

    assert RoleAssignment.objects.get(pk=assignment.pk).ended_at == ended_at
    assert AuditEvent.objects.filter(action="accounts.assignment.end").count() == 1
