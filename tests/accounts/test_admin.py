"""The national secretariat's staff manage accounts in the admin: nothing is deleted, every
change is audited, a role must fit the level of its place."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from safevillage.accounts.actions import issue_device_token
from safevillage.accounts.models import DeviceToken, RoleAssignment, User
from safevillage.accounts.roles import Role
from safevillage.audit.models import AuditEvent


def typed(name: str, day: str, time: str) -> dict[str, str]:
    """A date and time as typed in the admin: day, month and year boxes, and HH:MM."""
    parts = datetime.date.fromisoformat(day) if day else None
    return {
        f"{name}_day": str(parts.day) if parts else "",
        f"{name}_month": str(parts.month) if parts else "",
        f"{name}_year": str(parts.year) if parts else "",
        f"{name}_time": time,
    }


@pytest.fixture
def staff(make_user, places) -> User:
    """A superuser of the national secretariat's IT staff."""
    return make_user("admin", Role.NATIONAL_SECRETARIAT, None, is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(staff, client: Client) -> Client:
    client.force_login(staff)
    return client


def test_admin_lists_accounts_assignments_and_device_keys(admin_client, sokha):
    issue_device_token(sokha, "Tablet", by=None)

    for path in ("/admin/accounts/user/", "/admin/accounts/roleassignment/", "/admin/accounts/devicetoken/"):
        response = admin_client.get(path)
        assert response.status_code == 200, path
    assert admin_client.get(f"/admin/accounts/user/{sokha.pk}/change/").status_code == 200


def test_admin_adds_an_assignment_typed_as_a_place_code(admin_client, nobody, places):
    response = admin_client.post(
        "/admin/accounts/roleassignment/add/",
        {
            "user": nobody.pk,
            "role": Role.COMMUNE_POLICE,
            "place": "140305",
            **typed("started_at", "2026-01-05", "08:00"),
            **typed("ended_at", "", ""),
        },
    )

    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=nobody)
    assert (assignment.role, assignment.place.code) == (Role.COMMUNE_POLICE, "140305")
    event = AuditEvent.objects.get(action="accounts.assignment.add")
    assert event.place_code == "140305"


@pytest.mark.parametrize(
    ("role", "place"),
    [
        (Role.COMMUNE_POLICE, "14030501"),  # a village is not a commune
        (Role.VILLAGE_CHIEF, "140305"),
        (Role.COMMUNE_POLICE, ""),  # only national roles go without a place
        (Role.NATIONAL_SECRETARIAT, "14"),
    ],
)
def test_admin_refuses_a_role_at_the_wrong_level(admin_client, nobody, places, role, place):
    response = admin_client.post(
        "/admin/accounts/roleassignment/add/",
        {"user": nobody.pk, "role": role, "place": place, **typed("started_at", "2026-01-05", "08:00")},
    )

    assert response.status_code == 200
    assert "cannot be assigned at this level of place" in str(response.context["adminform"].form.errors)
    assert not RoleAssignment.objects.filter(user=nobody).exists()


def test_admin_refuses_an_unknown_place_code(admin_client, nobody, places):
    response = admin_client.post(
        "/admin/accounts/roleassignment/add/",
        {
            "user": nobody.pk,
            "role": Role.COMMUNE_POLICE,
            "place": "149999",
            **typed("started_at", "2026-01-05", "08:00"),
        },
    )

    assert "place" in response.context["adminform"].form.errors
    assert not RoleAssignment.objects.filter(user=nobody).exists()


def assignment_form(assignment: RoleAssignment, **changes: str) -> dict[str, object]:
    local = timezone.localtime(assignment.started_at)
    data: dict[str, object] = {
        "role": assignment.role,
        "place": assignment.place.code if assignment.place else "",
        **typed("started_at", local.date().isoformat(), local.strftime("%H:%M:%S")),
        **typed("ended_at", "", ""),
    }
    data.update(changes)
    return data


