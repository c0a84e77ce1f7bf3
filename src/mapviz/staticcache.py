"""Content-addressed files for layers the browser should fetch once instead of on every rerun.

Large layers (strike points) are written as JSON under the app's static folder, named by the
SHA-256 of their content, and referenced from the map by URL. A slider move then re-sends only the
small parts of the map that changed. File names come only from hashes, never from data or URLs.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Final

PUBLIC_FILE_MODE: Final = 0o644
MAX_CACHE_FILES: Final = 64
"""Oldest files beyond this many are deleted when a new one is written."""


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
    _evict(folder, keep=name)
    return name


def _evict(folder: Path, *, keep: str) -> None:
    files = sorted(
        (p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
    )
    for old in files[: max(0, len(files) - MAX_CACHE_FILES)]:
        if old.name != keep:
            old.unlink(missing_ok=True)
