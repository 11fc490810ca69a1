"""An administrator changes the policy in the admin, without a code change; every change is
audited and nothing can be deleted."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings

from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.policy.models import Category, FrameworkVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, policy, make_user):
    admin = make_user("admin", is_staff=True, is_superuser=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(admin)
    return client


def category_form(category: Category, **changes) -> dict:
    data = {
        "code": category.code,
        "name_km": category.name_km,
        "name_en": category.name_en,
        "active": "on" if category.active else "",
        "ordering": category.ordering,
        "criterion_2010": category.criterion_2010_id or "",
        "point_2021": category.point_2021_id or "",
        "is_crime": "on" if category.is_crime else "",
        "closure_kind": category.closure_kind,
        "iccs_code": category.iccs_code,
        "mediation_allowed": "on" if category.mediation_allowed else "",
        "sensitive": "on" if category.sensitive else "",
        "acknowledge_days": category.acknowledge_days,
        "first_action_days": category.first_action_days,
        "close_days": category.close_days,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_an_administrator_changes_a_deadline_and_the_change_is_audited(admin_client):
    theft = Category.objects.get(code="theft")
    response = admin_client.post(f"/admin/policy/category/{theft.pk}/change/", category_form(theft, close_days=45))
    assert response.status_code == 302
    assert Category.objects.get(code="theft").close_days == 45
    event = AuditEvent.objects.filter(action="policy.category.change").get()
    assert event.new == {"close_days": 45}
    assert event.target_id == str(theft.pk)
    assert verify_chain().intact


def test_a_category_made_a_crime_must_close_as_a_crime(admin_client):
    dispute = Category.objects.get(code="civil_dispute")
    url = f"/admin/policy/category/{dispute.pk}/change/"
    refused = admin_client.post(url, category_form(dispute, is_crime="on"))
    assert refused.status_code == 200 and "A crime, and only a crime, is closed as a crime." in refused.content.decode()
    assert admin_client.post(url, category_form(dispute, is_crime="on", closure_kind="crime")).status_code == 302
    assert Category.objects.get(code="civil_dispute").closure_kind == "crime"


def test_the_admin_offers_only_2010_criteria_for_the_2010_mapping(admin_client):
    theft = Category.objects.get(code="theft")
    html = admin_client.get(f"/admin/policy/category/{theft.pk}/change/").content.decode()
    select_2010 = html.split('name="criterion_2010"')[1].split("</select>")[0]
    assert select_2010.count("<option") == 6  # five criteria and the empty choice


def test_policy_rows_cannot_be_deleted_in_the_admin(admin_client):
    theft = Category.objects.get(code="theft")
    assert admin_client.post(f"/admin/policy/category/{theft.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Category.objects.filter(code="theft").exists()


def test_a_framework_date_is_typed_as_day_month_and_year(admin_client):
    framework = FrameworkVersion.objects.get(code="2021")
    url = f"/admin/policy/frameworkversion/{framework.pk}/change/"
    html = admin_client.get(url).content.decode()
    assert 'name="effective_from_day"' in html and 'name="effective_from_year"' in html
    assert "vDateField" not in html  # the admin's own field reads 05/12/2026 as 12 May

    data = {
        "code": framework.code,
        "name_km": framework.name_km,
        "name_en": framework.name_en,
        "effective_from_day": "5",
        "effective_from_month": "12",
        "effective_from_year": "2021",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    framework.refresh_from_db()
    assert framework.effective_from == datetime.date(2021, 12, 5)
