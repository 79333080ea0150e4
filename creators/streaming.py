"""The HLS ladder in storage: storing and deleting a ladder's files, and the playlists as a viewer gets them.

A ladder lives in default storage beside the video's other files, as
``videos/<public id>/stream-<version>-<token>/master.m3u8`` with a folder per rung (``v360/index.m3u8``,
its init segment and ``seg00000.m4s``...). ``Video.stream`` names the master playlist; it is set only once
every file is stored, so no player ever loads a half-stored ladder. Playlists are always served by the
site, through the same visibility check as the MP4; their segment URIs stay relative on disk (the site
serves the segments too) and become presigned URLs on object storage, so the bucket stays private.
"""

from __future__ import annotations

import logging
import posixpath
import re
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.urls import reverse

from creators import media
from creators.models import Video, stored_name

logger = logging.getLogger(__name__)

# What a viewer may ask for under a ladder's folder; anything else is not a file of ours.
_PART_PATTERN = re.compile(
    r"^(?:master\.m3u8|(?:v\d{1,4}|audio)/(?:index\.m3u8|init(?:_\d{1,2})?\.mp4|seg\d{5}\.m4s))$"
)
_EXTINF_PATTERN = re.compile(r"^#EXTINF:([0-9.]+)")


@dataclass(frozen=True, kw_only=True)
class StreamPart:
    """One file of a video's ladder as a request names it (``master.m3u8``, ``v360/seg00001.m4s``)."""

    relative: str
    storage_name: str

    @property
    def is_playlist(self) -> bool:
        return self.relative.endswith(".m3u8")

    @property
    def is_media_playlist(self) -> bool:
        return self.relative.endswith("/" + media.LADDER_MEDIA_PLAYLIST)

    @property
    def is_segment(self) -> bool:
        return self.relative.endswith(".m4s")

    @property
    def is_sound(self) -> bool:
        """A file of the sound's rendition, which plays beside a rung's pictures, never alone."""
        return self.relative.startswith(media.LADDER_AUDIO_FOLDER + "/")

    @property
    def content_type(self) -> str:
        if self.is_playlist:
            return "application/vnd.apple.mpegurl"
        return "video/iso.segment" if self.is_segment else "video/mp4"


def stream_part(*, video: Video, relative: str) -> StreamPart | None:
    """The stored file behind ``relative`` in the video's current ladder, or None for a name that is not
    one of a ladder's files (or a video without a ladder)."""
    if not video.stream.name or not _PART_PATTERN.match(relative):
        return None
    folder = posixpath.dirname(video.stream.name)
    return StreamPart(relative=relative, storage_name=f"{folder}/{relative}")


def start_names(*, video: Any) -> tuple[str, ...]:
    """What a player starting a video on its lowest rung fetches first, relative to the master playlist
    (`media.ladder_start_files`, with the sound's when it has any): the page hands these to the player
    so that it fetches them at once, beside the master playlist, instead of one after another. On object
    storage only the playlists: the presigned URLs of their segments are made when they are served, so
    no page can know them beforehand."""
    if not stored_name(video, "stream") or not video.width or not video.height:
        return ()
    names = media.ladder_start_files(width=video.width, height=video.height, audio=video.has_audio)
    if is_on_object_storage(video.stream.storage):
        return tuple(name for name in names if name.endswith("/" + media.LADDER_MEDIA_PLAYLIST))
    return names


def start_urls(*, video: Any) -> list[str]:
    """The site's URLs of `start_names`: what a page hands the player as `stream_start`."""
    return [
        reverse("creators:video_stream", args=[video.public_id, video.rendition_version, name])
        for name in start_names(video=video)
    ]


def is_on_object_storage(storage: Any) -> bool:
    """Whether the storage's files have no local path (S3): then viewers fetch them by presigned URL.
    Asked once per kind of storage (a feed page asks for each of its videos)."""
    kind = storage.__class__  # a lazy default storage answers with the class it stands for
    if kind not in _ON_OBJECT_STORAGE:
        try:
            storage.path("probe")
        except NotImplementedError:
            _ON_OBJECT_STORAGE[kind] = True
        else:
            _ON_OBJECT_STORAGE[kind] = False
    return _ON_OBJECT_STORAGE[kind]


_ON_OBJECT_STORAGE: dict[type, bool] = {}


def playlist_for_viewer(*, storage: Any, part: StreamPart) -> str:
    """A stored playlist as a viewer gets it: on object storage, a media playlist's init and segment
    URIs become the storage's own (presigned) URLs; otherwise it is served as stored (relative URIs that
    resolve to the site's segment URLs)."""
    with storage.open(part.storage_name, "rb") as handle:
        text = str(handle.read().decode("utf-8"))
    if not part.is_media_playlist or not is_on_object_storage(storage):
        return text
    folder = posixpath.dirname(part.storage_name)
    names = set(media.media_playlist_files(text=text))
    lines = []
    for line in text.splitlines():
        if line.startswith("#EXT-X-MAP:"):
            match = re.search(r'URI="([^"]+)"', line)
            if match is not None and match.group(1) in names:
                url = storage.url(f"{folder}/{match.group(1)}")
                line = f'#EXT-X-MAP:URI="{url}"'
        elif line in names:
            line = storage.url(f"{folder}/{line}")
        lines.append(line)
    return "\n".join(lines) + "\n"


def segment_seconds(*, storage: Any, part: StreamPart) -> float | None:
    """How long a media segment plays, from its rung's playlist (what screen time counts it as)."""
    playlist = f"{posixpath.dirname(part.storage_name)}/{media.LADDER_MEDIA_PLAYLIST}"
    name = posixpath.basename(part.storage_name)
    with storage.open(playlist, "rb") as handle:
        lines = handle.read().decode("utf-8").splitlines()
    seconds = None
    for line in lines:
        match = _EXTINF_PATTERN.match(line)
        if match:
            seconds = float(match.group(1))
        elif line == name:
            return seconds
    return None


def ladder_store(*, video: Video, ladder: media.Ladder, folder_name: str) -> str:
    """Copy a finished ladder into the video's folder in storage, the master playlist last; return the
    master's storage name. On any failure the files already copied are deleted again."""
    storage = video.stream.storage
    base = f"videos/{video.public_id.hex}/{folder_name}"
    saved: list[str] = []
    try:
        for path in ladder.files():
            wanted = f"{base}/{path.relative_to(ladder.folder).as_posix()}"
            with path.open("rb") as handle:
                name = str(storage.save(wanted, File(handle)))
            saved.append(name)
            if name != wanted:  # the playlists name their parts; a renamed part would be lost
                raise OSError(f"storage renamed {wanted} to {name}")
    except BaseException:
        ladder_delete(storage=storage, master_name=None, names=saved)
        raise
    return f"{base}/{media.LADDER_MASTER}"


def ladder_delete(*, storage: Any, master_name: str | None, names: list[str] | None = None) -> None:
    """Delete a stored ladder: every file in the master playlist's folder (or just ``names``)."""
    if names is None:
        names = []
        if master_name:
            names = _files_under(storage=storage, folder=posixpath.dirname(master_name))
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete media file %s", name)


def _files_under(*, storage: Any, folder: str) -> list[str]:
    try:
        folders, files = storage.listdir(folder)
    except (OSError, FileNotFoundError):
        return []
    names = [f"{folder}/{name}" for name in files]
    for sub in folders:
        names += _files_under(storage=storage, folder=f"{folder}/{sub}")
    # The master first: a player that still holds the old URL stops finding the ladder at once.
    return sorted(names, key=lambda name: not name.endswith("/" + media.LADDER_MASTER))
