"""Content-addressed files for layers the browser should fetch once instead of on every rerun.

Layers that do not follow the range sliders (strike points or their image, the hypothetical
areas, the launch areas' uncertainty circles) are written under the app's static folder, named by
the SHA-256 of their content, and referenced from the map by URL, so a slider move re-sends only
the rings. File names come only from fixed prefixes and hashes, never from data or URLs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import tempfile
import time
import weakref
from collections.abc import Collection
from pathlib import Path
from typing import Final

from mapviz.limits import MAX_CACHE_BYTES, MAX_FILES_PER_PREFIX

PUBLIC_FILE_MODE: Final = 0o644


PRIVATE_PREFIX: Final = "s-"


def publish(
    folder: Path, payload: bytes, *, prefix: str, suffix: str = ".json", root: Path | None = None
) -> str:
    """Write `payload` to `folder` under a name made of its content's hash.

    Writing is atomic (temporary file, then rename), so concurrent sessions publishing the same
    content never see a partial file.

    Parameters
    ----------
    folder : Path
        The folder of the cache to write to (made if missing).
    payload : bytes
        The file's content.
    prefix, suffix : str
        The name's start and end ("strikes", ".bin").
    root : Path, optional
        The cache that holds `folder` (`folder` itself by default), kept under
        `MAX_CACHE_BYTES`.

    Returns
    -------
    str
        The file's name in `folder`.
    """
    name = f"{prefix}-{hashlib.sha256(payload).hexdigest()[:32]}{suffix}"
    target = folder / name
    if target.exists():
        return name
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(handle, "wb") as out:
        out.write(payload)
    Path(temporary).chmod(PUBLIC_FILE_MODE)
    Path(temporary).replace(target)
    _evict(folder, prefix=prefix, keep=name)
    _bound_bytes(root or folder, keep=target)
    return name


def _bound_bytes(root: Path, *, keep: Path) -> None:
    """Delete the oldest files under `root` until it holds at most MAX_CACHE_BYTES."""
    files = []
    # Other sessions publish, evict and sweep their folders meanwhile: os.walk skips a folder
    # gone between listing and entering it (pathlib's rglob raises), and a file gone is skipped.
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            with contextlib.suppress(FileNotFoundError):
                if not name.startswith(".tmp-"):
                    info = path.stat()
                    files.append((info.st_mtime, info.st_size, path))
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files, key=lambda f: f[0]):
        if total <= MAX_CACHE_BYTES:
            break
        if path != keep:
            path.unlink(missing_ok=True)
            total -= size


class PrivateFolder:
    """A folder of the cache that one session owns, under an unguessable name.

    It is deleted when `remove` is called, by `sweep_private` (the app sweeps the folders of
    sessions that have ended, and any unused for long), or when this object is garbage-collected
    (a server frees a closed session's state late, if at all, so this is only a backstop).
    """

    def __init__(self, root: Path) -> None:
        self.name = PRIVATE_PREFIX + secrets.token_urlsafe(24)
        self.path = root / self.name
        self._remove = weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)

    def touch(self) -> None:
        """Mark the folder as in use now (its session is running)."""
        with contextlib.suppress(FileNotFoundError):
            os.utime(self.path)

    def remove(self) -> None:
        """Delete the folder and its files now."""
        self._remove()


def sweep_private(root: Path, *, idle_s: float, names: Collection[str] | None = None) -> list[str]:
    """Delete the private folders under `root` unused for `idle_s` seconds; return their names.

    Parameters
    ----------
    root
        The cache folder that holds the private folders.
    idle_s
        A folder is deleted once it has not been used (`PrivateFolder.touch`) for this long.
    names
        Only these folders (those of sessions that have ended), or all of them (None).

    Returns
    -------
    list of str
        The names of the folders deleted.
    """
    cutoff = time.time() - idle_s
    swept = []
    paths = root.glob(PRIVATE_PREFIX + "*") if names is None else (root / n for n in names)
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            if path.is_dir() and path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True)
                swept.append(path.name)
    return swept


def _evict(folder: Path, *, prefix: str, keep: str) -> None:
    files = []
    for path in folder.glob(f"{prefix}-*"):
        with contextlib.suppress(FileNotFoundError):  # another session may evict it first
            files.append((path.stat().st_mtime, path))
    files.sort()
    for _, old in files[: max(0, len(files) - MAX_FILES_PER_PREFIX)]:
        if old.name != keep:
            old.unlink(missing_ok=True)
