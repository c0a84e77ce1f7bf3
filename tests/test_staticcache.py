"""Content-addressed static files: names from hashes only, atomic, readable, bounded."""

from __future__ import annotations

import gc
import hashlib
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from mapviz import staticcache
from mapviz.staticcache import PrivateFolder, publish, sweep_private


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


def test_the_cache_is_bounded_in_bytes_across_its_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staticcache, "MAX_CACHE_BYTES", 2_500)
    private = tmp_path / "s-private"
    names = [
        publish(tmp_path if i % 2 else private, bytes([i]) * 1_000, prefix="strikes", root=tmp_path)
        for i in range(4)
    ]
    files = sorted(p for p in tmp_path.rglob("strikes-*"))
    assert sum(p.stat().st_size for p in files) <= 2_500
    assert {p.name for p in files} == set(names[-2:])  # the newest kept, wherever they are


def test_a_folder_swept_while_the_cache_is_measured_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another session's folder can be swept between listing the cache and walking into it: the
    # CI run of 81b2fd5 failed a test with FileNotFoundError from this walk.
    gone = PrivateFolder(tmp_path)
    publish(gone.path, b"theirs", prefix="strikes", root=tmp_path)
    real_scandir = os.scandir

    def racing_scandir(path: Any = ".") -> Any:  # shutil.rmtree passes a descriptor
        if not isinstance(path, int) and Path(path) == gone.path:
            gone.remove()  # listed in the cache a moment ago, gone now
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", racing_scandir)
    name = publish(tmp_path, b"ours", prefix="strikes")
    assert (tmp_path / name).read_bytes() == b"ours"
    assert not gone.path.exists()


def test_a_private_folder_goes_with_its_owner(tmp_path: Path) -> None:
    owner = PrivateFolder(tmp_path)
    assert owner.name.startswith("s-")
    assert len(owner.name) >= 32  # 24 random bytes
    publish(owner.path, b"x", prefix="strikes", root=tmp_path)
    assert owner.path.is_dir()
    path = owner.path
    del owner
    gc.collect()
    assert not path.exists()


def test_private_folders_unused_for_a_while_are_swept(tmp_path: Path) -> None:
    old, fresh = PrivateFolder(tmp_path), PrivateFolder(tmp_path)
    for owner in (old, fresh):
        publish(owner.path, b"x", prefix="strikes", root=tmp_path)
    shared = publish(tmp_path, b"y", prefix="strikes")
    os.utime(old.path, (time.time() - 100, time.time() - 100))
    fresh.touch()
    assert sweep_private(tmp_path, idle_s=50) == [old.name]
    assert not old.path.exists()
    assert fresh.path.is_dir()
    assert (tmp_path / shared).is_file()  # the shared files are not private folders


def test_only_the_named_folders_of_ended_sessions_are_swept(tmp_path: Path) -> None:
    ended, running = PrivateFolder(tmp_path), PrivateFolder(tmp_path)
    for owner in (ended, running):
        publish(owner.path, b"x", prefix="strikes", root=tmp_path)
        os.utime(owner.path, (time.time() - 10, time.time() - 10))
    assert sweep_private(tmp_path, idle_s=5, names=[ended.name, "s-gone"]) == [ended.name]
    assert not ended.path.exists()
    assert running.path.is_dir()  # as old, but its session has not ended
    assert sweep_private(tmp_path, idle_s=60, names=[running.name]) == []  # within the wait
