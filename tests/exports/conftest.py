from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def exports_dir(settings: Any, tmp_path: Path) -> Path:
    """Each test writes its files in a directory of its own."""
    settings.EXPORTS_DIR = tmp_path / "exports"
    return settings.EXPORTS_DIR
