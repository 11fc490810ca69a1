"""Installing the policy data (frameworks, criteria, categories, context tags) from JSON.

The whole file is checked before anything is written, and the writes happen in one
transaction: a file with one bad line changes nothing. By default rows that already exist
are left as they are — an administrator may have changed a deadline in the admin, and
``make run`` loads the policy at every start — and only reported when they differ from the
file; ``update=True`` makes the file win.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from safevillage.audit.log import record_event
from safevillage.policy.models import Category, ClosureKind, ContextTag, Criterion, FrameworkVersion

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "framework.json"
_SLUG = re.compile(r"^[a-z0-9_-]{1,48}$")
_ICCS = re.compile(r"^[0-9]{2,16}$")


class PolicyDataError(ValueError):
    """The policy file is not valid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    # Rows that differ from the file but were kept (loaded without ``update``).
    kept: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _text(row: dict[str, Any], key: str, where: str, problems: list[str], max_length: int = 200) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: {key} is missing or empty")
        return ""
    if len(value) > max_length:
        problems.append(f"{where}: {key} is longer than {max_length} characters")
    return value.strip()


def _validate(data: Any) -> list[str]:
    """Every problem in the file, so that one run shows them all."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return ["the file must hold a JSON object with frameworks, categories and tags"]
    numbers: dict[str, set[int]] = {}
    for i, fw in enumerate(data.get("frameworks") or []):
        where = f"framework #{i + 1}"
        code = fw.get("code") if isinstance(fw, dict) else None
        if not isinstance(code, str) or not code:
            problems.append(f"{where}: code is missing")
            continue
        where = f"framework {code}"
        if code in numbers:
            problems.append(f"{where}: appears twice")
        _text(fw, "name_en", where, problems)
        _text(fw, "name_km", where, problems)
        try:
            datetime.date.fromisoformat(str(fw.get("effective_from")))
        except ValueError:
            problems.append(f"{where}: effective_from must be a date YYYY-MM-DD")
        numbers[code] = set()
        for criterion in fw.get("criteria") or []:
            number = criterion.get("number") if isinstance(criterion, dict) else None
            if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 99:
                problems.append(f"{where}: a criterion number must be a whole number from 1 to 99, not {number!r}")
                continue
            if number in numbers[code]:
                problems.append(f"{where}: criterion {number} appears twice")
            numbers[code].add(number)
            _text(criterion, "name_en", f"{where} criterion {number}", problems)
            _text(criterion, "name_km", f"{where} criterion {number}", problems)
    codes: set[str] = set()
    for i, cat in enumerate(data.get("categories") or []):
        if not isinstance(cat, dict):
            problems.append(f"category #{i + 1}: not an object")
            continue
        code = cat.get("code")
        where = f"category {code!r}"
        if not isinstance(code, str) or not _SLUG.match(code):
            problems.append(f"{where}: code must be lower-case letters, digits, _ or - (at most 48)")
        elif code in codes:
            problems.append(f"{where}: appears twice")
        codes.add(str(code))
        _text(cat, "name_en", where, problems)
        _text(cat, "name_km", where, problems)
        for key, framework in (("c2010", "2010"), ("p2021", "2021")):
            number = cat.get(key)
            if number is None:
                continue
            if framework not in numbers:
                problems.append(f"{where}: {key} refers to framework {framework}, which the file does not define")
            elif number not in numbers[framework]:
                problems.append(f"{where}: {key} = {number!r} is not a criterion of framework {framework}")
        for flag in ("crime", "mediation", "sensitive"):
            if not isinstance(cat.get(flag), bool):
                problems.append(f"{where}: {flag} must be true or false")
        iccs = cat.get("iccs", "")
        if not isinstance(iccs, str) or (iccs and not _ICCS.match(iccs)):
            problems.append(f"{where}: iccs must be a code of digits or empty")
        elif iccs and not cat.get("crime"):
            problems.append(f"{where}: only a crime has an ICCS code")
        kind = cat.get("kind")
        if kind is not None and kind not in ClosureKind.values:
            problems.append(f"{where}: kind must be one of {', '.join(ClosureKind.values)}")
        elif (kind == ClosureKind.CRIME) != bool(cat.get("crime")) and kind is not None:
            problems.append(f"{where}: kind is crime exactly when crime is true")
        days = cat.get("days")
        if (
            not isinstance(days, list)
            or len(days) != 3
            or not all(isinstance(d, int) and not isinstance(d, bool) and 0 < d <= 365 for d in days)
        ):
            problems.append(f"{where}: days must be [acknowledge, first action, close], whole days from 1 to 365")
        elif not days[0] <= days[1] <= days[2]:
            problems.append(f"{where}: days must not decrease (acknowledge ≤ first action ≤ close)")
    tag_codes: set[str] = set()
    for i, tag in enumerate(data.get("tags") or []):
        code = tag.get("code") if isinstance(tag, dict) else None
        where = f"tag {code!r}" if code else f"tag #{i + 1}"
        if not isinstance(code, str) or not _SLUG.match(code):
            problems.append(f"{where}: code must be lower-case letters, digits, _ or -")
            continue
        if code in tag_codes:
            problems.append(f"{where}: appears twice")
        tag_codes.add(code)
        _text(tag, "name_en", where, problems)
        _text(tag, "name_km", where, problems)
    return problems


def _upsert(
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    label: str,
    update: bool,
    report: LoadReport,
) -> Any:
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        row = model._default_manager.create(**lookup, **values)
        report.created.append(label)
        return row
    differs = [name for name, value in values.items() if getattr(row, name) != value]
    if not differs:
        report.unchanged += 1
    elif update:
        for name in differs:
            setattr(row, name, values[name])
        row.save(update_fields=differs)
        report.updated.append(f"{label} ({', '.join(differs)})")
    else:
        report.kept.append(f"{label} ({', '.join(differs)})")
    return row


def _closure_kind(cat: dict[str, Any]) -> str:
    """A crime closes as a crime; any other category as a complaint unless the file says
    otherwise (disasters and epidemics: "emergency")."""
    if cat["crime"]:
        return ClosureKind.CRIME
    return str(cat.get("kind") or ClosureKind.COMPLAINT)


def load_policy(path: Path | None = None, *, update: bool = False) -> LoadReport:
    """Install the policy from ``path`` (the shipped ``data/framework.json`` by default).
    Raises PolicyDataError, writing nothing, if the file is not valid."""
    path = path or DEFAULT_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PolicyDataError([f"{path}: {exc}"]) from None
    problems = _validate(data)
    if problems:
        raise PolicyDataError(problems)
    report = LoadReport()
    with transaction.atomic():
        criteria: dict[tuple[str, int], Criterion] = {}
        for fw in data.get("frameworks") or []:
            framework = _upsert(
                FrameworkVersion,
                {"code": fw["code"]},
                {
                    "name_en": fw["name_en"].strip(),
                    "name_km": fw["name_km"].strip(),
                    "effective_from": datetime.date.fromisoformat(fw["effective_from"]),
                },
                f"framework {fw['code']}",
                update,
                report,
            )
            for c in fw.get("criteria") or []:
                criteria[(fw["code"], c["number"])] = _upsert(
                    Criterion,
                    {"framework": framework, "number": c["number"]},
                    {"name_en": c["name_en"].strip(), "name_km": c["name_km"].strip()},
                    f"criterion {fw['code']}/{c['number']}",
                    update,
                    report,
                )
        for position, cat in enumerate(data.get("categories") or [], start=1):
            ack, action, close = cat["days"]
            _upsert(
                Category,
                {"code": cat["code"]},
                {
                    "name_en": cat["name_en"].strip(),
                    "name_km": cat["name_km"].strip(),
                    "criterion_2010": criteria.get(("2010", cat["c2010"])) if cat.get("c2010") is not None else None,
                    "point_2021": criteria.get(("2021", cat["p2021"])) if cat.get("p2021") is not None else None,
                    "is_crime": cat["crime"],
                    "closure_kind": _closure_kind(cat),
                    "iccs_code": cat.get("iccs", ""),
                    "mediation_allowed": cat["mediation"],
                    "sensitive": cat["sensitive"],
                    "acknowledge_days": ack,
                    "first_action_days": action,
                    "close_days": close,
                    "ordering": position,
                },
                f"category {cat['code']}",
                update,
                report,
            )
        for tag in data.get("tags") or []:
            _upsert(
                ContextTag,
                {"code": tag["code"]},
                {"name_en": tag["name_en"].strip(), "name_km": tag["name_km"].strip()},
                f"tag {tag['code']}",
                update,
                report,
            )
        if report.changed:
            # Deadlines and mediation rules decide how records are handled: who changed them is audited.
            record_event(
                "policy.load",
                actor=None,
                target_type="policy.framework",
                target_id=path.name[:64],
                target_label=str(path.name),
                new={"created": report.created, "updated": report.updated},
            )
    return report
