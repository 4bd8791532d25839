"""Small-cell suppression for published tables (pure Python, no database).

A table is a grid of counts ``cells[i][j]`` published with its column totals and, optionally, its
row totals. A count from 1 to ``threshold - 1`` could single out a person in a small regency, so it
is suppressed (primary suppression). Suppressing it alone is not enough: with the totals printed,
one blank in a row is the row total minus the rest. So more cells are blanked (complementary
suppression) until no blank can be worked out exactly from the published figures.

"Worked out exactly" is tested by linear algebra, not by a rule of thumb: the published totals give
equations over the blanks; a blank is disclosed when its value follows from those equations alone,
that is when its unit vector lies in the row space of the equations' coefficients over the blanks
(exact rational arithmetic, so no rounding decides it). While some blank is disclosed, the smallest
visible cell that shares an equation with it is blanked as well (preferring a non-zero count, whose
blank carries no information about being zero, and a cell whose other line already has a blank).

When row totals are published, they are part of the table too: a row total below the threshold is a
small cell of its own and is suppressed like the others (it can be a complement as well). Column
totals and the grand total are the level above (a province) and are always published.

A column of a single cell cannot be protected (its total is the cell): callers list every row of a
table, zeros included, so that a zero can be the complement of a lone small count.

Zeros are published: "nobody" is not a disclosure about a person. Bounds are not protected: a blank
is known to be at least 0 and at most its row total, as in any suppressed table.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

Cell = tuple[int, int]  # (row, column); column == number of columns means the row total


@dataclass(frozen=True)
class Suppressed:
    primary: frozenset[Cell]
    complementary: frozenset[Cell]

    @property
    def cells(self) -> frozenset[Cell]:
        return self.primary | self.complementary


def _equations(rows: int, cols: int, row_totals: bool) -> list[list[tuple[Cell, int]]]:
    """Each published total as a list of (cell, coefficient) summing to a published value."""
    equations = []
    width = cols + (1 if row_totals else 0)
    for j in range(width):  # column totals (and the grand total as the row-total column's total)
        equations.append([((i, j), 1) for i in range(rows)])
    if row_totals:
        for i in range(rows):  # sum of the row's cells minus its total is 0
            equations.append([((i, j), 1) for j in range(cols)] + [((i, cols), -1)])
    return equations


def _rank(vectors: list[list[Fraction]]) -> int:
    rows = [list(v) for v in vectors if any(v)]
    rank, width = 0, len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                factor = rows[r][col] / rows[rank][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def disclosed(equations: list[list[tuple[Cell, int]]], hidden: set[Cell]) -> set[Cell]:
    """The hidden cells whose value the published equations determine exactly."""
    order = sorted(hidden)
    index = {cell: k for k, cell in enumerate(order)}
    matrix = []
    for equation in equations:
        row = [Fraction(0)] * len(order)
        for cell, coefficient in equation:
            if cell in index:
                row[index[cell]] += coefficient
        if any(row):
            matrix.append(row)
    base = _rank(matrix)
    out = set()
    for cell in order:
        unit = [Fraction(0)] * len(order)
        unit[index[cell]] = Fraction(1)
        if _rank(matrix + [unit]) == base:
            out.add(cell)
    return out


def suppress(cells: Sequence[Sequence[int]], *, threshold: int = 10, row_totals: bool = False) -> Suppressed:
    """The cells to blank in ``cells`` (a rectangular grid of counts) published with its column
    totals and, if ``row_totals``, its row totals (addressed as column ``len(cells[0])``)."""
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    if any(len(r) != cols for r in cells):
        raise ValueError("cells must be rectangular")
    value: dict[Cell, int] = {(i, j): cells[i][j] for i in range(rows) for j in range(cols)}
    if row_totals:
        for i in range(rows):
            value[(i, cols)] = sum(cells[i])
    primary = {cell for cell, n in value.items() if 0 < n < threshold}
    hidden = set(primary)
    equations = _equations(rows, cols, row_totals)
    while True:
        exposed = disclosed(equations, hidden)
        if not exposed:
            break
        target = min(exposed)
        lines = [eq for eq in equations if any(cell == target for cell, _ in eq)]
        candidates = {cell for eq in lines for cell, _ in eq if cell not in hidden}
        if not candidates:  # every neighbour is blank; widen to any visible cell
            candidates = set(value) - hidden
        if not candidates:
            break  # everything is blank: nothing is published

        def line_blanks(cell: Cell) -> int:
            return sum(1 for eq in equations if any(c == cell for c, _ in eq) for c, _ in eq if c in hidden)

        hidden.add(min(candidates, key=lambda c: (value[c] == 0, value[c], -line_blanks(c), c)))
    return Suppressed(primary=frozenset(primary), complementary=frozenset(hidden - primary))
