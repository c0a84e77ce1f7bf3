"""Content-addressed static files: names from hashes only, atomic, readable, bounded."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest

from mapviz import staticcache
from mapviz.staticcache import publish


def test_publish_names_files_by_content(tmp_path: Path) -> None:
    name = publish(tmp_path, b"[1,2,3]", prefix="strikes")
    digest = hashlib.sha256(b"[1,2,3]").hexdigest()[:32]
    assert name == f"strikes-{digest}.json"
    assert (tmp_path / name).read_bytes() == b"[1,2,3]"
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
    assert publish(tmp_path, b"[1,2,3]", prefix="strikes") == name  # same content, same file


def test_old_files_of_a_prefix_are_evicted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staticcache, "MAX_FILES_PER_PREFIX", 3)
    strikes = publish(tmp_path, b"strikes", prefix="strikes")
    names = [publish(tmp_path, str(i).encode(), prefix="uncertainty") for i in range(6)]
    remaining = sorted(p.name for p in tmp_path.iterdir())
    assert len([n for n in remaining if n.startswith("uncertainty-")]) == 3
    assert names[-1] in remaining
    assert strikes in remaining  # circles churning with launch point edits never evict strikes
    assert not any(p.name.startswith(".tmp-") for p in tmp_path.iterdir())
