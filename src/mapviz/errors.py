"""The exceptions mapviz raises. The app shows a `MapvizError` message; anything else is a bug."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal


class MapvizError(Exception):
    """Base class of every error mapviz reports to a user."""


@dataclass(frozen=True)
class Problem:
    """One problem found in one row of an input.

    Attributes
    ----------
    row : int or None
        1-based data row number (the header is row 0), or None for a problem with the whole input.
    field : str
        Column or property name the problem is about ("" when it is about the whole row).
    message : str
        What is wrong, with the value found and what was expected.
    severity : {"error", "warning"}
        "error": the row was not kept. "warning": the row was kept, and this says how.
    """

    row: int | None
    field: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = "file" if self.row is None else f"row {self.row}"
        head = f"{where}, {self.field}" if self.field else where
        kept = " (row kept)" if self.severity == "warning" and self.row else ""
        return f"{head}{kept}: {self.message}"


class DataValidationError(MapvizError, ValueError):
    """An input as a whole cannot be used; carries every problem found, not just the first."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        self.summary = message
        self.problems: tuple[Problem, ...] = tuple(problems)
        detail = "".join(f"\n- {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        if more > 0:
            detail += f"\n- ... and {more} more"
        super().__init__(message + detail)


class UnreadableFileError(MapvizError, ValueError):
    """A file is empty, of an unknown type, or not what its extension says."""


class ParameterError(MapvizError, ValueError):
    """A parameter (range, site, filter) is outside what mapviz can compute."""
