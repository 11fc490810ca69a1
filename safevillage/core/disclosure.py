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

The same audit runs on any set of published figures tied by sums, not only a table with its
margins (``suppress_sums``): the public portal publishes a tree of places (a district is the
sum of its communes, the country of its provinces) with parts and their totals in each place,
hides counts from 1 to 4 and rounds the others to 5 (``rounded``). Rounding after the audit
only widens what an attacker can deduce, so a figure safe when published exactly stays safe
when rounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog  # type: ignore[import-untyped]
from scipy.sparse import csr_matrix, hstack  # type: ignore[import-untyped]

HIDDEN_UP_TO = 10


@dataclass(frozen=True)
class Published:
    """A table as it may be published: ``None`` where a figure is hidden. ``cells`` is
    rows by columns; ``row_totals``, ``column_totals`` and ``total`` its margins."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None


def is_small(value: int, hidden_up_to: int = HIDDEN_UP_TO) -> bool:
    return 1 <= value <= hidden_up_to


def _grid(cells: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table with its margins: the last column holds the row totals, the last row the
    column totals and, in its corner, the grand total."""
    rows = [[*row, sum(row)] for row in cells]
    columns = len(rows[0]) if rows else 1
    rows.append([sum(row[j] for row in rows) for j in range(columns)])
    return rows


# A sum the published figures obey: (the indices of its parts, the index of its whole).
Sum = tuple[Sequence[int], int]


def _grid_sums(height: int, width: int) -> list[Sum]:
    """The additivity of a grid of ``height`` by ``width`` (margins included), over its cells
    numbered row-major: every row and column of the body sums to its margin, as do the margins
    to the corner."""
    sums: list[Sum] = []
    for i in range(height):
        sums.append(([i * width + j for j in range(width - 1)], i * width + width - 1))
    for j in range(width):
        sums.append(([i * width + j for i in range(height - 1)], (height - 1) * width + j))
    return sums


def greatest_of(
    known: Sequence[int | None],
    sums: Sequence[Sum],
    cells: Iterable[int],
    enough: float | None = None,
    *,
    exact: bool = True,
) -> dict[int, float]:
    """What an attacker learns of the hidden ``cells`` (``None`` in ``known``) from the
    published figures and the sums they obey: the greatest value each can have. (The least is
    of no use to them: a hidden small count is at least 1, which they knew, and it is pinned
    to one value only if its greatest possible value is itself.)

    With ``enough``, the caller only asks which cells can reach it: a cell is then answered
    with its greatest value if that is below ``enough``, else with some value at least
    ``enough``. A programme maximising the sum of min(cell, ``enough``) over the open cells
    settles many at once (a solution in which a cell reaches ``enough`` proves that it can);
    only the cells it leaves below are then solved one by one - or, unless ``exact``, answered
    with their value in that solution (at most their greatest: the caller treats them as
    exposed, which may hide more than needed but never less)."""
    wanted = list(cells)
    hidden = [c for c in range(len(known)) if known[c] is None]
    position = {c: n for n, c in enumerate(hidden)}
    # Only the sums holding a hidden figure tell anything about one.
    involved = [(parts, whole) for parts, whole in sums if any(known[c] is None for c in (*parts, whole))]
    n = len(hidden)
    rows: list[int] = []
    columns: list[int] = []
    entries: list[float] = []
    b_eq = np.zeros(max(len(involved), 1))
    for row, (parts, whole) in enumerate(involved):
        for c, sign in [*((c, 1.0) for c in parts), (whole, -1.0)]:
            if c in position:
                rows.append(row)
                columns.append(position[c])
                entries.append(sign)
            else:
                b_eq[row] -= sign * (known[c] or 0)
    a_csr = csr_matrix((entries, (rows, columns)), shape=(max(len(involved), 1), n))
    found: dict[int, float] = {}
    last: np.ndarray | None = None

    def settle(x: np.ndarray, open_cells: list[int], enough: float) -> list[int]:
        """Record the cells that reach ``enough`` in the solution ``x``; return the others."""
        reached = {c for c in open_cells if x[position[c]] >= enough - 1e-7}
        found.update({c: float(x[position[c]]) for c in reached})
        return [c for c in open_cells if c not in reached]

    open_cells = wanted
    # Unless exact, two programmes at most: what they leave is answered as exposed.
    rounds = 0
    while enough is not None and open_cells and (exact or rounds < 2):
        rounds += 1
        # y_c <= x_c and 0 <= y_c <= enough; maximise the sum of the y_c.
        k = len(open_cells)
        a_ub = csr_matrix(
            (
                np.concatenate([np.ones(k), -np.ones(k)]),
                (
                    np.concatenate([np.arange(k), np.arange(k)]),
                    np.concatenate([n + np.arange(k), [position[c] for c in open_cells]]),
                ),
            ),
            shape=(k, n + k),
        )
        result = linprog(
            np.concatenate([np.zeros(n), -np.ones(k)]),
            A_ub=a_ub,
            b_ub=np.zeros(k),
            A_eq=hstack([a_csr, csr_matrix((a_csr.shape[0], k))]).tocsr(),
            b_eq=b_eq,
            # Hidden figures are at least 1: the zeros are published, and the attacker knows it.
            bounds=[(1, None)] * n + [(0, enough)] * k,
            method="highs",
        )
        if result.status != 0:
            break
        last = result.x[:n]
        left = settle(last, open_cells, enough)
        if len(left) == len(open_cells):
            break
        open_cells = left
    if not exact and last is not None:
        found.update({c: float(last[position[c]]) for c in open_cells})
        return found
    while open_cells:
        cell = open_cells.pop(0)
        objective = np.zeros(n)
        objective[position[cell]] = -1
        result = linprog(objective, A_eq=a_csr, b_eq=b_eq, bounds=(1, None), method="highs")
        found[cell] = float("inf") if result.status == 3 else -result.fun  # status 3: unbounded
        if enough is not None and result.status == 0:
            open_cells = settle(result.x, open_cells, enough)
    return found


