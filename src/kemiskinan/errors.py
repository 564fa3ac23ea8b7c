"""Errors a user can act on: each names the file and, where they apply, sheet, row and column.

The CLI catches `InputError` and prints its message without a traceback (a user's mistake is not a bug);
anything else is a bug in this project and keeps its traceback.
"""
from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """A problem with an input file that the analyst must fix."""

    def __init__(self, message: str, *, file: str | Path | None = None, sheet: str | None = None,
                 row: int | None = None, column: str | None = None, hint: str | None = None):
        self.file = str(file) if file is not None else None
        self.sheet, self.row, self.column, self.hint = sheet, row, column, hint
        self.reason = message
        super().__init__(self._format())

    def location(self, with_file: bool = True) -> str:
        """"file F, sheet 'S', baris R, kolom 'C'" — the parts that are known."""
        where = []
        if self.file and with_file:
            where.append(f"file {self.file}")
        if self.sheet:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"baris {self.row}")
        if self.column:
            where.append(f"kolom '{self.column}'")
        return ", ".join(where)

    def _format(self) -> str:
        where = self.location()
        text = (where + ": " if where else "") + self.reason
        if self.hint:
            text += f"\n  Saran: {self.hint}"
        return text


class ReconciliationError(InputError):
    """Rows read != kept + rejected + merged for some input file."""


class ParameterError(Exception):
    """Unknown, missing or invalid build parameters."""


class CheckError(Exception):
    """A sanity check on computed numbers failed; the message carries the offending rows."""
