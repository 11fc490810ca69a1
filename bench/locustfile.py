"""Web load: field officers' devices and citizens against a real server (``make bench``).

Each virtual user is a device of one of the benchmark's officers (``BENCH_TOKENS``: a JSON
file written by bench/run.py with the officers' keys and villages and public receipt codes).
Task mix: 50% submissions of a record (30% of them sent a second time with the same uuid, as
a device does when it lost the first answer: the server must answer 200 with the same record),
30% lists of the officer's register, 20% receipt look-ups by citizens. Users wait 1 to 3 s
between tasks, like people using a phone. The client is Locust's FastHttpUser (geventhttpclient),
which needs a fraction of the CPU of the default client: Locust shares the machine with the
server, and every cycle it spends is one the server does not get.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import uuid
from pathlib import Path

from locust import FastHttpUser, between, task  # type: ignore[import-not-found, unused-ignore]

DATA = json.loads(Path(os.environ["BENCH_TOKENS"]).read_text())
OFFICERS = DATA["officers"]
RECEIPTS = DATA.get("receipts", [])
CATEGORIES = ["theft", "burglary", "assault", "traffic_accident", "civil_dispute", "public_service", "other"]
RETRIED = 0.3


class FieldDevice(FastHttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.officer = random.choice(OFFICERS)
        self.auth = {"Authorization": f"Token {self.officer['token']}"}

    @task(50)
    def submit(self) -> None:
        occurred = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=random.randint(1, 72))
        payload = {
            "uuid": str(uuid.uuid4()),
            "category": random.choice(CATEGORIES),
            "village": random.choice(self.officer["villages"]),
            "occurred_at": occurred.isoformat(),
            "description": "Load test record from a field device.",
            "channel": "field_device",
        }
        with self.client.post(
            "/api/v1/incidents/", json=payload, headers=self.auth, name="submit", catch_response=True
        ) as response:
            if response.status_code != 201:
                response.failure(f"expected 201, got {response.status_code}: {response.text[:200]}")
                return
            reference = response.json()["reference"]
        if random.random() < RETRIED:
            with self.client.post(
                "/api/v1/incidents/",
                json=payload,
                headers=self.auth,
                name="submit again (same uuid)",
                catch_response=True,
            ) as again:
                if again.status_code != 200 or again.json().get("reference") != reference:
                    again.failure(f"expected 200 with {reference}, got {again.status_code}: {again.text[:200]}")

    @task(30)
    def list_register(self) -> None:
        self.client.get("/api/v1/incidents/?limit=20", headers=self.auth, name="list")

    @task(20)
    def look_up_receipt(self) -> None:
        if not RECEIPTS:
            return
        with self.client.post(
            "/api/v1/public/complaints/status/",
            json={"receipt": random.choice(RECEIPTS)},
            name="receipt look-up",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"expected 200, got {response.status_code}")
