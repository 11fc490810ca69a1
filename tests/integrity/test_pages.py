"""The flag list and the flag page: scoped, in both languages, with the review form for
supervisors only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from safevillage.integrity.models import Flag, FlagStatus

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_district_officer_lists_the_flags_of_the_district_only(make_flag: Callable[..., Flag], vannak: object) -> None:
    mine, theirs = make_flag(), make_flag(code="140401")
    page = client_for(vannak).get("/integrity/?period=2025Q4&status=open")
    assert page.status_code == 200
    assert f"/integrity/flags/{mine.pk}/" in page.content.decode()
    assert f"/integrity/flags/{theirs.pk}/" not in page.content.decode()


def test_a_flag_outside_the_jurisdiction_is_the_same_404_as_a_missing_one(
    make_flag: Callable[..., Flag], vannak: object, sokha: object
) -> None:
    theirs = make_flag(code="140401")
    assert client_for(vannak).get(f"/integrity/flags/{theirs.pk}/").status_code == 404
    assert client_for(vannak).get("/integrity/flags/999999/").status_code == 404
    # Commune police do not read flags, not even their own commune's.
    assert client_for(sokha).get(f"/integrity/flags/{make_flag().pk}/").status_code == 404


def test_flag_page_explains_the_rule_and_reviews_it(make_flag: Callable[..., Flag], vannak: object) -> None:
    flag = make_flag()
    client = client_for(vannak)
    page = client.get(f"/integrity/flags/{flag.pk}/")
    html = page.content.decode()
    assert "Mediation where it is not allowed" in html
    assert "outcome=mediated" in html  # the drill-down to the register
    assert 'name="reason"' in html
    refused = client.post(f"/integrity/flags/{flag.pk}/", {"status": "explained", "reason": "", "version": "1"})
    assert refused.status_code == 400
    done = client.post(
        f"/integrity/flags/{flag.pk}/", {"status": "explained", "reason": "Typing error", "version": "1"}
    )
    assert done.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.EXPLAINED


def test_auditor_reads_the_flag_without_a_review_form(make_flag: Callable[..., Flag], auditor: object) -> None:
    flag = make_flag()
    client = client_for(auditor)
    page = client.get(f"/integrity/flags/{flag.pk}/")
    assert page.status_code == 200 and 'name="reason"' not in page.content.decode()
    assert (
        client.post(f"/integrity/flags/{flag.pk}/", {"status": "explained", "reason": "x", "version": "1"}).status_code
        == 403
    )


def test_flag_page_in_khmer(make_flag: Callable[..., Flag], vannak: object, khmer_default: None) -> None:
    flag = make_flag()
    client = client_for(vannak)
    client.cookies["django_language"] = "km"
    html = client.get(f"/integrity/flags/{flag.pk}/", HTTP_ACCEPT_LANGUAGE="km").content.decode()
    assert "ការសម្រុះសម្រួលនៅកន្លែងដែលមិនត្រូវបានអនុញ្ញាត" in html
    assert "ពិនិត្យឡើងវិញ" in html


def test_a_bad_period_filter_is_a_400(vannak: object) -> None:
    assert client_for(vannak).get("/integrity/?period=2025Q9").status_code == 400


def test_the_list_is_a_404_without_the_permission_and_a_year_lists_its_quarters(
    make_flag: Callable[..., Flag], vannak: object, sokha: object
) -> None:
    assert client_for(sokha).get("/integrity/").status_code == 404
    flag = make_flag()
    year = flag.period_id[:4]
    page = client_for(vannak).get(f"/integrity/?period={year}").content.decode()
    assert f"/integrity/flags/{flag.pk}/" in page
