"""People pages: a secretariat manages the officers of its own area, and nobody can grant a
role above or outside their own, through the form, the role page or a CSV import."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from safevillage.accounts import authority
from safevillage.accounts.models import RoleAssignment, User
from safevillage.accounts.roles import Role
from safevillage.accounts.user_import import import_users
from safevillage.audit.models import AuditEvent
from safevillage.places.models import Place

# A role at a place (None: the whole country) that the provincial secretariat of Prey Veng
# (14) may not give: above its own rank, or outside Prey Veng.
REFUSED_TO_PREY_VENG: list[tuple[str, str | None]] = [
    (Role.NATIONAL_SECRETARIAT, None),
    (Role.AUDITOR, None),
    (Role.AUDITOR, "14"),  # auditors are appointed by the national secretariat only
    (Role.PROVINCIAL_SECRETARIAT, "08"),
    (Role.DISTRICT_OFFICER, "0801"),
    (Role.COMMUNE_POLICE, "080101"),
    (Role.COMMUNE_COUNCIL, "080101"),
    (Role.VILLAGE_CHIEF, "08010101"),
    (Role.SERVICE_PROVIDER, "08"),
]
ALLOWED_TO_PREY_VENG: list[tuple[str, str | None]] = [
    (Role.PROVINCIAL_SECRETARIAT, "14"),
    (Role.DISTRICT_OFFICER, "1403"),
    (Role.COMMUNE_POLICE, "140306"),
    (Role.COMMUNE_COUNCIL, "140401"),
    (Role.VILLAGE_CHIEF, "14030601"),
    (Role.SERVICE_PROVIDER, "1404"),
]


def place(places: dict[str, Place], code: str | None) -> Place | None:
    return places[code] if code else None


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fresh(user: User) -> User:
    """A new object: no cached assignments."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def kandal_officer(places: dict[str, Place], make_user: Callable[..., User]) -> User:
    return make_user("sreymom", Role.COMMUNE_POLICE, places["080101"], full_name="Sreymom Ly")


# The rule, as a function.


@pytest.mark.parametrize(("role", "code"), REFUSED_TO_PREY_VENG)
def test_the_province_may_not_grant_above_or_outside_its_own(chenda, places, role, code):
    assert not authority.may_grant(fresh(chenda), role, place(places, code))


@pytest.mark.parametrize(("role", "code"), ALLOWED_TO_PREY_VENG)
def test_the_province_grants_its_own_rank_and_below_within_its_province(chenda, places, role, code):
    assert authority.may_grant(fresh(chenda), role, place(places, code))


@pytest.mark.parametrize(("role", "code"), REFUSED_TO_PREY_VENG + ALLOWED_TO_PREY_VENG)
def test_the_national_secretariat_grants_everywhere(national, places, role, code):
    assert authority.may_grant(fresh(national), role, place(places, code))


@pytest.mark.parametrize("role", Role.values)
def test_officers_without_users_manage_grant_nothing(sokha, vannak, places, role):
    for officer in (sokha, vannak):
        assert not authority.may_grant(fresh(officer), role, places["140305"])
        assert not authority.manageable_users(fresh(officer)).exists()


def test_nobody_changes_their_own_roles(chenda, places):
    with pytest.raises(authority.OutsideAuthority):
        authority.check_grant(fresh(chenda), chenda, Role.COMMUNE_POLICE, places["140305"])


# Through the pages.


def create_data(role: str, code: str | None, username: str = "newofficer") -> dict[str, Any]:
    return {
        "username": username,
        "full_name": "New Officer",
        "phone": "012 345 678",
        "role": role,
        "place_code": code or "",
    }


@pytest.mark.parametrize(("role", "code"), REFUSED_TO_PREY_VENG)
def test_the_province_cannot_create_an_officer_above_or_outside_its_own(chenda, places, role, code):
    events = AuditEvent.objects.count()

    response = signed_in(chenda).post("/accounts/people/new/", create_data(role, code))

    assert response.status_code == 200
    assert not User.objects.filter(username="newofficer").exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(("role", "code"), REFUSED_TO_PREY_VENG)
