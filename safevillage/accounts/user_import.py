"""Importing officers' accounts from a CSV file (``manage.py import_users``).

The file has a header naming exactly the columns ``username, full_name, phone, role,
place_code``. Each row is one account holding one role at one place (``place_code`` empty
only for the national roles). Rules:

- every row is checked and every refused row is reported with its line; the valid rows are
  loaded in one transaction (``strict``: a single refused row and nothing is loaded);
- importing is idempotent on the username: an existing account gets its name and phone
  updated (an empty phone cell keeps the phone on file) and the assignment added if it does
  not hold it already; nothing is ever removed or ended by an import;
- a new account gets an unusable password, or with ``temporary_passwords`` a random one its
  holder must change at the first sign-in; passwords never reach the audit log.

Thousands of rows are loaded with a handful of queries: one to resolve every place code,
one per thousand usernames to find existing accounts, then bulk inserts.
"""

from __future__ import annotations

import csv
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.accounts.models import RoleAssignment, User, check_role_level
from safevillage.accounts.phones import normalise_phone
from safevillage.accounts.roles import ROLE_LEVELS, Role
from safevillage.audit.log import record_event
from safevillage.core.khmer import to_ascii_digits
from safevillage.places.models import CODE_LENGTH, Level, Place

COLUMNS = ("username", "full_name", "phone", "role", "place_code")
_CODE_LENGTHS = set(CODE_LENGTH.values())
# Lists longer than this are split: SQLite refuses statements with too many parameters.
_CHUNK = 1000
# Above this many distinct codes, reading the whole gazetteer (about 16,500 rows) in one
# query is cheaper than a huge IN list.
_WHOLE_GAZETTEER_ABOVE = 5000
# Temporary passwords: 16 characters from 31 unambiguous ones (no 0/o, 1/l/i), about 79 bits.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105  # nosec B105 (an alphabet, not a password)
# PBKDF2's million iterations protect passwords people choose; a 79-bit random password
# is out of reach of guessing even with a single hash, and Django re-hashes it with the full
# count at the first sign-in. Full cost would take half an hour for 5,000 accounts.
_TEMPORARY_PASSWORD_ITERATIONS = 1000

