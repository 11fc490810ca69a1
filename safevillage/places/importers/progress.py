"""Progress bars for the importers: shown on a terminal only, so that logs and cron mail
stay clean."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def wanted(no_progress: bool) -> bool:
    return not no_progress and sys.stderr.isatty()


def bar(iterable: Iterable[T], *, enabled: bool, desc: str) -> tqdm[T]:
    """A bar over ``iterable`` (rows read)."""
    return tqdm(iterable, desc=desc, disable=not enabled, unit=" rows", leave=False, file=sys.stderr)


def counter(*, enabled: bool, desc: str, total: int) -> tqdm[Any]:
    """A bar advanced by hand (rows written, batch by batch)."""
    return tqdm(desc=desc, total=total, disable=not enabled, unit=" rows", leave=False, file=sys.stderr)
