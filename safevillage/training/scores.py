"""Reading a session's scores from a CSV file, as trainers keep them in a spreadsheet: one
line per participant with ``name,username,pre,post,retention`` (username, post and retention
may be empty) and, where the trainer entered them, one column per question and test:
``q1_pre,q1_post,q1_retention,…`` holding 1 (answered as hoped) or 0.

The whole file is checked first; if any line is wrong, nothing is written and every problem
is listed with its line."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

REQUIRED = ["name", "pre"]
QUESTION = re.compile(r"^q(\d{1,3})_(pre|post|retention)$")
MAX_LINES = 2000


@dataclass
class Line:
    number: int
    name: str
    officer_id: int | None
    pre: Decimal
    post: Decimal | None
    retention: Decimal | None
    answers: list[tuple[int, str, bool]] = field(default_factory=list)


class ScoresError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _score(text: str, max_score: int, line: int, column: str, problems: list[str]) -> Decimal | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        problems.append(
            _("Line %(line)d: %(column)s “%(value)s” is not a number.")
            % {"line": line, "column": column, "value": text[:20]}
        )
        return None
    if not value.is_finite() or not 0 <= value <= max_score:
        problems.append(
            _("Line %(line)d: %(column)s %(value)s is outside 0 to %(max)d.")
            % {"line": line, "column": column, "value": text[:20], "max": max_score}
        )
        return None
    return value


def read_scores(data: bytes, *, max_score: int) -> list[Line]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScoresError([_("The file is not UTF-8 text: save it from the spreadsheet as “CSV UTF-8”.")]) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ScoresError([_("The file has no column %(columns)s.") % {"columns": ", ".join(missing)}])
    unknown = [
        name
        for name in header
        if name not in {"name", "username", "pre", "post", "retention"} and not QUESTION.match(name)
    ]
    if unknown:
        raise ScoresError([_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown[:5])}])
    users = get_user_model().objects
    problems: list[str] = []
    lines: list[Line] = []
    for row in reader:
        number = reader.line_num
        if number > MAX_LINES + 1:
            raise ScoresError([_("At most %(count)d participants a file.") % {"count": MAX_LINES}])
        row = {(key or "").strip(): (value or "") for key, value in row.items() if key is not None}
        name = row.get("name", "").strip()
        if not name:
            problems.append(_("Line %(line)d: no name.") % {"line": number})
        officer_id = None
        if username := row.get("username", "").strip():
            officer_id = users.filter(username=username).values_list("pk", flat=True).first()
            if officer_id is None:
                problems.append(
                    _("Line %(line)d: no account is named %(username)s.") % {"line": number, "username": username[:40]}
                )
        pre = _score(row.get("pre", ""), max_score, number, "pre", problems)
        if pre is None and row.get("pre", "").strip() == "":
            problems.append(_("Line %(line)d: no score before the training.") % {"line": number})
        post = _score(row.get("post", ""), max_score, number, "post", problems)
        retention = _score(row.get("retention", ""), max_score, number, "retention", problems)
        answers = []
        for column, value in row.items():
            if (match := QUESTION.match(column)) and value.strip():
                if value.strip() not in {"0", "1"}:
                    problems.append(_("Line %(line)d: %(column)s must be 1 or 0.") % {"line": number, "column": column})
                    continue
                answers.append((int(match[1]), match[2], value.strip() == "1"))
        if pre is not None:
            lines.append(Line(number, name, officer_id, pre, post, retention, answers))
    if not lines and not problems:
        problems.append(_("The file has no participant."))
    if problems:
        raise ScoresError(problems)
    return lines
