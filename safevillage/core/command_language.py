"""A command's output in one language, the operator's.

A management command runs with no request to choose a language, so its translated messages
come in LANGUAGE_CODE (Khmer) while text written without gettext stays English: one report
could mix both. A ``LanguageCommand`` runs wholly in one language: ``--language``, or else
LANGUAGE_CODE, for every line it writes, its errors included. ``--language auto`` follows the
terminal's locale, as ``make run`` asks: Khmer where LC_ALL, LC_MESSAGES or LANG (the first
one set, as the C library reads them) starts with ``km``, English otherwise."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

AUTO = "auto"


def terminal_language(environ: Mapping[str, str] = os.environ) -> str:
    """The language the terminal's locale asks for: Khmer for a ``km`` locale, else English."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := environ.get(variable, ""):
            return "km" if value.lower().startswith("km") else "en"
    return "en"


class LanguageCommand(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES] + [AUTO],
            help=f"Language of the output (default: LANGUAGE_CODE, now {settings.LANGUAGE_CODE}; "
            f"{AUTO}: the terminal's, Khmer for a km locale, else English).",
        )
        return parser

    def execute(self, *args: Any, **options: Any) -> Any:
        language = options.get("language") or settings.LANGUAGE_CODE
        with translation.override(terminal_language() if language == AUTO else language):
            return super().execute(*args, **options)
