"""Reading uploads in another process: the same result, its errors, and its limits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mapviz.errors import DataValidationError, UnreadableFileError
from mapviz.loaders import read_strikes
from mapviz.worker import read_strikes_isolated

DATA = Path(__file__).parent / "data"


def rows(count: int) -> bytes:
    lines = (f"r{i},2024-01-02,Kharkiv,50.{i % 1000:03d},36.2\n" for i in range(count))
    return ("id,date,place,lat,lon\n" + "".join(lines)).encode()


def test_the_same_strikes_and_problems_as_in_process() -> None:
    data = (DATA / "bad_rows.csv").read_bytes()
    here = read_strikes(DATA / "bad_rows.csv")
    there = read_strikes_isolated("bad_rows.csv", data)
    assert there.problems == here.problems
    assert there.strikes.equals(here.strikes)
    mapped = read_strikes_isolated(
        "m.csv", b"id,y,x,where\na,50,36.2,Kharkiv\n", {"lat": "y", "lon": "x", "place": "where"}
    )
    assert mapped.strikes["place"].tolist() == ["Kharkiv"]


def test_errors_come_back_with_their_problems() -> None:
    with pytest.raises(DataValidationError) as info:
        read_strikes_isolated("x.csv", b"id,lat,lon\na,inf,36\n")
    assert info.value.summary == "x.csv: none of its 1 data rows can be used"
    assert [(p.row, p.field) for p in info.value.problems] == [(1, "lat")]
    with pytest.raises(UnreadableFileError, match=re.escape("x.csv: the file is empty")):
        read_strikes_isolated("x.csv", b"  ")


def test_a_file_over_the_time_limit_is_refused() -> None:
    message = re.escape("took longer than the limit of 0.2 s; refused")
    with pytest.raises(UnreadableFileError, match=message):
        read_strikes_isolated("slow.csv", rows(300_000), timeout_s=0.2)


def test_a_file_over_the_memory_limit_is_refused() -> None:
    with pytest.raises(UnreadableFileError, match="the memory limit of 512 MB; refused"):
        read_strikes_isolated("big.csv", rows(100_000), memory_bytes=512 * 2**20)
