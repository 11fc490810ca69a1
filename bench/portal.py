"""The public portal in ``make bench``: its pages at each size, and a national audience.

``addresses`` walks the portal the way a visitor does, from the country's download down to a
province's districts and one district's communes, so that the run needs nothing but the
server. ``measure`` times, anonymously, the country's, a province's, a district's and a
commune's page and the country's CSV: the first answer after the server starts (the
publication of the period is computed then, once per worker: ``portal/publication.py``), then
the median of ``runs`` warm answers, then a revisit with the ETag (a 304). The load of 500
visitors is ``portal_locustfile.py``.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import requests

TIMEOUT = 600


def _children(base: str, place: str, quarter: str) -> list[str]:
    response = requests.get(f"{base}/open/{place}/{quarter}.json", timeout=TIMEOUT)
    response.raise_for_status()
    return [r["place_code"] for r in response.json()["records"][1:]]


def addresses(base: str, quarter: str, province: str) -> dict[str, Any]:
    """The pages a visitor reaches: the country, every province, the province's districts and
    one district's communes (each page in Khmer and English), and their downloads."""
    provinces = _children(base, "KH", quarter)
    districts = _children(base, province, quarter)
    district = districts[0] if districts else province
    communes = _children(base, district, quarter) if districts else []
    places = ["KH", *provinces, *districts, *communes]
    pages = [f"/open/{p}/{quarter}/{lang}" for p in places for lang in ("", "?lang=en")]
    downloads = [f"/open/{p}/{quarter}.{ext}" for p in ["KH", *provinces] for ext in ("csv", "json")]
    return {
        "pages": pages,
        "downloads": downloads,
        "sample": {
            "country": f"/open/KH/{quarter}/",
            "province": f"/open/{province}/{quarter}/",
            "district": f"/open/{district}/{quarter}/",
            "commune": f"/open/{communes[0]}/{quarter}/" if communes else f"/open/{district}/{quarter}/",
            "country_csv": f"/open/KH/{quarter}.csv",
        },
    }


def _get(session: requests.Session, url: str, **headers: str) -> tuple[float, requests.Response]:
    started = time.perf_counter()
    response = session.get(url, headers=headers, timeout=TIMEOUT)
    seconds = time.perf_counter() - started
    if response.status_code not in (200, 304):
        raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:300]}")
    return seconds, response


def measure(base: str, quarter: str, province: str, runs: int) -> dict[str, Any]:
    session = requests.Session()  # no cookie is ever set: the session only keeps the connection
    first, _response = _get(session, f"{base}/open/KH/{quarter}/")
    found = addresses(base, quarter, province)
    out: dict[str, Any] = {"first_answer_seconds": first, "pages": len(found["pages"]), "sample": found["sample"]}
    for name, path in found["sample"].items():
        seconds = []
        response = None
        # More answers than workers first: each gunicorn worker computes the publication once.
        for _ in range(8):
            _seconds, response = _get(session, base + path)
        for _ in range(runs):
            took, response = _get(session, base + path)
            seconds.append(took)
        assert response is not None  # nosec B101
        revisit, again = _get(session, base + path, **{"If-None-Match": response.headers.get("ETag", "")})
        out[name] = {
            "median": statistics.median(seconds),
            "min": min(seconds),
            "max": max(seconds),
            "bytes": len(response.content),
            "revisit_seconds": revisit,
            "revisit_status": again.status_code,
            "cache_control": response.headers.get("Cache-Control", ""),
        }
    return out
