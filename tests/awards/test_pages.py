"""The awards pages: scoped like the reports (the same 404 for missing and not yours), the
decide and revoke forms for the secretariat of the level only, Khmer and English, and the
certificate PDF with the Khmer place name."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.test import Client

from safevillage.awards import actions
from safevillage.awards.models import Decision, Nomination
from safevillage.core.wordbreak import strip_breaks

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _nomination(award_round, code: str) -> Nomination:
    return award_round.nominations.get(subject_code=code)


def test_the_round_shows_each_nomination_with_its_evidence(province_round, chenda):
    page = _client(chenda).get(f"/awards/{province_round.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for code in ("140305", "140306", "140401"):
        assert code in page
    assert "/rankings/14/2025/?level=commune" in page
    assert "/reports/140305/2025/" in page
    assert "No submitted report covers every month of the year." in page


def test_the_pages_speak_khmer(province_round, chenda):
    client = _client(chenda)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    page = client.get(f"/awards/{province_round.pk}/").content.decode()
    assert "No submitted report covers" not in page and "ជាខ្មៅ" in page
    index = client.get("/awards/").content.decode()
    assert "Open a round" not in index and "រង្វាន់" in index


def test_rounds_are_scoped_like_the_reports(province_round, chenda, vannak, auditor, sokha, national):
    missing = province_round.pk + 1000
    nomination = _nomination(province_round, "140401")
    for user in (vannak, sokha):
        client = _client(user)
        assert client.get(f"/awards/{province_round.pk}/").status_code == 404
        assert client.get(f"/awards/{missing}/").status_code == 404
        assert client.get(f"/awards/nominations/{nomination.pk}/").status_code == 404
    for user in (auditor, national, chenda):
        assert _client(user).get(f"/awards/{province_round.pk}/").status_code == 200
    assert _client(sokha).get("/awards/").status_code == 404  # no awards.view at all
    assert b"/awards/%d/" % province_round.pk not in _client(vannak).get("/awards/").content


def test_the_secretariat_decides_on_the_page_and_readers_cannot(province_round, chenda, auditor, national):
    nomination = _nomination(province_round, "140401")
    url = f"/awards/nominations/{nomination.pk}/"
    body = {"step": "decide", "decision": "awarded", "reason": "Best placed.", "version": "1"}
    assert b'name="step" value="decide"' not in _client(auditor).get(url).content
    assert _client(auditor).post(url, body).status_code == 404
    assert _client(national).post(url, body).status_code == 404  # not the province's secretariat
    assert Nomination.objects.get(pk=nomination.pk).decision == Decision.PENDING

    client = _client(chenda)
    assert client.post(url, {**body, "reason": ""}).status_code == 400
    response = client.post(url, body)
    assert response.status_code == 302
    assert Nomination.objects.get(pk=nomination.pk).decision == Decision.AWARDED
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Revoke the award" in page and "certificate.pdf" in page and 'value="decide"' not in page


def test_an_ineligible_award_is_refused_on_the_page(province_round, chenda):
    nomination = _nomination(province_round, "140306")
    body = {"step": "decide", "decision": "awarded", "reason": "x", "version": "1"}
    response = _client(chenda).post(f"/awards/nominations/{nomination.pk}/", body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Not eligible" in response.content.decode()


def test_opening_a_round_on_the_page(prey_veng, chenda, vannak):
    response = _client(chenda).post("/awards/", {"area": "14", "year": "2025", "kind": "commune"})
    assert response.status_code == 302
    refused = _client(vannak).post("/awards/", {"area": "14", "year": "2025", "kind": "commune"})
    assert refused.status_code == 400  # not one of the district officer's choices


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_certificate_carries_the_khmer_place_name(province_round, chenda, auditor, tmp_path):
    nomination = _nomination(province_round, "140401")
    url = f"/awards/nominations/{nomination.pk}/certificate.pdf"
    assert _client(chenda).get(url).status_code == 404  # not awarded yet
    actions.decide(nomination, by=chenda, decision="awarded", reason="Best placed.", version=1)
    response = _client(auditor).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "certificate.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    plain = re.sub(r"\s+", "", strip_breaks(text.stdout))
    nomination.refresh_from_db()
    # The year in Khmer digits; the code and the address as typed, to be typed back.
    for expected in ("ជាខ្មៅ", "CheaKhmau", "២០២៥", "ខេត្ត", "ព្រៃវែង", nomination.verification_code):
        assert expected in plain, expected
    assert f"/awards/verify/{nomination.verification_code}/" in plain


def test_a_certificate_is_checked_by_its_code(province_round, chenda):
    nomination = _nomination(province_round, "140401")
    actions.decide(nomination, by=chenda, decision="awarded", reason="Best placed.", version=1)
    nomination.refresh_from_db()
    anonymous = Client()
    page = anonymous.get(f"/awards/verify/{nomination.verification_code}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "the award stands" in page.content.decode()
    actions.revoke(nomination, by=chenda, reason="Cases found hidden.", version=2)
    page = anonymous.get(f"/awards/verify/{nomination.verification_code}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "revoked" in page.content.decode()
    pending = _nomination(province_round, "140305")
    assert anonymous.get(f"/awards/verify/{pending.verification_code}/").status_code == 404
    assert anonymous.get("/awards/verify/NOSUCHCODE/").status_code == 404


def test_the_menu_offers_awards_to_the_secretariats_and_auditors(vannak, auditor, sokha):
    assert 'href="/awards/"' in _client(vannak).get("/").content.decode()
    assert 'href="/awards/"' in _client(auditor).get("/").content.decode()
    assert 'href="/awards/"' not in _client(sokha).get("/").content.decode()
