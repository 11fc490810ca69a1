"""A provider, on a 390 px phone in Khmer, accepts a referral and records the service; the
referring team then reads "service given" and nothing more."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safevillage.referrals.models import Referral, Status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, databases=["default", "referrals"]),
    pytest.mark.usefixtures("khmer_default"),
]

SERVICE_NOTE = "HIV test negative; PrEP started; next visit in 30 days"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct horse battery")
    page.locator("main button").click()
    expect(page.locator("h1")).to_be_visible()


def test_the_provider_accepts_and_serves_and_the_team_reads_only_service_given(
    browser, live_server, phone, malis, sreyleak, make_referral
):
    referral = make_referral()
    sign_in(phone, "malis")
    assert phone.locator("html").get_attribute("lang") == "km"

    phone.goto("/referrals/")
    expect(phone.locator("h1")).to_have_text("ការបញ្ជូនដែលបានផ្ញើមកសេវារបស់អ្នក")
    phone.locator(f"a[href='/referrals/{referral.pk}/']").click()
    expect(phone.locator("#status")).to_have_text("បានផ្ញើ")
    phone.locator("#accept").click()
    expect(phone.locator("#status")).to_have_text("បានទទួលយក")
    phone.locator("#id_service-note").fill(SERVICE_NOTE)
    phone.locator("#record-service").click()
    expect(phone.locator("#status")).to_have_text("បានផ្ដល់សេវា")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    referral.refresh_from_db()
    assert referral.status == Status.SERVED and referral.service_note == SERVICE_NOTE

    # The team, on its own phone.
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url, is_mobile=True, has_touch=True
    )
    team = context.new_page()
    try:
        sign_in(team, "sreyleak")
        team.goto(f"/referrals/{referral.pk}/")
        expect(team.locator("#status")).to_have_text("បានផ្ដល់សេវា")
        text = team.locator("main").inner_text()
        assert "PrEP" not in text and "negative" not in text
        # Nor the key population, the provider's status words or the team's own note read back.
        assert "អ្នកចាក់គ្រឿងញៀន" not in text
        assert team.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
    assert Referral.objects.get().status == Status.SERVED
