"""File plumbing the service modules share: a local path for a stored file, storing a result, deleting files."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db.models.fields.files import FieldFile

from creators.models import Video

logger = logging.getLogger(__name__)


@contextmanager
def local_path(field_file: FieldFile) -> Iterator[Path]:
    """A local path for a stored file: the file itself on disk storage, else a temporary copy."""
    name = field_file.name or ""
    try:
        local = field_file.storage.path(name)
    except NotImplementedError:
        local = None
    if local is not None:
        yield Path(local)
        return
    suffix = Path(name).suffix
    with tempfile.NamedTemporaryFile(prefix="joyreel-media-", suffix=suffix) as handle:
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
