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
import tempfile
from pathlib import Path
from typing import Final

PUBLIC_FILE_MODE: Final = 0o644
MAX_FILES_PER_PREFIX: Final = 256
"""Oldest files of a prefix beyond this many are deleted when a new one of it is written (the
uncertainty circles change with every edit of the launch points, the strike layers only with the
data and filters: one kind never evicts the other)."""


def publish(folder: Path, payload: bytes, *, prefix: str, suffix: str = ".json") -> str:
    """Write `payload` to `folder` under a content hash name and return that file name.

    Writing is atomic (temporary file, then rename), so concurrent sessions publishing the same
    content never see a partial file.
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
    return name


def _evict(folder: Path, *, prefix: str, keep: str) -> None:
    files = []
    for path in folder.glob(f"{prefix}-*"):
        with contextlib.suppress(FileNotFoundError):  # another session may evict it first
            files.append((path.stat().st_mtime, path))
    files.sort()
    for _, old in files[: max(0, len(files) - MAX_FILES_PER_PREFIX)]:
        if old.name != keep:
            old.unlink(missing_ok=True)
