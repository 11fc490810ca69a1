"""What an import found and did: every defect with its file and line, and the counts."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A refused line is not loaded; a warning is loaded as it stands; a missing place is in the
# database but not in a full list (kept, or archived when asked).
REFUSED = "refused"
WARNING = "warning"
MISSING = "missing"

REPORT_COLUMNS = ["line", "code", "problem", "severity", "file"]

# Why a line was refused, in a few words, to summarise many refusals in one line (the
# problem of each defect names the line's own values and so cannot be grouped by itself).
REASONS = {
    "duplicate": gettext_lazy("duplicate code"),
    "parent": gettext_lazy("parent not loaded"),
    "unknown": gettext_lazy("place not in the gazetteer"),
    "code": gettext_lazy("code not numeric or of the wrong length"),
    "columns": gettext_lazy("extra columns"),
    "other": gettext_lazy("other problems"),
}


@dataclass(frozen=True)
class Defect:
    severity: str
    file: str
    line: int | None
    code: str
    problem: str
    reason: str = "other"  # a key of REASONS

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file or "-"
        return f"{where} {self.code} — {self.problem}"


@dataclass
class ImportReport:
    """Filled in by the reader, the checks and the writer of one import."""

    source: str
    defects: list[Defect] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # in the order read, to list defects in that order
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    restored: int = 0
    inferred: int = 0
    written: bool = False
    seconds: float = 0.0

    def refuse(self, file: str, line: int | None, code: str, problem: str, *, reason: str = "other") -> None:
        self.defects.append(Defect(REFUSED, file, line, code, problem, reason))

    def warn(self, file: str, line: int | None, code: str, problem: str) -> None:
        self.defects.append(Defect(WARNING, file, line, code, problem))

    def missing(self, code: str, problem: str) -> None:
        self.defects.append(Defect(MISSING, "", None, code, problem))

    def of(self, severity: str) -> list[Defect]:
        """The defects of one severity, in file and line order."""
        order = {name: index for index, name in enumerate(self.files)}
        found = [d for d in self.defects if d.severity == severity]
        return sorted(found, key=lambda d: (order.get(d.file, len(order)), d.line or 0))

    @property
    def refused_lines(self) -> int:
        """Lines refused (a line with two problems counts once)."""
        return len({(d.file, d.line) for d in self.of(REFUSED)})

    def refused_by_reason(self) -> list[tuple[str, int]]:
        """Refused lines counted by the reason of their first problem, the commonest first."""
        first: dict[tuple[str, int | None], str] = {}
        for defect in self.of(REFUSED):
            first.setdefault((defect.file, defect.line), defect.reason)
        counts = Counter(first.values())
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    @property
    def loaded(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        values = {
            "source": self.source,
            "read": self.read,
            "loaded": self.loaded,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "refused": self.refused_lines,
            "warnings": len(self.of(WARNING)),
            "missing": len(self.of(MISSING)),
            "archived": self.archived,
            "seconds": self.seconds,
        }
        text = (
            _(
                "%(source)s: %(read)d lines read; %(loaded)d loaded (%(created)d new, %(updated)d updated, "
                "%(unchanged)d unchanged); %(refused)d lines refused; %(warnings)d warnings"
            )
            % values
        )
        if self.restored:
            text += _("; %(restored)d archived places listed again and made current") % {"restored": self.restored}
        if values["missing"]:
            text += _("; %(missing)d places missing from the list (%(archived)d archived)") % values
        if not self.written:
            text += _("; nothing written")
        return text + _("; %(seconds).1f s.") % values

    def details(self, *, missing_shown: int = 20) -> list[str]:
        """The defects for a terminal: every refused line and warning, and the first
        missing places (all of them are in the CSV report)."""
        lines = [f"{_('refused')}: {d}" for d in self.of(REFUSED)]
        lines += [f"{_('warning')}: {d}" for d in self.of(WARNING)]
        missing = self.of(MISSING)
        lines += [f"{_('missing')}: {d.code} {d.problem}" for d in missing[:missing_shown]]
        if len(missing) > missing_shown:
            lines.append(
                _("… and %(count)d more places missing from the list (--report FILE lists them all)")
                % {"count": len(missing) - missing_shown}
            )
        return lines

    def write_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(REPORT_COLUMNS)
            for d in self.of(REFUSED) + self.of(WARNING) + self.of(MISSING):
                writer.writerow([d.line or "", d.code, d.problem, d.severity, d.file])
