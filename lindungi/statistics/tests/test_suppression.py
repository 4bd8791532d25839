"""Small-cell suppression: primary cells, complementary cells, and that no blank can be worked out
from the published totals (checked independently by brute force over small tables)."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindungi.statistics.suppression import suppress


def published(cells, hidden, row_totals):
    rows, cols = len(cells), len(cells[0])
    column_totals = [sum(cells[i][j] for i in range(rows)) for j in range(cols)]
    grand = sum(column_totals)
    visible = {(i, j): cells[i][j] for i in range(rows) for j in range(cols) if (i, j) not in hidden}
    if row_totals:
        visible.update({(i, cols): sum(cells[i]) for i in range(rows) if (i, cols) not in hidden})
    return column_totals, grand, visible


def candidates(cells, hidden, row_totals):
    """Every table of non-negative counts, each blank within 1 of the truth, that shows the same
    published figures (the tables here have a change of ±1 along a cycle of blanks when they have
    any change at all)."""
    rows, cols = len(cells), len(cells[0])
    column_totals, grand, visible = published(cells, hidden, row_totals)
    blanks = sorted(c for c in hidden if c[1] < cols)
    for steps in itertools.product((-1, 0, 1), repeat=len(blanks)):
        table = [list(r) for r in cells]
        for (i, j), step in zip(blanks, steps, strict=True):
            table[i][j] += step
        if any(v < 0 for r in table for v in r):
            continue
        values = [table[i][j] for i, j in blanks]
        if published(table, hidden, row_totals) == (column_totals, grand, visible):
            yield dict(zip(blanks, values, strict=True)) | {
                (i, cols): sum(table[i]) for i in range(rows) if row_totals and (i, cols) in hidden}


def test_one_small_cell_in_a_list_takes_the_next_smallest_with_it():
    result = suppress([[5], [20], [30], [12]])
    assert result.primary == {(0, 0)}
    assert result.complementary == {(3, 0)}  # 12 is the smallest other count


def test_nothing_below_the_threshold_suppresses_nothing():
    result = suppress([[10], [0], [30]])
    assert result.cells == frozenset()


def test_zero_is_published_and_not_chosen_while_a_count_is_available():
    result = suppress([[0], [3], [40], [25]])
    assert result.primary == {(1, 0)} and result.complementary == {(3, 0)}


def test_two_small_cells_in_one_column_protect_each_other():
    result = suppress([[3], [4], [50]])
    assert result.primary == {(0, 0), (1, 0)} and result.complementary == frozenset()


def test_a_two_way_table_blanks_a_rectangle():
    cells = [[5, 40, 30], [50, 60, 70], [45, 80, 90]]
    result = suppress(cells, row_totals=True)
    hidden = result.cells
    assert (0, 0) in result.primary
    # every row (with its total) and column with a blank has at least two: no single blank next to a total
    for i in range(3):
        assert sum((i, j) in hidden for j in range(4)) != 1
    for j in range(4):
        assert sum((i, j) in hidden for i in range(3)) != 1


def test_only_column_totals_published_needs_a_second_blank_in_the_column_only():
    result = suppress([[5, 40, 30], [50, 60, 70], [45, 80, 90]])
    assert result.primary == {(0, 0)} and result.complementary == {(2, 0)}


def test_small_row_totals_are_suppressed_too():
    result = suppress([[2, 3], [40, 50], [30, 20]], row_totals=True)
    assert (0, 2) in result.primary  # the row total 5 is itself a small count


def test_rejects_a_ragged_table():
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]])


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 3).flatmap(lambda rows: st.integers(1, 3).flatmap(lambda cols: st.tuples(
    st.lists(st.lists(st.integers(1, 14), min_size=cols, max_size=cols), min_size=rows, max_size=rows),
    st.booleans()))))
def test_no_blank_can_be_recovered_from_the_totals(case):
    """Brute force: among all tables that publish the same figures, each blank takes at least two
    values. (A one-row table cannot be protected: its cells are the column totals; the public
    tables therefore list every regency of a province, zeros included.)"""
    cells, row_totals = case
    if row_totals and len(cells[0]) == 1:
        row_totals = False  # a one-column table's row totals are its cells
    result = suppress(cells, row_totals=row_totals)
    hidden = set(result.cells)
    cols = len(cells[0])
    for i, row in enumerate(cells):  # every small count is blank
        for j, n in enumerate(row):
            assert (n == 0 or n >= 10) or (i, j) in hidden
        if row_totals and 0 < sum(row) < 10:
            assert (i, cols) in hidden
    if not hidden:
        return
    seen: dict = {}
    for solution in candidates(cells, hidden, row_totals):
        for cell, value in solution.items():
            seen.setdefault(cell, set()).add(value)
    for cell in hidden:
        assert len(seen.get(cell, set())) >= 2, f"blank {cell} is determined by the totals"
