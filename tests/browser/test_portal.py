"""The public portal on a 390 px phone: every page under 300 KB on first load (everything
it loads counted), no sideways scrolling, axe-core with 0 violations, in Khmer and in
English; screenshots saved (``SCREENSHOT_DIR``, default var/screenshots/)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from safevillage.core.periods import Period, PeriodKind
from safevillage.portal.publication import forget
from tests.browser.axe import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 300_000
PERIOD = Period.containing(timezone.now(), PeriodKind.YEAR).id


def screenshot_dir() -> Path:
    directory = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "var" / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def weigh(phone: Any, path: str) -> int:
    """Bytes of every answer the first load of ``path`` fetched (no cache: a new context)."""
    sizes: list[int] = []

    def counted(response: Any) -> None:
        try:
            sizes.append(len(response.body()))
        except Exception:  # a redirect has no body
            sizes.append(0)

    phone.on("response", counted)
    phone.goto(path)
    phone.wait_for_load_state("networkidle")
    phone.remove_listener("response", counted)
    return sum(sizes)


def test_every_portal_page_is_light_accessible_and_fits_a_phone(phone: Any, make_incident: Any, sokha: Any) -> None:
    cache.clear()
    forget()
    for _n in range(7):
        make_incident(sokha)
    pages = [f"/open/KH/{PERIOD}/", f"/open/14/{PERIOD}/", f"/open/1403/{PERIOD}/", f"/open/140305/{PERIOD}/"]
    pages.append("/open/data-dictionary/")
    for language in ("km", "en"):
        for path in pages:
            url = f"{path}?lang={language}"
            weight = weigh(phone, url)
            assert weight < LIMIT, f"{url}: {weight:,} bytes"
            assert phone.evaluate("document.documentElement.lang") == language
            wide = phone.evaluate("document.scrollingElement.scrollWidth")
            assert wide <= 390, f"{url}: {wide} px wide"
            found = violations(phone)
            assert found == [], f"{url}: {found}"
            name = path.strip("/").replace("/", "-") or "open"
            phone.screenshot(path=str(screenshot_dir() / f"portal-{name}-{language}.png"), full_page=True)


def test_a_visitor_goes_down_from_the_country_to_a_commune_by_links(phone: Any, make_incident: Any, sokha: Any) -> None:
    cache.clear()
    forget()
    make_incident(sokha)
    phone.goto(f"/open/KH/{PERIOD}/?lang=en")
    phone.get_by_role("link", name="Prey Veng").first.click()
    phone.get_by_role("link", name="Kampong Trabaek").first.click()
    phone.get_by_role("link", name="Kansoam Ak").first.click()
    assert f"/open/140305/{PERIOD}/" in phone.url
    assert phone.get_by_role("heading", level=1).inner_text().startswith("Kansoam Ak")
