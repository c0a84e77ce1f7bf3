"""Reading an uploaded file in a separate process, with a time and a memory limit.

The dashboard reads uploads here, not in its own process: a file that would take minutes or
gigabytes to read (a hostile one, or a very large one) is stopped at the limit and refused with a
message saying which limit. Parsing no longer competes with the server's other sessions for the
interpreter lock, though handing a large result back still does (docs/BENCHMARKS.md: the health
endpoint's slowest answer during a million-row upload was no faster). Processes start from a
fork server that has already imported the loaders, so an upload waits tens of milliseconds for
its process, not the seconds those imports take.
"""

from __future__ import annotations

import io
import multiprocessing
import resource
from collections.abc import Mapping
from multiprocessing.connection import Connection
from typing import Final

import geopandas as gpd
import pandas as pd

from mapviz.errors import DataValidationError, MapvizError, ParameterError, UnreadableFileError
from mapviz.limits import READ_MEMORY_BYTES, READ_TIMEOUT_S
from mapviz.loaders import LoadResult, read_strikes

_CONTEXT: Final = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["mapviz.loaders"])
_ERRORS: Final[dict[str, type[MapvizError]]] = {
    cls.__name__: cls for cls in (UnreadableFileError, ParameterError, MapvizError)
}


class _Named(io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def _read_in_child(
    conn: Connection, name: str, data: bytes, mapping: dict[str, str], memory_bytes: int
) -> None:
    """Read the file under the memory limit; send back the result or what went wrong."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        result = read_strikes(_Named(data, name), mapping=mapping)
    except DataValidationError as exc:
        conn.send(("invalid", exc.summary, list(exc.problems)))
    except MapvizError as exc:
        conn.send(("error", type(exc).__name__, str(exc)))
    except MemoryError:
        conn.send(("memory", "", ""))
    else:
        # Points travel as two float arrays, not as pickled geometries (4 s of a million rows)
        strikes = result.strikes
        table = pd.DataFrame(strikes.drop(columns=strikes.geometry.name))
        xy = (strikes.geometry.x.to_numpy(), strikes.geometry.y.to_numpy())
        conn.send(("ok", (table, xy, str(strikes.crs)), result.problems))
    conn.close()


def read_strikes_isolated(
    name: str,
    data: bytes,
    mapping: Mapping[str, str] | None = None,
    *,
    timeout_s: float = READ_TIMEOUT_S,
    memory_bytes: int = READ_MEMORY_BYTES,
) -> LoadResult:
    """Return `read_strikes` of `data` (a file called `name`), read in another process.

    Parameters
    ----------
    name : str
        The file's name; its extension says its format.
    data : bytes
        The file's content.
    mapping : mapping of str to str, optional
        Field name to column name, as `read_strikes` takes it.
    timeout_s : float, keyword-only
        Seconds the reading may take.
    memory_bytes : int, keyword-only
        Address space the reading process may use.

    Returns
    -------
    LoadResult
        What `read_strikes` returns.

    Raises
    ------
    UnreadableFileError
        The file is unreadable, or reading it went over the time or memory limit.
    DataValidationError
        As `read_strikes` raises it, with its problems.
    """
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(
        target=_read_in_child,
        args=(sender, name, data, dict(mapping or {}), memory_bytes),
        daemon=True,
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise UnreadableFileError(
                f"{name}: reading it took longer than the limit of {timeout_s:g} s; refused"
            )
        kind, first, second = receiver.recv()
    except EOFError:
        process.join(5)
        raise UnreadableFileError(
            f"{name}: reading it stopped (exit code {process.exitcode}), most likely at the "
            f"memory limit of {memory_bytes / 2**20:,.0f} MB; refused"
        ) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if kind == "ok":
        table, (x, y), crs = first
        strikes = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(x, y), crs=crs)
        return LoadResult(strikes, second)
    if kind == "invalid":
        raise DataValidationError(first, second)
    if kind == "memory":
        raise UnreadableFileError(
            f"{name}: reading it needs more than the memory limit of "
            f"{memory_bytes / 2**20:,.0f} MB; refused"
        )
    raise _ERRORS.get(first, MapvizError)(second)
