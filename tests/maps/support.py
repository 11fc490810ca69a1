"""Measuring what a phone downloads for a page: the HTML, its stylesheets and scripts, and
the fonts the stylesheets load (read from the static files, as the server would send them)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
SCRIPT = re.compile(r'<script[^>]* src="([^"]+)"')
CSS_URL = re.compile(r"url\(['\"]?([^'\")]+)['\"]?\)")


def _static(url: str) -> Path | None:
    name = url.split("?", 1)[0].removeprefix(settings.STATIC_URL)
    found = finders.find(name)
    return Path(found) if isinstance(found, str) else None


def page_weight(html: str) -> dict[str, int]:
    """Bytes by file: the page and every static file it loads (missing files fail)."""
    sizes = {"html": len(html.encode())}
    for url in STYLESHEET.findall(html) + SCRIPT.findall(html):
        path = _static(url)
        assert path is not None, f"{url} is not a static file"
        sizes[url] = path.stat().st_size
        if url.endswith(".css"):
            for inner in CSS_URL.findall(path.read_text(encoding="utf-8")):
                if inner.startswith(("#", "data:")):
                    continue
                font = (path.parent / inner).resolve()
                if font.exists():
                    sizes[str(font.name)] = font.stat().st_size
    return sizes
