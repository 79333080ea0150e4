"""File plumbing the service modules share: a local path for a stored file, storing a result, deleting files."""

from __future__ import annotations

import fcntl
import logging
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db.models.fields.files import FieldFile

from creators.models import Video

logger = logging.getLogger(__name__)


@contextmanager
def work_dir(*, label: str) -> Iterator[Path]:
    """A scratch folder for one run of media work, removed when the run ends.

    It sits under ``VIDEO_WORK_DIR`` and holds a lock on its ``.lock`` file while the run lives; the
    kernel drops the lock when the process dies (even by SIGKILL), which is how ``work_dirs_clean``
    tells a dead run's leftovers from a live one's.
    """
    root = Path(settings.VIDEO_WORK_DIR)
    root.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix=f"{label}-", dir=root) as folder,
        (Path(folder) / ".lock").open("wb") as lock,
    ):
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield Path(folder)


def work_dirs_clean() -> int:
    """Remove the scratch folders whose run died (nobody holds their lock); how many were removed."""
    root = Path(settings.VIDEO_WORK_DIR)
    removed = 0
    for folder in root.iterdir() if root.is_dir() else ():
        try:
            with (folder / ".lock").open("rb") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live run's
        except FileNotFoundError:
            # A run killed before it took its lock, or one taking it right now: only an old one is dead.
            if time.time() - folder.stat().st_mtime < settings.VIDEO_WORK_LEASE_SECONDS:
                continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


@contextmanager
def local_path(field_file: FieldFile, *, scratch: Path | None = None) -> Iterator[Path]:
    """A local path for a stored file: the file itself on disk storage, else a temporary copy (in
    ``scratch`` when given)."""
    name = field_file.name or ""
    try:
        local = field_file.storage.path(name)
    except NotImplementedError:
        local = None
    if local is not None:
        yield Path(local)
        return
    suffix = Path(name).suffix
    with tempfile.NamedTemporaryFile(prefix="joyreel-media-", suffix=suffix, dir=scratch) as handle:
        with field_file.storage.open(name, "rb") as source:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                handle.write(chunk)
        handle.flush()
        yield Path(handle.name)


def files_delete(storage: Any, names: Iterable[str | None]) -> None:
    for name in names:
        if name:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not delete media file %s", name)


def store(video: Video, field: str, source: Path, filename: str) -> str:
    storage = getattr(video, field).storage
    with source.open("rb") as handle:
        return str(storage.save(f"videos/{video.public_id.hex}/{filename}", File(handle)))