def greatest(grid: Sequence[Sequence[int | None]], cells: Sequence[tuple[int, int]]) -> dict[tuple[int, int], float]:
    """``greatest_of`` for a published grid (margins included, ``None`` where hidden) and
    cells given as (row, column)."""
    height, width = len(grid), len(grid[0])
    flat = [grid[i][j] for i in range(height) for j in range(width)]
    found = greatest_of(flat, _grid_sums(height, width), [i * width + j for i, j in cells])
    return {cell: found[cell[0] * width + cell[1]] for cell in cells}


# Where a weak figure's partner is looked for, in order: each pool is the cells of a set
# (``line``: those sharing a sum with the weak figure; ``body``: those that are no sum's whole;
# ``near``: those sharing a sum with any hidden figure; ``all``), intersected. ``line`` may
# only be combined with ``body``.
Pools = Sequence[tuple[str, ...]]
TABLE_POOLS: Pools = (("line", "body"), ("body",), ("line",), ("all",))
TREE_POOLS: Pools = (("line", "body"), ("line",), ("near", "body"), ("near",), ("body",), ("all",))


def suppress_sums(
    values: Sequence[int],
    sums: Sequence[Sum],
    *,
    hidden_up_to: int = HIDDEN_UP_TO,
    pools: Pools = TREE_POOLS,
    exact: bool = False,
) -> list[int | None]:
    """The figures ``values`` (non-negative counts that obey ``sums``) as they may be
    published: ``None`` where hidden. Primary suppression hides every count from 1 to
    ``hidden_up_to``; each round then audits the hidden small counts and hides, for each one
    an attacker could bound by ``hidden_up_to``, one more figure from the first non-empty
    ``pools``: the smallest above ``hidden_up_to`` first. Unless ``exact``, a figure the
    audit could not quickly prove safe counts as exposed (``greatest_of``): faster on a
    national tree, at the cost of a few more hidden figures."""
    if any(value < 0 for value in values):
        raise ValueError("counts are never negative")
    small = [c for c, value in enumerate(values) if is_small(value, hidden_up_to)]
    hidden = set(small)
    wholes = {whole for _parts, whole in sums}
    body = {c for c in range(len(values)) if c not in wholes}
    sums_of: dict[int, list[int]] = {}
    for n, (parts, whole) in enumerate(sums):
        for c in (*parts, whole):
            sums_of.setdefault(c, []).append(n)

    def members(sum_numbers: Iterable[int]) -> set[int]:
        out: set[int] = set()
        for n in sum_numbers:
            parts, whole = sums[n]
            out.update(parts)
            out.add(whole)
        return out

    def cost(cell: int) -> tuple[bool, int, int]:
        # A figure that can hide a small one among more than hidden_up_to first; then the
        # smallest, which costs the reader least.
        return (values[cell] <= hidden_up_to, values[cell], cell)

    def shown() -> list[int | None]:
        return [None if c in hidden else value for c, value in enumerate(values)]

    # Candidates in the order they are taken (``cost``), for the pools that do not depend on
    # the weak figure; the first not yet hidden is the one taken.
    everything = sorted((c for c, value in enumerate(values) if value > 0), key=cost)
    ordered: dict[tuple[str, ...], list[int]] = {("body",): [c for c in everything if c in body], ("all",): everything}

    # Where each ordered list's first figure not yet hidden may be: hidden figures only grow.
    start: dict[tuple[str, ...], int] = {}

    def first_free(key: tuple[str, ...]) -> int | None:
        candidates = ordered[key]
        i = start.get(key, 0)
        while i < len(candidates) and candidates[i] in hidden:
            i += 1
        start[key] = i
        return candidates[i] if i < len(candidates) else None

    def pin_none() -> None:
        """Hide a partner in every sum holding exactly one hidden figure: the sum pins that
        figure to one value (its whole less its published parts), which no programme is
        needed to see. The partner is the sum's cheapest other figure (``cost``), a part
        before its whole. Taken before the audits, this settles most figures of a national
        tree at once, where the audit would hide one partner per weak figure and round, by
        value alone (45 s for a quarter at ten million records, against 0.2 s). In exact
        mode (a small table) the audit chooses every partner itself, which hides fewest."""
        if exact:
            return
        pinned = True
        while pinned:
            pinned = False
            for parts, whole in sums:
                cells = (*parts, whole)
                if sum(c in hidden for c in cells) != 1:
                    continue
                candidates = [c for c in cells if c not in hidden and values[c] > 0]
                if candidates:
                    hidden.add(min(candidates, key=lambda c: (c == whole, *cost(c))))
                    pinned = True

    pin_none()
    # Hiding more never lets an attacker learn more: a figure the audit found safe stays
    # safe, and only the weak ones are audited again.
    audited = small
    while audited:
        tops = greatest_of(shown(), sums, audited, enough=hidden_up_to + 0.5, exact=exact)
        weak = [c for c, top in tops.items() if top < hidden_up_to + 0.5]
        if not weak:
            break
        audited = weak
        added = False
        near = members(n for c in hidden for n in sums_of.get(c, ()))
        near_ordered = sorted((c for c in near if values[c] > 0), key=cost)
        ordered[("near",)] = near_ordered
        ordered[("near", "body")] = [c for c in near_ordered if c in body]
        start.pop(("near",), None)
        start.pop(("near", "body"), None)
        for cell in weak:
            line = sorted((c for c in members(sums_of.get(cell, ())) if values[c] > 0), key=cost)
            for pool in pools:
                if "line" in pool:
                    chosen = next(
                        (c for c in line if c not in hidden and all(name == "line" or c in body for name in pool)),
                        None,
                    )
                else:
                    chosen = first_free(tuple(pool))
                if chosen is not None:
                    hidden.add(chosen)
                    added = True
                    break
        if not added:
            break  # every non-zero figure is hidden
        pin_none()
    return shown()


def rounded(value: int | None, base: int = 5) -> int | None:
    """A published count rounded to the nearest multiple of ``base`` (halves up); a hidden
    one stays hidden. Counts above the hidden ones (5 and more) never round below ``base``."""
    if value is None:
        return None
    return (value + base // 2) // base * base


def suppress(cells: Sequence[Sequence[int]], *, hidden_up_to: int = HIDDEN_UP_TO) -> Published:
    """The table ``cells`` (non-negative counts, rows by columns) as it may be published."""
    if not cells or not cells[0]:
        return Published(cells=[], row_totals=[], column_totals=[], total=None)
    if any(value < 0 for row in cells for value in row):
        raise ValueError("counts are never negative")
    grid = _grid(cells)
    height, width = len(grid), len(grid[0])
    flat = suppress_sums(
        [value for row in grid for value in row],
        _grid_sums(height, width),
        hidden_up_to=hidden_up_to,
        pools=TABLE_POOLS,
        exact=True,
    )
    published = [flat[i * width : (i + 1) * width] for i in range(height)]
    return Published(
        cells=[row[:-1] for row in published[:-1]],
        row_totals=[row[-1] for row in published[:-1]],
        column_totals=published[-1][:-1],
        total=published[-1][-1],
    )