T = TypeVar("T")


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header): nothing is loaded."""


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class Row:
    line: int
    username: str
    full_name: str
    phone: str
    role: str
    place_code: str


@dataclass
class ImportReport:
    rows_read: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    assignments_added: int = 0
    errors: list[RowError] = field(default_factory=list)
    # (username, temporary password) of the accounts created, when asked for.
    temporary_passwords: list[tuple[str, str]] = field(default_factory=list)
    written: bool = False
    # The line of each username loaded (for a result shown line by line).
    lines: dict[str, int] = field(default_factory=dict)


def temporary_password() -> str:
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def _hash_temporary(password: str) -> str:
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=_TEMPORARY_PASSWORD_ITERATIONS)
    return make_password(password)


def _chunks(items: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def parse(lines: Iterable[str]) -> tuple[list[Row], list[RowError], int]:
    """Read and check each row on its own (no database): the valid rows, the errors and the
    number of rows read. Raises ImportFileError for a file whose header is not the expected one."""
    reader = csv.DictReader(lines, restkey="\x00extra")
    try:
        header = [name.strip() for name in (reader.fieldnames or [])]
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text: save it as “CSV UTF-8”.")) from None
    if not header:
        raise ImportFileError(_("The file is empty: it needs a header line and one line per account."))
    missing = [name for name in COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown or len(header) != len(set(header)):
        raise ImportFileError(
            _("The header must name exactly the columns %(columns)s (missing: %(missing)s; unknown: %(unknown)s).")
            % {
                "columns": ", ".join(COLUMNS),
                "missing": ", ".join(missing) or "-",
                "unknown": ", ".join(unknown) or "-",
            }
        )
    reader.fieldnames = header
    rows: list[Row] = []
    errors: list[RowError] = []
    lines_of: dict[str, list[int]] = defaultdict(list)
    spelled: dict[str, str] = {}
    count = 0
    try:
        for record in reader:
            line = reader.line_num
            if "\x00extra" not in record and not any((record.get(name) or "").strip() for name in COLUMNS):
                continue  # a spreadsheet's empty row (",,,,") holds nothing to load or to lose
            count += 1
            if "\x00extra" in record or any(record.get(name) is None for name in COLUMNS):
                errors.append(RowError(line, _("expected %(count)d values separated by commas") % {"count": 5}))
                continue
            row, problems = _check_row(line, {name: record[name].strip() for name in COLUMNS})
            errors.extend(RowError(line, problem) for problem in problems)
            if row is not None:
                rows.append(row)
            if username := record["username"].strip():
                lines_of[username.casefold()].append(line)
                spelled.setdefault(username.casefold(), username)
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text: save it as “CSV UTF-8”.")) from None
    except csv.Error as exc:
        raise ImportFileError(
            _("The file is not valid CSV near line %(line)d: %(error)s")
            % {
                "line": reader.line_num,
                "error": exc,
            }
        ) from None

    # An account appearing twice is ambiguous (which role? which phone?): refuse every copy.
    duplicated = {key: found for key, found in lines_of.items() if len(found) > 1}
    if duplicated:
        for key, found in duplicated.items():
            for line in found:
                others = ", ".join(str(other) for other in found if other != line)
                errors.append(
                    RowError(
                        line,
                        _("username %(username)s is also on line %(lines)s")
                        % {
                            "username": spelled[key],
                            "lines": others,
                        },
                    )
                )
        rows = [row for row in rows if row.username.casefold() not in duplicated]
    errors.sort(key=lambda error: error.line)
    return rows, errors, count


def _check_row(line: int, values: dict[str, str]) -> tuple[Row | None, list[str]]:
    problems: list[str] = []
    username = values["username"]
    if not username:
        problems.append(_("missing username"))
    else:
        try:
            User.username_validator(username)
            if len(username) > 150:
                raise ValidationError("too long")
        except ValidationError:
            problems.append(
                _("username %(username)r may hold only letters, digits and @ . + - _ (at most 150)")
                % {"username": username}
            )
    full_name = values["full_name"]
    if not full_name:
        problems.append(_("missing full name"))
    elif len(full_name) > 200:
        problems.append(_("full name longer than 200 characters"))
    phone = ""
    try:
        phone = normalise_phone(values["phone"])
    except ValueError:
        problems.append(
            _("bad phone number %(phone)r: write a Cambodian number such as 012 345 678 or +855 12 345 678")
            % {"phone": values["phone"]}
        )
    role = values["role"]
    if not role:
        problems.append(_("missing role"))
    elif role not in Role.values:
        problems.append(_("unknown role %(role)r (roles: %(roles)s)") % {"role": role, "roles": ", ".join(Role.values)})
    place_code = to_ascii_digits(values["place_code"])
    if place_code and not (place_code.isdigit() and len(place_code) in _CODE_LENGTHS):
        problems.append(_("malformed place code %(code)r: 2, 4, 6 or 8 digits") % {"code": values["place_code"]})
    if problems:
        return None, problems
    return Row(line, username, full_name, phone, role, place_code), []


def _resolve_places(rows: list[Row]) -> dict[str, Place]:
    """Every place named in the file, in one query."""
    codes = {row.place_code for row in rows if row.place_code}
    if not codes:
        return {}
    places = Place.objects.only("id", "code", "level", "valid_to")
    if len(codes) <= _WHOLE_GAZETTEER_ABOVE:
        places = places.filter(code__in=codes)
    return {place.code: place for place in places if place.code in codes}


def _check_places(rows: list[Row], places: dict[str, Place]) -> tuple[list[Row], list[RowError]]:
    kept: list[Row] = []
    errors: list[RowError] = []
    for row in rows:
        place = places.get(row.place_code) if row.place_code else None
        if row.place_code and place is None:
            errors.append(RowError(row.line, _("unknown place code %(code)s") % {"code": row.place_code}))
            continue
        if place is not None and place.is_archived:
            errors.append(RowError(row.line, _("place %(code)s is archived") % {"code": row.place_code}))
            continue
        try:
            check_role_level(row.role, place.level if place else 0)
        except ValidationError:
            errors.append(RowError(row.line, _level_problem(row.role, place)))
            continue
        kept.append(row)
    return kept, errors


def _level_problem(role: str, place: Place | None) -> str:
    """Why ``check_role_level`` refused the pair, in words an officer can act on."""
    label = Role(role).label
    lowest, highest = ROLE_LEVELS[role]
    if place is None:
        return _("the role %(role)s needs a place code (the place where it is held)") % {"role": label}
    if highest == 0:
        return _("the role %(role)s is held for the whole country: leave place_code empty") % {"role": label}
    allowed = ", ".join(str(Level(level).label).lower() for level in range(max(lowest, 1), highest + 1))
    return _("the role %(role)s is held at a %(allowed)s, and %(code)s is a %(level)s") % {
        "role": label,
        "allowed": allowed,
        "code": place.code,
        "level": str(Level(place.level).label).lower(),
    }


def _existing_users(rows: list[Row]) -> tuple[dict[str, User], dict[str, str]]:
    """Accounts already on file, by exact username; and usernames of the file that differ
    only by case from an account on file (two such accounts would confuse everyone)."""
    wanted = {row.username.casefold(): row.username for row in rows}
    exact: dict[str, User] = {}
    clashes: dict[str, str] = {}
    for chunk in _chunks(sorted(wanted)):
        for user in User.objects.annotate(folded=Lower("username")).filter(folded__in=chunk):
            given = wanted.get(user.username.casefold())
            if given == user.username:
                exact[user.username] = user
            elif given is not None:
                clashes[given] = user.username
    return exact, clashes


def _open_assignments(user_ids: list[int]) -> set[tuple[int, str, int | None]]:
    held: set[tuple[int, str, int | None]] = set()
    for chunk in _chunks(user_ids):
        held.update(
            RoleAssignment.objects.filter(user_id__in=chunk, ended_at__isnull=True).values_list(
                "user_id", "role", "place_id"
            )
        )
    return held


def _assignment_summary(assignment: RoleAssignment) -> dict[str, Any]:
    return {
        "id": assignment.pk,
        "role": assignment.role,
        "place": assignment.place.code if assignment.place else None,
        "started_at": assignment.started_at,
    }


def import_users(
    lines: Iterable[str],
    *,
    by: Any = None,
    reason: str = "",
    strict: bool = False,
    dry_run: bool = False,
    temporary_passwords: bool = False,
    before_commit: Callable[[ImportReport], None] | None = None,
    authorise: Callable[[list[tuple[Row, Place | None, User | None]]], dict[int, str]] | None = None,
) -> ImportReport:
    """Check every row, then load the valid ones in one transaction (see the module's rules).

    ``before_commit`` runs inside the transaction once everything is written: if it fails
    (say, the password file cannot be written), nothing is loaded. ``authorise`` (a manager
    importing through the people pages: ``accounts.authority.import_check``) is given every
    row with its place and existing account, and returns the lines it refuses with the reason."""
    rows, errors, count = parse(lines)
    report = ImportReport(rows_read=count)
    places = _resolve_places(rows)
    rows, place_errors = _check_places(rows, places)
    errors.extend(place_errors)
    existing, clashes = _existing_users(rows)
    for row in rows:
        if row.username in clashes:
            errors.append(
                RowError(
                    row.line,
                    _("username %(username)s differs only in case from the account %(other)s")
                    % {
                        "username": row.username,
                        "other": clashes[row.username],
                    },
                )
            )
    rows = [row for row in rows if row.username not in clashes]
    if authorise is not None:
        refused = authorise([(row, places.get(row.place_code), existing.get(row.username)) for row in rows])
        errors.extend(RowError(line, problem) for line, problem in refused.items())
        rows = [row for row in rows if row.line not in refused]
    report.lines = {row.username: row.line for row in rows}
    report.errors = sorted(errors, key=lambda error: error.line)
    if dry_run or (strict and report.errors):
        return report

    with transaction.atomic():
        _write(rows, existing, places, report, by=by, reason=reason, temporary_passwords=temporary_passwords)
        if before_commit is not None:
            before_commit(report)
    report.written = True
    return report


def _write(
    rows: list[Row],
    existing: dict[str, User],
    places: dict[str, Place],
    report: ImportReport,
    *,
    by: Any,
    reason: str,
    temporary_passwords: bool,
) -> None:
    new_users: list[User] = []
    changed: list[tuple[User, dict[str, str]]] = []
    for row in rows:
        user = existing.get(row.username)
        if user is None:
            if temporary_passwords:
                password = temporary_password()
                report.temporary_passwords.append((row.username, password))
                encoded = _hash_temporary(password)
            else:
                encoded = make_password(None)
            new_users.append(
                User(
                    username=row.username,
                    full_name=row.full_name,
                    phone=row.phone,
                    password=encoded,
                    must_change_password=temporary_passwords,
                )
            )
            continue
        old = {"full_name": user.full_name, "phone": user.phone}
        user.full_name = row.full_name
        user.phone = row.phone or user.phone
        if {"full_name": user.full_name, "phone": user.phone} != old:
            changed.append((user, old))

    User.objects.bulk_create(new_users, batch_size=_CHUNK)
    if any(user.pk is None for user in new_users):  # a backend that cannot return keys
        by_name = {user.username: user for user in new_users}
        for chunk in _chunks(list(by_name)):
            for username, pk in User.objects.filter(username__in=chunk).values_list("username", "pk"):
                by_name[username].pk = pk
    User.objects.bulk_update([user for user, _old in changed], ["full_name", "phone"], batch_size=_CHUNK)
    places_by_user = {row.username: row.place_code or None for row in rows}

    users = {user.username: user for user in [*existing.values(), *new_users]}
    held = _open_assignments([user.pk for user in existing.values()])
    now = timezone.now()
    assignments: list[RoleAssignment] = []
    for row in rows:
        user = users[row.username]
        place = places.get(row.place_code) if row.place_code else None
        key = (user.pk, row.role, place.pk if place else None)
        if key in held:
            continue
        held.add(key)
        assignments.append(RoleAssignment(user=user, role=row.role, place=place, started_at=now))
    RoleAssignment.objects.bulk_create(assignments, batch_size=_CHUNK)

    # One audit row per account ("who created this account, from which file"): a new
    # account's row carries its first assignment, so that the import costs one audit row
    # per line. Each row is filed under the line's place, for the auditors of that area.
    first_assignment = {assignment.user.username: assignment for assignment in assignments}
    for user in new_users:
        assignment = first_assignment[user.username]
        record_event(
            "accounts.user.create",
            actor=by,
            target=user,
            new={
                "username": user.username,
                "full_name": user.full_name,
                "phone": user.phone,
                "assignment": _assignment_summary(assignment),
            },
            reason=reason,
            place_code=assignment.place.code if assignment.place else None,
        )
    for user, old in changed:
        record_event(
            "accounts.user.update",
            actor=by,
            target=user,
            old=old,
            new={"full_name": user.full_name, "phone": user.phone},
            reason=reason,
            place_code=places_by_user[user.username],
        )
    created = {user.username for user in new_users}
    for assignment in assignments:
        if assignment.user.username in created:
            continue
        record_event(
            "accounts.assignment.add",
            actor=by,
            target=assignment,
            new=_assignment_summary(assignment),
            reason=reason,
            place_code=assignment.place.code if assignment.place else None,
        )

    report.created = [user.username for user in new_users]
    report.updated = [user.username for user, _old in changed]
    touched = set(report.created) | set(report.updated) | {a.user.username for a in assignments}
    report.unchanged = [row.username for row in rows if row.username not in touched]
    report.assignments_added = len(assignments)
