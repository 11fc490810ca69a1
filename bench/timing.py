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
    return _figure(seconds, value)


def timed_pair(runs: int, first: Callable[[], Any], second: Callable[[], Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``first`` and ``second`` timed as ``timed`` times each, but run for run in turn (a
    warm-up of each, then first, second, first, ...): two answers to one question compared at
    the same moment, so that the machine slowing down or speeding up between them does not
    decide their ratio."""
    value_first, value_second = first(), second()
    seconds_first, seconds_second = [], []
    for _ in range(runs):
        started = time.perf_counter()
        value_first = first()
        seconds_first.append(time.perf_counter() - started)
        started = time.perf_counter()
        value_second = second()
        seconds_second.append(time.perf_counter() - started)
    return _figure(seconds_first, value_first), _figure(seconds_second, value_second)


def _figure(seconds: list[float], value: Any) -> dict[str, Any]:
    return {
        "median": statistics.median(seconds),
        "min": min(seconds),
        "max": max(seconds),
        "runs": len(seconds),
        "value": value,
    }
