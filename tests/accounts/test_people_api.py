"""/api/v1/people/: the same rule as the pages. No manager creates or gives a role above or
outside their own through the API either; an account out of reach is a 404."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from safevillage.accounts.models import RoleAssignment, User
from safevillage.accounts.roles import Role
from safevillage.audit.models import AuditEvent
from tests.accounts.test_people import ALLOWED_TO_PREY_VENG, REFUSED_TO_PREY_VENG, fresh
from tests.problems import assert_problem


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(fresh(user))
    return client


@pytest.fixture
def kandal_officer(places, make_user) -> User:
    return make_user("sreymom", Role.COMMUNE_POLICE, places["080101"], full_name="Sreymom Ly")


def body(role: str, code: str | None) -> dict[str, str]:
    return {"username": "newofficer", "full_name": "New Officer", "role": role, "place_code": code or ""}


@pytest.mark.parametrize(("role", "code"), REFUSED_TO_PREY_VENG)
def test_the_province_cannot_create_an_officer_above_or_outside_its_own(chenda, places, role, code):
    response = api(chenda).post("/api/v1/people/", body(role, code), format="json")

    assert_problem(response, 403)
    assert not User.objects.filter(username="newofficer").exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("role", "code"), REFUSED_TO_PREY_VENG)
def test_the_province_cannot_give_a_role_above_or_outside_its_own(chenda, sokha, places, role, code):
    response = api(chenda).post(
        f"/api/v1/people/{sokha.pk}/roles/", {"role": role, "place_code": code or ""}, format="json"
    )

    assert_problem(response, 403)
    assert sokha.assignments.count() == 1


@pytest.mark.parametrize(("role", "code"), ALLOWED_TO_PREY_VENG)
def test_the_province_creates_officers_within_its_own(chenda, places, role, code):
    response = api(chenda).post("/api/v1/people/", body(role, code), format="json")

    assert response.status_code == 201, response.content
    created = User.objects.get(username="newofficer")
    assert created.check_password(response.json()["temporary_password"])
    assert created.must_change_password
    assert response.json()["person"]["assignments"][0]["role"] == role
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "accounts.user.create",
        "accounts.assignment.add",
    }


def test_a_role_that_does_not_fit_the_place_is_a_400_on_the_place(national, places):
    response = api(national).post("/api/v1/people/", body(Role.VILLAGE_CHIEF, "140305"), format="json")

    assert_problem(response, 400, errors=[{"attr": "place_code"}])


def test_accounts_out_of_reach_are_not_found(chenda, national, kandal_officer):
    client = api(chenda)
    for user in (kandal_officer, national, chenda):
        assert_problem(client.get(f"/api/v1/people/{user.pk}/"), 404)
        assert_problem(client.post(f"/api/v1/people/{user.pk}/password/"), 404)
        assert_problem(client.post(f"/api/v1/people/{user.pk}/active/", {"active": False}, format="json"), 404)
    assert fresh(kandal_officer).is_active
    assert not AuditEvent.objects.exists()


def test_the_list_holds_only_the_accounts_managed(chenda, sokha, dara, national, kandal_officer):
    response = api(chenda).get("/api/v1/people/")

    assert {person["username"] for person in response.json()["results"]} == {"sokha", "dara"}


def test_officers_without_users_manage_are_refused(vannak, sokha):
    assert_problem(api(vannak).get("/api/v1/people/"), 403)
    assert_problem(api(vannak).post(f"/api/v1/people/{sokha.pk}/password/"), 403)


def test_reset_deactivate_and_end_a_role_through_the_api(chenda, sokha):
    client = api(chenda)

    reset = client.post(f"/api/v1/people/{sokha.pk}/password/")
    assert fresh(sokha).check_password(reset.json()["temporary_password"])
    assert fresh(sokha).must_change_password

    deactivated = client.post(f"/api/v1/people/{sokha.pk}/active/", {"active": False, "reason": "left"}, format="json")
    assert deactivated.json()["is_active"] is False

    assignment = sokha.assignments.get()
    ended = client.post(f"/api/v1/people/{sokha.pk}/end-role/", {"assignment": assignment.pk}, format="json")
    assert ended.status_code == 200
    assert RoleAssignment.objects.get(pk=assignment.pk).ended_at is not None
    assert list(AuditEvent.objects.filter(actor=chenda).values_list("action", flat=True).order_by("pk")) == [
        "accounts.password.set_temporary",
        "accounts.user.deactivate",
        "accounts.assignment.end",
    ]
    # Its only role ended, the account is still the province's to give a new one.
    assert client.get(f"/api/v1/people/{sokha.pk}/").status_code == 200