def test_admin_ends_an_assignment_and_the_officer_loses_the_place(admin_client, sokha):
    assignment = sokha.assignments.get()
    now = timezone.localtime()

    response = admin_client.post(
        f"/admin/accounts/roleassignment/{assignment.pk}/change/",
        assignment_form(assignment, **typed("ended_at", now.date().isoformat(), now.strftime("%H:%M:%S"))),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    event = AuditEvent.objects.get(action="accounts.assignment.change")
    assert event.old["ended_at"] is None and event.new["ended_at"] is not None
    refreshed = User.objects.get(pk=sokha.pk)
    assert not RoleAssignment.objects.active().filter(user=refreshed).exists()


def test_admin_cannot_move_an_assignment_to_another_place(admin_client, sokha):
    assignment = sokha.assignments.get()

    response = admin_client.post(
        f"/admin/accounts/roleassignment/{assignment.pk}/change/", assignment_form(assignment, place="140306")
    )

    assert response.status_code == 200
    assert "place" in response.context["adminform"].form.errors
    assignment.refresh_from_db()
    assert assignment.place.code == "140305"


def test_end_now_action_ends_selected_assignments(admin_client, sokha, dara):
    ids = [sokha.assignments.get().pk, dara.assignments.get().pk]

    admin_client.post("/admin/accounts/roleassignment/", {"action": "end_now", "_selected_action": ids})

    assert not RoleAssignment.objects.active().filter(pk__in=ids).exists()
    assert AuditEvent.objects.filter(action="accounts.assignment.end").count() == 2


def test_nothing_is_deleted_in_the_admin(admin_client, sokha):
    assignment = sokha.assignments.get()
    token, _key = issue_device_token(sokha, "Tablet", by=None)

    assert admin_client.get(f"/admin/accounts/user/{sokha.pk}/delete/").status_code == 403
    assert admin_client.get(f"/admin/accounts/roleassignment/{assignment.pk}/delete/").status_code == 403
    assert admin_client.get(f"/admin/accounts/devicetoken/{token.pk}/delete/").status_code == 403
    assert User.objects.filter(pk=sokha.pk).exists()


def test_keys_are_not_created_in_the_admin_but_can_be_revoked_there(admin_client, sokha):
    token, _key = issue_device_token(sokha, "Tablet", by=None)

    assert admin_client.get("/admin/accounts/devicetoken/add/").status_code == 403
    admin_client.post("/admin/accounts/devicetoken/", {"action": "revoke", "_selected_action": [token.pk]})

    assert DeviceToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEvent.objects.filter(action="accounts.device_token.revoke").count() == 1


def test_admin_creates_an_account_whose_password_must_be_changed(admin_client, places):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "sreymom",
            "full_name": "Kim Sreymom",
            "phone": "",
            "usable_password": "true",
            "password1": "Temporary-pass-2026",
            "password2": "Temporary-pass-2026",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="sreymom")
    assert user.must_change_password
    assert AuditEvent.objects.filter(action="accounts.user.create", target_id=str(user.pk)).exists()


def test_a_password_set_by_the_secretariat_is_temporary(admin_client, sokha):
    response = admin_client.post(
        f"/admin/accounts/user/{sokha.pk}/password/",
        {"usable_password": "true", "password1": "Temporary-pass-2026", "password2": "Temporary-pass-2026"},
    )

    assert response.status_code == 302
    sokha.refresh_from_db()
    assert sokha.check_password("Temporary-pass-2026")
    assert sokha.must_change_password
    assert AuditEvent.objects.filter(action="accounts.password.set_temporary", target_id=str(sokha.pk)).exists()


def test_changing_an_account_in_the_admin_is_audited(admin_client, sokha):
    data = {
        "username": "sokha",
        "full_name": "Chan Sokha",
        "phone": "+85512345678",
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "assignments-TOTAL_FORMS": "0",
        "assignments-INITIAL_FORMS": "0",
    }

    response = admin_client.post(f"/admin/accounts/user/{sokha.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(action="accounts.user.update")
    assert event.old["full_name"] == "Sokha Chan"
    assert event.new["full_name"] == "Chan Sokha"


def test_the_assignment_inline_checks_the_level_too(admin_client, nobody, places):
    data = {
        "username": "nobody",
        "full_name": "",
        "phone": "",
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "assignments-TOTAL_FORMS": "1",
        "assignments-INITIAL_FORMS": "0",
        "assignments-0-role": Role.VILLAGE_CHIEF,
        "assignments-0-place": "140305",
        **typed("assignments-0-started_at", "2026-01-05", "08:00"),
    }

    response = admin_client.post(f"/admin/accounts/user/{nobody.pk}/change/", data)

    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(user=nobody).exists()

    data["assignments-0-place"] = "14030501"
    assert admin_client.post(f"/admin/accounts/user/{nobody.pk}/change/", data).status_code == 302
    assert RoleAssignment.objects.get(user=nobody).place.code == "14030501"
    assert AuditEvent.objects.filter(action="accounts.assignment.add").count() == 1