def test_the_province_cannot_give_a_role_above_or_outside_its_own(chenda, sokha, places, role, code):
    response = signed_in(chenda).post(
        f"/accounts/people/{sokha.pk}/roles/", {"role-role": role, "role-place_code": code or ""}
    )

    assert response.status_code == 400
    assert sokha.assignments.count() == 1


@pytest.mark.parametrize(("role", "code"), REFUSED_TO_PREY_VENG)
def test_the_province_cannot_import_a_role_above_or_outside_its_own(chenda, places, role, code):
    csv = f"username,full_name,phone,role,place_code\nnewofficer,New Officer,,{role},{code or ''}\n"

    response = signed_in(chenda).post(
        "/accounts/people/import/", {"file": SimpleUploadedFile("officers.csv", csv.encode())}
    )

    assert response.status_code == 200
    assert not User.objects.filter(username="newofficer").exists()
    assert response.context["results"][0]["ok"] is False


def test_an_import_cannot_touch_an_account_out_of_reach(chenda, kandal_officer):
    csv = "username,full_name,phone,role,place_code\nsreymom,Renamed,,commune_police,140305\n"

    report = import_users(io.StringIO(csv), by=chenda, authorise=authority.import_check(fresh(chenda)))

    assert [error.line for error in report.errors] == [2]
    kandal_officer.refresh_from_db()
    assert kandal_officer.full_name == "Sreymom Ly"
    assert kandal_officer.assignments.count() == 1


def test_the_province_creates_an_officer_with_a_temporary_password_and_audit_rows(chenda, places):
    response = signed_in(chenda).post("/accounts/people/new/", create_data(Role.COMMUNE_POLICE, "140306"))

    assert response.status_code == 200
    user = User.objects.get(username="newofficer")
    assert user.must_change_password
    assert user.phone == "+85512345678"
    assert user.check_password(response.context["password"])
    assignment = user.assignments.get()
    assert (assignment.role, assignment.place.code) == (Role.COMMUNE_POLICE, "140306")
    actions = list(AuditEvent.objects.filter(actor=chenda).values_list("action", flat=True).order_by("pk"))
    assert actions == ["accounts.user.create", "accounts.assignment.add"]
    assert response.context["password"] not in str(list(AuditEvent.objects.values_list("old", "new")))


def test_the_province_imports_lines_with_a_result_per_line(chenda, places):
    csv = (
        "username,full_name,phone,role,place_code\n"
        "piseth,Piseth Om,,commune_police,140306\n"
        "kosal,Kosal Im,,commune_police,080101\n"
    )
    response = signed_in(chenda).post(
        "/accounts/people/import/", {"file": SimpleUploadedFile("officers.csv", csv.encode())}
    )

    results = response.context["results"]
    assert [(result["line"], result["ok"]) for result in results] == [(2, True), (3, False)]
    assert results[0]["password"]
    assert User.objects.get(username="piseth").must_change_password
    assert not User.objects.filter(username="kosal").exists()
    assert AuditEvent.objects.filter(action="accounts.user.create", actor=chenda).count() == 1


def test_a_page_import_keeps_the_import_users_checks(chenda, places):
    csv = "username,full_name,phone,role,place_code\nbad name,X,,commune_police,140306\n"

    response = signed_in(chenda).post(
        "/accounts/people/import/", {"file": SimpleUploadedFile("officers.csv", csv.encode())}
    )

    assert response.context["results"][0]["ok"] is False
    assert not User.objects.filter(full_name="X").exists()


# Reach: the same 404 for missing and out of reach.


