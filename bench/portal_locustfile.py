"""A national audience on the public portal (``make bench``): anonymous visitors, no cookie.

Each virtual user is a citizen on a phone reading the portal (``PORTAL_ADDRESSES``: a JSON
file of the pages and downloads, written by bench/run.py from the portal itself): 60% open a
page, 10% download a CSV or JSON, 30% come back to a page they read before, sending its ETag
as a browser does once max-age has passed (the answer must then be a 304). Users wait 1 to 3 s
between actions. Every answer must be a 200 or that 304, without a Set-Cookie.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, between, task  # type: ignore[import-not-found, unused-ignore]

ADDRESSES = json.loads(Path(os.environ["PORTAL_ADDRESSES"]).read_text())
PAGES = ADDRESSES["pages"]
DOWNLOADS = ADDRESSES["downloads"]


class Visitor(FastHttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.seen: dict[str, str] = {}

    def _open(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"expected 200, got {response.status_code}")
            elif response.headers.get("Set-Cookie"):
                response.failure("a portal answer set a cookie")
            elif etag := response.headers.get("ETag"):
                self.seen[path] = etag

    @task(60)
    def page(self) -> None:
        self._open(random.choice(PAGES), "portal page")

    @task(10)
    def download(self) -> None:
        self._open(random.choice(DOWNLOADS), "portal download")

    @task(30)
    def revisit(self) -> None:
        if not self.seen:
            self.page()
            return
        path, etag = random.choice(list(self.seen.items()))
        with self.client.get(
            path, headers={"If-None-Match": etag}, name="portal revisit (ETag)", catch_response=True
        ) as response:
            # The figures may have been published again meanwhile: then a 200 with the new page.
            if response.status_code not in (304, 200):
                response.failure(f"expected 304, got {response.status_code}")
