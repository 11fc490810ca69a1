"""How the benchmark times a question: one warm-up, then ``runs`` runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(runs: int, function: Callable[[], Any]) -> dict[str, Any]:
    """Run ``function`` ``runs`` times after one warm-up; median, min and max in seconds, and
    the last value it returned (what the run answered, to compare with the reference)."""
    value = function()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        value = function()
        seconds.append(time.perf_counter() - started)
    return {
        "median": statistics.median(seconds),
        "min": min(seconds),
        "max": max(seconds),
        "runs": runs,
        "value": value,
    }