def test_the_province_lists_only_the_officers_it_manages(chenda, sokha, dara, vannak, national, kandal_officer):
    response = signed_in(chenda).get("/accounts/people/")

    listed = {user.username for user in response.context["page"].object_list}
    assert listed == {"sokha", "dara", "vannak"}


def test_the_list_searches_by_name(chenda, sokha, dara):
    response = signed_in(chenda).get("/accounts/people/", {"q": "keo"})

    assert [user.username for user in response.context["page"].object_list] == ["dara"]


@pytest.mark.parametrize("path", ["/accounts/people/{pk}/", "/accounts/people/{pk}/password/"])
def test_officers_out_of_reach_are_not_found(chenda, kandal_officer, national, path):
    client = signed_in(chenda)
    for user in (kandal_officer, national, chenda):
        url = path.format(pk=user.pk)
        response = client.get(url) if url.endswith("/") and "password" not in url else client.post(url)
        assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="accounts.password.set_temporary").exists()


def test_an_officer_with_one_role_outside_is_out_of_reach(chenda, sokha, places):
    RoleAssignment.objects.create(user=sokha, role=Role.VILLAGE_CHIEF, place=places["08010101"])

    assert signed_in(chenda).get(f"/accounts/people/{sokha.pk}/").status_code == 404
    assert signed_in(chenda).post(f"/accounts/people/{sokha.pk}/active/", {"active": "0"}).status_code == 404
    assert fresh(sokha).is_active


def test_staff_accounts_are_left_to_the_admin(chenda, sokha):
    User.objects.filter(pk=sokha.pk).update(is_staff=True)

    assert signed_in(chenda).get(f"/accounts/people/{sokha.pk}/").status_code == 404


def test_officers_without_users_manage_are_refused_the_pages(vannak):
    assert signed_in(vannak).get("/accounts/people/").status_code == 403


# Changes, each audited.


def test_deactivating_stops_sign_in_and_is_audited(chenda, sokha):
    response = signed_in(chenda).post(f"/accounts/people/{sokha.pk}/active/", {"active": "0", "reason": "left"})

    assert response.status_code == 302
    assert not fresh(sokha).is_active
    event = AuditEvent.objects.get(action="accounts.user.deactivate")
    assert (event.actor_id, event.reason, event.place_code) == (chenda.pk, "left", "140305")
    assert not Client().login(username="sokha", password="correct horse battery")

    signed_in(chenda).post(f"/accounts/people/{sokha.pk}/active/", {"active": "1"})
    assert fresh(sokha).is_active
    assert AuditEvent.objects.filter(action="accounts.user.reactivate").count() == 1


def test_after_a_reset_the_officer_must_change_the_password_at_sign_in(chenda, sokha):
    response = signed_in(chenda).post(f"/accounts/people/{sokha.pk}/password/")
    password = response.context["password"]
    assert AuditEvent.objects.filter(action="accounts.password.set_temporary", actor=chenda).count() == 1

    officer = Client()
    signed = officer.post("/accounts/login/", {"username": "sokha", "password": password})
    assert signed.status_code == 302

    home = officer.get("/incidents/")
    assert home.status_code == 302
    assert home.url == "/accounts/password/"


def test_giving_and_ending_a_role_with_dates(chenda, sokha, places):
    client = signed_in(chenda)
    response = client.post(
        f"/accounts/people/{sokha.pk}/roles/",
        {"role-role": Role.VILLAGE_CHIEF, "role-place_code": "14030501", "role-started_on": "2026-01-05"},
    )
    assert response.status_code == 302
    added = sokha.assignments.get(role=Role.VILLAGE_CHIEF)
    assert timezone.localtime(added.started_at).date().isoformat() == "2026-01-05"

    response = client.post(f"/accounts/people/roles/{added.pk}/end/", {"ended_on": "2026-02-01", "reason": "moved"})

    assert response.status_code == 302
    added.refresh_from_db()
    assert added.ended_at is not None
    assert list(AuditEvent.objects.filter(actor=chenda).values_list("action", flat=True).order_by("pk")) == [
        "accounts.assignment.add",
        "accounts.assignment.change",
    ]


