"""One sheet as read: its grid of cells, its merged ranges, and the rows whose bytes needed help to read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np

# A sheet's merged ranges, each (first row, first column, last row, last column), counted from 0.
Merged: TypeAlias = tuple[tuple[int, int, int, int], ...]


@dataclass(frozen=True)
class RowFinding:
    """Something odd about the bytes of one row (0-based grid row): a code of metrics.intake.findings and its detail."""

    row: int
    code: str
    detail: str = ""


@dataclass(frozen=True, eq=False)
class RawSheet:
    """One sheet as stored: grid[i] is Excel row i + 1 (CSV: record i + 1), None for an empty cell.

    `grid` is a 2-D object array (ragged text rows padded with None on the right). Cells are str,
    int, float, bool, datetime, date, time or timedelta. Error cells (#DIV/0!, #N/A) come back from
    calamine as empty text, so they read as None. `merged` lists merged ranges as
    (first_row, first_col, last_row, last_col), 0-based and inclusive (xlsx and xls only).
    `findings` lists rows whose bytes needed help to read (CSV only). `complete` is False for a
    preview that holds only the first rows of the sheet.
    """

    name: str
    grid: np.ndarray
    source: str
    merged: Merged = ()
    findings: tuple[RowFinding, ...] = ()
    complete: bool = True

    @classmethod
    def from_rows(
        cls, name: str, rows: Sequence[Sequence[object]], source: str,
        merged: Merged = (), findings: tuple[RowFinding, ...] = (),
    ) -> RawSheet:
        return cls(name=name, grid=padded_grid(rows), source=source, merged=merged, findings=findings)

    @property
    def rows(self) -> list[list[object]]:
        """The grid as lists of cells (for tests and small sheets; the pipeline uses `grid`)."""
        rows: list[list[object]] = self.grid.tolist()
        return rows

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RawSheet):
            return NotImplemented
        same_shape = self.grid.shape == other.grid.shape
        mine = (self.name, self.source, self.merged, self.findings, self.complete)
        return mine == (other.name, other.source, other.merged, other.findings, other.complete) and (
            same_shape and self.rows == other.rows
        )

    __hash__ = None  # type: ignore[assignment]  # equal by content, mutable array inside


def padded_grid(rows: Sequence[Sequence[object]]) -> np.ndarray:
    """The rows as one object array, ragged rows padded with None on the right."""
    widths = set(map(len, rows))
    width = max(widths, default=0) or 1
    if widths == {width}:  # rectangular: one assignment, no loop over rows
        grid = np.empty((len(rows), width), dtype=object)
        grid[:] = rows  # assigning into an object array never lets numpy split a cell that is a sequence
        return grid
    grid = np.full((len(rows), width), None, dtype=object)
    for i, row in enumerate(rows):
        grid[i, : len(row)] = row
    return grid
