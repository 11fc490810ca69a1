"""Filters that keep personal data out of the logs (docs/security.md)."""

from __future__ import annotations

import logging


class DropTemplateDebug(logging.Filter):
    """Django logs, at DEBUG, every template variable it cannot resolve together with the
    whole template context: receipt codes, names of victims and complainants. Such records
    are dropped whatever the configured level, so that turning the ``django`` logger to
    DEBUG to chase a problem cannot write them to a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG
