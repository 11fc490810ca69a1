"""A command's output in one language, the operator's.

A management command runs with no request to choose a language, so its translated messages
come in LANGUAGE_CODE (Khmer) while text written without gettext stays English: one report
could mix both. A ``LanguageCommand`` runs wholly in one language: ``--language``, or else
LANGUAGE_CODE, for every line it writes, its errors included."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation


class LanguageCommand(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help=f"Language of the output (default: LANGUAGE_CODE, now {settings.LANGUAGE_CODE}).",
        )
        return parser

    def execute(self, *args: Any, **options: Any) -> Any:
        with translation.override(options.get("language") or settings.LANGUAGE_CODE):
            return super().execute(*args, **options)
