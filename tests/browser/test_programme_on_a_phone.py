"""A referral programme coordinator, on a 390 px phone in Khmer, sets up a team with a member
who refers and a provider with its staff account, and sets the provider aside."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safevillage.accounts.roles import Role
from safevillage.referrals.models import Provider, Team
from tests.browser.test_referral_on_a_phone import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, databases=["default", "referrals"]),
    pytest.mark.usefixtures("khmer_default"),
]


def test_the_coordinator_sets_up_a_team_and_a_provider_on_a_phone(live_server, phone, places, make_user):
    make_user("sothea", Role.REFERRAL_COORDINATOR, places["1403"], full_name="Keo Sothea")
    make_user("ngo1", Role.RAPID_RESPONSE, places["140305"])
    make_user("nurse1", Role.SERVICE_PROVIDER, places["1403"])
    sign_in(phone, "sothea")
    assert phone.locator("html").get_attribute("lang") == "km"

    phone.goto("/referrals/programme/")
    expect(phone.locator("h1")).to_have_text("កម្មវិធីបញ្ជូន")
    phone.get_by_role("link", name="បន្ថែមក្រុម").click()
    phone.locator("#id_name").fill("RRT Kansoam Ak")
    phone.locator("#id_place_code").fill("140305")
    phone.get_by_role("button", name="បង្កើតក្រុម").click()
    expect(phone.locator("h1")).to_have_text("RRT Kansoam Ak")
    phone.locator("#id_member-name").fill("Pech Sreyleak")
    phone.locator("#id_member-kind_2").check()  # NGO
    phone.locator("#id_member-username").fill("ngo1")
    phone.get_by_role("button", name="បន្ថែមសមាជិកនេះ").click()
    expect(phone.locator("#members")).to_contain_text("Pech Sreyleak")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.goto("/referrals/programme/providers/new/")
    phone.locator("#id_name").fill("Kansoam Ak clinic")
    phone.locator("input[name=services][value=hiv_testing]").check()
    phone.locator("#id_areas").fill("140305")
    phone.get_by_role("button", name="បង្កើតអ្នកផ្ដល់សេវា").click()
    expect(phone.locator("h1")).to_have_text("Kansoam Ak clinic")
    phone.locator("#id_staff-username").fill("nurse1")
    phone.get_by_role("button", name="បន្ថែមគណនីនេះ").click()
    expect(phone.locator("#staff")).to_contain_text("nurse1")
    phone.locator("#set-aside").click()
    expect(phone.locator("main")).to_contain_text("បានផ្អាក")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    team = Team.objects.get()
    assert (team.place_code, team.members.get().kind) == ("140305", "ngo")
    provider = Provider.objects.get()
    assert not provider.active and provider.staff.count() == 1
