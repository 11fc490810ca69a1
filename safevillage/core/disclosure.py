"""Small counts kept out of published tables: primary and secondary cell suppression.

A published table of counts (rows by columns, with its row totals, column totals and grand
total) must not let anyone learn a count from 1 to ``HIDDEN_UP_TO`` - not by reading it, and
not by subtracting the published cells of a row or a column from its total. Counts of people
referred to HIV services are the case in point: a "3" in a commune's row is three people
someone can go and find.

Primary suppression hides every count from 1 to ``HIDDEN_UP_TO``, totals included. Secondary
(complementary) suppression then hides more cells until an attacker who knows every published
figure, that the table adds up and that a hidden figure is at least 1 (zeros are published) -
and who solves the linear programme that this makes, cell by cell - can neither pin a hidden
small count to one value nor prove that it is at most ``HIDDEN_UP_TO``. Each round audits
every hidden small count that way (a linear programme: its greatest possible value) and, for
each one exposed, hides one more figure: of its row or column if it can, of the table's body
before its totals, the smallest above ``HIDDEN_UP_TO`` first. It ends, at the latest, when
every non-zero figure is hidden.

Zeros are published: a zero reveals nobody, and hiding one protects little (everyone may
know that a commune has no needle-syringe programme).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog  # type: ignore[import-untyped]

HIDDEN_UP_TO = 10


@dataclass(frozen=True)
class Published:
    """A table as it may be published: ``None`` where a figure is hidden. ``cells`` is
    rows by columns; ``row_totals``, ``column_totals`` and ``total`` its margins."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None


def is_small(value: int) -> bool:
    return 1 <= value <= HIDDEN_UP_TO


def _grid(cells: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table with its margins: the last column holds the row totals, the last row the
    column totals and, in its corner, the grand total."""
    rows = [[*row, sum(row)] for row in cells]
    columns = len(rows[0]) if rows else 1
    rows.append([sum(row[j] for row in rows) for j in range(columns)])
    return rows


def _equations(height: int, width: int) -> np.ndarray:
    """The additivity of a grid of ``height`` by ``width`` (margins included): every row and
    column of the body sums to its margin, as do the margins to the corner. One row of the
    result per equation, one column per cell (row-major)."""
    equations = []
    for i in range(height):
        row = np.zeros(height * width)
        row[i * width : i * width + width - 1] = 1
        row[i * width + width - 1] = -1
        equations.append(row)
    for j in range(width):
        column = np.zeros(height * width)
        column[[i * width + j for i in range(height - 1)]] = 1
        column[(height - 1) * width + j] = -1
        equations.append(column)
    return np.array(equations)


def greatest(grid: Sequence[Sequence[int | None]], cells: Sequence[tuple[int, int]]) -> dict[tuple[int, int], float]:
    """What an attacker learns of the hidden ``cells`` of a published grid (margins included,
    ``None`` where hidden): the greatest value each can have. (The least is of no use to
    them: a hidden small count is at least 1, which they knew, and it is pinned to one value
    only if its greatest possible value is itself.)"""
    height, width = len(grid), len(grid[0])
    equations = _equations(height, width)
    hidden = [(i, j) for i in range(height) for j in range(width) if grid[i][j] is None]
    known = np.array([grid[i][j] or 0 for i in range(height) for j in range(width)], dtype=float)
    a_eq = equations[:, [i * width + j for i, j in hidden]]
    b_eq = -(equations @ known)  # what the hidden cells make up, given the published ones
    found = {}
    for cell in cells:
        objective = np.zeros(len(hidden))
        objective[hidden.index(cell)] = -1
        # Hidden figures are at least 1: the zeros are published, and the attacker knows it.
        result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(1, None), method="highs")
        found[cell] = float("inf") if result.status == 3 else -result.fun  # status 3: unbounded
    return found


def suppress(cells: Sequence[Sequence[int]]) -> Published:
    """The table ``cells`` (non-negative counts, rows by columns) as it may be published."""
    if not cells or not cells[0]:
        return Published(cells=[], row_totals=[], column_totals=[], total=None)
    if any(value < 0 for row in cells for value in row):
        raise ValueError("counts are never negative")
    grid = _grid(cells)
    height, width = len(grid), len(grid[0])
    small = [(i, j) for i in range(height) for j in range(width) if is_small(grid[i][j])]
    hidden = set(small)

    def shown() -> list[list[int | None]]:
        return [[None if (i, j) in hidden else grid[i][j] for j in range(width)] for i in range(height)]

    def cost(cell: tuple[int, int]) -> tuple[bool, int, tuple[int, int]]:
        # A figure that can hide a small one among more than HIDDEN_UP_TO first; then the
        # smallest, which costs the reader least.
        value = grid[cell[0]][cell[1]]
        return (value <= HIDDEN_UP_TO, value, cell)

    while small:
        weak = [cell for cell, top in greatest(shown(), small).items() if top < HIDDEN_UP_TO + 0.5]
        if not weak:
            break
        added = False
        for i, j in weak:
            line = {(i, k) for k in range(width)} | {(k, j) for k in range(height)}
            everywhere = {(a, b) for a in range(height) for b in range(width)}
            body = {(a, b) for a, b in everywhere if a < height - 1 and b < width - 1}
            # Its row or column's body first, then the rest of the body, then the totals: a
            # hidden total hides the most from readers.
            for pool in (line & body, body, line, everywhere):
                candidates = [c for c in pool if c not in hidden and grid[c[0]][c[1]] > 0]
                if candidates:
                    hidden.add(min(candidates, key=cost))
                    added = True
                    break
        if not added:
            break  # every non-zero figure is hidden
    published = shown()
    return Published(
        cells=[row[:-1] for row in published[:-1]],
        row_totals=[row[-1] for row in published[:-1]],
        column_totals=published[-1][:-1],
        total=published[-1][-1],
    )
