"""The SQL-injection scan (scripts/security/sqlmap_scan.py) as a test. It takes minutes, so
it runs only when asked: RUN_SQLMAP=1 (``make security-scan`` runs the script directly)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("RUN_SQLMAP") != "1",
    reason="the sqlmap scan takes several minutes: run it with RUN_SQLMAP=1 or `make security-scan`",
)
@pytest.mark.skipif(shutil.which("sqlmap") is None, reason="sqlmap is not installed (Debian package sqlmap)")
def test_sqlmap_finds_the_control_injection_and_none_in_the_api():
    result = subprocess.run(
        [sys.executable, "scripts/security/sqlmap_scan.py"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = re.search(r"control: injectable; real parameters: (\d+) tested, 0 injectable", result.stdout)
    assert summary, result.stdout
    assert int(summary.group(1)) > 0