def test_an_end_before_the_start_is_refused(chenda, sokha):
    assignment = sokha.assignments.get()

    response = signed_in(chenda).post(f"/accounts/people/roles/{assignment.pk}/end/", {"ended_on": "2001-01-01"})

    assert response.status_code == 400
    assert fresh(sokha).assignments.get().ended_at is None


def test_a_role_out_of_reach_cannot_be_ended(chenda, kandal_officer):
    assignment = kandal_officer.assignments.get()

    assert signed_in(chenda).post(f"/accounts/people/roles/{assignment.pk}/end/", {}).status_code == 404
    assert RoleAssignment.objects.get(pk=assignment.pk).ended_at is None


def test_the_list_reads_a_page_in_a_fixed_number_of_queries(chenda, places, make_user, django_assert_max_num_queries):
    client = signed_in(chenda)
    client.get("/accounts/people/")  # session and first-use reads out of the way
    for number in range(30):
        make_user(f"chief{number}", Role.VILLAGE_CHIEF, places["14030501"], full_name=f"Chief {number}")

    with django_assert_max_num_queries(10):
        response = client.get("/accounts/people/")

    assert len(response.context["page"].object_list) == 30


def test_an_import_checks_existing_accounts_in_a_fixed_number_of_queries(
    chenda, places, make_user, django_assert_max_num_queries
):
    lines = ["username,full_name,phone,role,place_code"]
    for number in range(30):
        make_user(f"chief{number}", Role.VILLAGE_CHIEF, places["14030501"], full_name=f"Chief {number}")
        lines.append(f"chief{number},Chief {number},,village_chief,14030502")
    manager = fresh(chenda)
    authority.grants(manager)  # the manager's own roles, read once as on a page

    with django_assert_max_num_queries(8):
        report = import_users(io.StringIO("\n".join(lines)), dry_run=True, authorise=authority.import_check(manager))

    assert not report.errors


# Where each role is held in the test below: a place of its own level in Prey Veng.
HELD_AT = {
    Role.NATIONAL_SECRETARIAT: None,
    Role.PROVINCIAL_SECRETARIAT: "14",
    Role.DISTRICT_OFFICER: "1403",
    Role.COMMUNE_POLICE: "140305",
    Role.COMMUNE_COUNCIL: "140305",
    Role.VILLAGE_CHIEF: "14030501",
    Role.SERVICE_PROVIDER: "1403",
    Role.RAPID_RESPONSE: "1403",
    Role.REFERRAL_COORDINATOR: "1403",
    Role.AUDITOR: "14",
}


@pytest.mark.parametrize("manager_role", Role.values)
def test_each_role_grants_only_at_or_below_its_rank_and_within_its_place(manager_role, places, make_user):
    manager = fresh(make_user("manager", manager_role, place(places, HELD_AT[manager_role])))
    for role in Role.values:
        for code in [None, *places]:
            target = place(places, code)
            expected = (
                manager_role in {Role.NATIONAL_SECRETARIAT, Role.PROVINCIAL_SECRETARIAT}
                and authority.RANK[role] <= authority.RANK[manager_role]
                and (manager_role == Role.NATIONAL_SECRETARIAT or (code or "").startswith("14"))
            )
            assert authority.may_grant(manager, role, target) == expected, (role, code)


def test_the_national_secretariat_appoints_a_country_wide_referral_coordinator(national, places):
    # A coordinator may hold the whole country, as the national secretariat and auditors do.
    response = signed_in(national).post("/accounts/people/new/", create_data(Role.REFERRAL_COORDINATOR, None))
    assert response.status_code == 200  # the page that shows the temporary password once
    assignment = RoleAssignment.objects.get(user__username="newofficer")
    assert (assignment.role, assignment.place) == (Role.REFERRAL_COORDINATOR, None)
