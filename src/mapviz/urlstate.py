"""The link's state: one table of the parameters a link may carry, and their checks. UI-free.

A link (the page's address) restores the range sliders, the launch points, the filters, the
view and the open section. Its values are checked here, once, against `URL_PARAMETERS`: the same
table gives the widgets their bounds and defaults (app.py, ui/) and the map's sliders theirs
(`mapviz.mapcomponent.SLIDERS`). Nothing from a link is trusted: a value that cannot be used is
ignored and said in a note, as text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from mapviz.limits import MAX_TEXT_CHARS

NOTE_VALUE_CHARS: Final = 40
"""A note quotes at most this many characters of a value (the rest is not shown)."""


@dataclass(frozen=True)
class NumberParameter:
    """A number a link may carry: its name, bounds, default and widget step.

    `whole_steps`: only whole multiples of `step` are taken (the map's range sliders, which
    have no other values); otherwise any number within the bounds (Streamlit's own slider
    takes those from a link).
    """

    name: str
    low: int
    high: int
    default: int
    step: int
    whole_steps: bool = False

    def takes(self, value: object) -> int | float | None:
        """Return `value` if this parameter takes it (as an int when it is whole), else None.

        Parameters
        ----------
        value : object
            A number (a text, a bool or None is not one).

        Returns
        -------
        int or float or None
            The value if it is a finite number within [`low`, `high`] and, with `whole_steps`,
            a whole multiple of `step`; else None.
        """
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if not math.isfinite(value) or not self.low <= value <= self.high:
            return None
        whole = value == int(value)
        if self.whole_steps and (not whole or value % self.step):
            return None
        return int(value) if whole else value

    def problem(self, text: str) -> str | None:
        """Return why the link's `text` cannot be this parameter's value, or None if it can.

        Parameters
        ----------
        text : str
            One value of the parameter in the link.

        Returns
        -------
        str or None
            A note for the person (quoting at most `NOTE_VALUE_CHARS` of `text`), or None.
        """
        shown = f"{self.name}={text[:NOTE_VALUE_CHARS]}"
        number = _number(text)
        if number is None or not self.low <= number <= self.high:
            return f"{shown}: not a number from {self.low} to {self.high}; ignored"
        if self.takes(number) is None:
            return f"{shown}: not a multiple of {self.step}; ignored"
        return None


@dataclass(frozen=True)
class TextParameter:
    """A text a link may carry (a bound widget's value: Streamlit checks its options)."""

    name: str
    max_chars: int = MAX_TEXT_CHARS


MAX_KM: Final = NumberParameter("max_km", 10, 5000, 800, 10, whole_steps=True)
"""The max range slider."""
MIN_KM: Final = NumberParameter("min_km", 0, MAX_KM.high, 380, MAX_KM.step, whole_steps=True)
"""The min range slider (0: no min ring): the map's two sliders share their top and step."""
UNCERTAINTY_KM: Final = NumberParameter("unc", 0, 300, 50, 5)
"""The launch areas' uncertainty radius slider."""
_TEXTS: Final = tuple(
    TextParameter(name) for name in ("sites", "custom", "from", "to", "attr", "view", "tab")
)
_NUMBERS: Final = (MIN_KM, MAX_KM, UNCERTAINTY_KM)
URL_PARAMETERS: Final[dict[str, NumberParameter | TextParameter]] = {
    **{p.name: p for p in _NUMBERS},
    **{p.name: p for p in _TEXTS},
}
"""Every parameter a link may carry; any other is removed from it, with a note."""


@dataclass(frozen=True)
class LinkCheck:
    """What checking a link found: notes for the person, and parameters to remove from it."""

    notes: tuple[str, ...]
    removed: tuple[str, ...]


def check_link(query: Mapping[str, Sequence[str]]) -> LinkCheck:
    """Check a link's parameters against `URL_PARAMETERS`.

    Parameters
    ----------
    query : mapping of str to sequence of str
        The link's parameters: each name with its values (a name may be repeated).

    Returns
    -------
    LinkCheck
        A note for each value that will be ignored, and the names to remove from the link:
        unknown ones, and texts longer than their `max_chars` (a widget would show and use
        their first characters).
    """
    notes: list[str] = []
    removed: list[str] = []
    for name, values in query.items():
        parameter = URL_PARAMETERS.get(name)
        if isinstance(parameter, NumberParameter):
            notes += [note for note in map(parameter.problem, values) if note]
        elif parameter is None:
            shown = ", ".join(v[:NOTE_VALUE_CHARS] for v in values)[:120]
            notes.append(
                f"unknown parameter {name[:NOTE_VALUE_CHARS]}={shown}: ignored and removed"
            )
            removed.append(name)
        elif any(len(v) > parameter.max_chars for v in values):
            notes.append(f"{name}: longer than {parameter.max_chars} characters; ignored")
            removed.append(name)
    return LinkCheck(tuple(notes), tuple(removed))


def link_km(query: Mapping[str, str], parameter: NumberParameter) -> int:
    """Return the km a link gives a range slider, or the slider's default.

    Parameters
    ----------
    query : mapping of str to str
        The link's parameters (the last value of each).
    parameter : NumberParameter
        `MIN_KM` or `MAX_KM`.

    Returns
    -------
    int
        The link's value if the slider takes it, else `parameter.default`.
    """
    value = parameter.takes(_number(query.get(parameter.name, "")))
    return parameter.default if value is None else int(value)


def range_in_link(min_km: int, max_km: int) -> dict[str, str]:
    """Return the link's range parameters for a range: those that differ from the defaults.

    Parameters
    ----------
    min_km, max_km : int
        The range sliders' values.

    Returns
    -------
    dict of str to str
        `min_km` and `max_km` as text, each only if it is not its slider's default.
    """
    return {p.name: str(km) for p, km in ((MIN_KM, min_km), (MAX_KM, max_km)) if km != p.default}


def _number(text: str) -> float | None:
    """Return the finite number `text` spells, or None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
