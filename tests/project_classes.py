"""The classes the project defines, found by importing every module of the package: for
tests that prove a rule holds for every form or serializer, including the next one."""

from __future__ import annotations

import importlib
import pkgutil
from typing import TypeVar

import safevillage

T = TypeVar("T", bound=type)


def import_every_module() -> None:
    for module in pkgutil.walk_packages(safevillage.__path__, "safevillage."):
        name = module.name
        if name.startswith(("safevillage.settings", "safevillage.wsgi")) or ".migrations" in name:
            continue
        importlib.import_module(name)


def project_subclasses(base: T) -> set[T]:
    """Every subclass of ``base``, at any depth, defined in the project."""
    import_every_module()
    found: set[T] = set()
    pending = [base]
    while pending:
        for cls in pending.pop().__subclasses__():
            if cls not in found:
                found.add(cls)
                pending.append(cls)
    return {cls for cls in found if cls.__module__.startswith("safevillage.")}
