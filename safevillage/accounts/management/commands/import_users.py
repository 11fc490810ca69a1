"""``manage.py import_users officers.csv`` — create or update officers' accounts in bulk.

How new officers get a password (nothing secret is ever printed):
- by default a new account has no usable password: the secretariat sets a temporary one in
  the admin (Users → the account → "Reset password"), and the officer must change it at the
  first sign-in;
- with ``--password-file new-passwords.csv`` each new account gets a random temporary password,
  written as ``username,temporary_password`` to that file, created readable by its owner only
  (mode 0600) and never overwritten. Hand each officer their line, then delete the file. The
  officer must change the password at the first sign-in.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from safevillage.accounts.models import User
from safevillage.accounts.user_import import COLUMNS, ImportFileError, ImportReport, import_users
from safevillage.core.command_language import LanguageCommand


class Command(LanguageCommand):
    help = (
        "Create or update officers' accounts from a CSV file with the header "
        f"{','.join(COLUMNS)}. Every refused row is reported with its line; the valid rows are loaded "
        "in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="CSV file, UTF-8")
        parser.add_argument(
            "--strict", action="store_true", help="if any row is refused, load nothing and exit with status 1"
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
        parser.add_argument(
            "--password-file",
            type=Path,
            help="give each new account a temporary password, written to this new file (mode 0600)",
        )
        parser.add_argument("--actor", help="username of the secretariat member responsible, for the audit log")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        password_file: Path | None = options["password_file"]
        if password_file is not None and password_file.exists():
            raise CommandError(
                _("%(file)s already exists: choose a new file name (it is never overwritten).")
                % {"file": password_file}
            )
        actor = None
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"], is_active=True).first()
            if actor is None:
                raise CommandError(_("No active account %(username)r (--actor).") % {"username": options["actor"]})

        written_file: list[Path] = []

        def write_passwords(report: ImportReport) -> None:
            if password_file is None:
                return
            _write_password_file(password_file, report.temporary_passwords)
            written_file.append(password_file)

        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                report = import_users(
                    stream,
                    by=actor,
                    reason=f"import_users {path.name}",
                    strict=options["strict"],
                    dry_run=options["dry_run"],
                    temporary_passwords=password_file is not None,
                    before_commit=write_passwords,
                )
        except BaseException as exc:
            # The transaction did not commit: passwords already written are void.
            for written in written_file:
                written.unlink(missing_ok=True)
            if isinstance(exc, ImportFileError):
                raise CommandError(f"{path}: {exc}") from None
            if isinstance(exc, OSError):
                raise CommandError(f"{exc.filename or path}: {exc.strerror}") from None
            raise

        for error in report.errors:
            self.stderr.write(str(error))
        self._summary(report, options)
        if report.errors and options["strict"]:
            raise CommandError(
                _("%(count)d problem(s) in %(file)s: nothing was loaded (--strict).")
                % {"count": len(report.errors), "file": path}
            )

    def _summary(self, report: ImportReport, options: dict[str, Any]) -> None:
        refused = len({error.line for error in report.errors})
        if not report.written:
            self.stdout.write(
                _("Read %(read)d rows; %(refused)d refused. Nothing was written.")
                % {"read": report.rows_read, "refused": refused}
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Read %(read)d rows: %(created)d accounts created, %(updated)d updated, %(unchanged)d "
                    "unchanged, %(assignments)d role assignments added; %(refused)d rows refused."
                )
                % {
                    "read": report.rows_read,
                    "created": len(report.created),
                    "updated": len(report.updated),
                    "unchanged": len(report.unchanged),
                    "assignments": report.assignments_added,
                    "refused": refused,
                }
            )
        )
        if report.created and options["password_file"] is not None:
            self.stdout.write(
                _(
                    "Temporary passwords are in %(file)s (readable by you only). "
                    "Hand each officer their line, then delete the file."
                )
                % {"file": options["password_file"]}
            )
        elif report.created:
            self.stdout.write(
                _(
                    "New accounts have no usable password yet: set a temporary one in the admin "
                    "(Users → the account → Reset password), or import with --password-file."
                )
            )


def _write_password_file(path: Path, passwords: list[tuple[str, str]]) -> None:
    # O_EXCL: never write into a file that someone else created (or a link they planted);
    # the mode is set at creation, so the secrets are never readable by others, even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            os.fchmod(stream.fileno(), 0o600)  # whatever the umask
            writer = csv.writer(stream)
            writer.writerow(["username", "temporary_password"])
            writer.writerows(passwords)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
