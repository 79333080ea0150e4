"""Every ffmpeg job Joyreel runs on creator uploads: probe, poster, trim preview and the publish encode.

The uploads are untrusted, so every input goes through the same door (`_input_args`): the
magic bytes are sniffed first, the demuxer is forced, only the `file` protocol is allowed,
the path is passed as `file:<absolute path>`, decoders get a pixel cap and every run has a
timeout. Limits arrive as keyword arguments; this module reads no settings.
The developer tooling outside the apps (``devtools.testclips``: test clips, benchmark counts) uses
the same door through ``ffmpeg_write`` and ``ffmpeg_read``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import re
import shutil
import subprocess
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import imageio_ffmpeg
from django.utils.translation import gettext_noop
from moviepy.video.io.ffmpeg_reader import FFmpegInfosParser
from PIL import Image

# The publish encode. Tuples so nobody appends to the shared value by accident.
PUBLISH_VIDEO_ARGS: tuple[str, ...] = (
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-crf",
    "23",
    "-profile:v",
    "high",
    "-pix_fmt",
    "yuv420p",
)
PUBLISH_AUDIO_ARGS: tuple[str, ...] = ("-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2")
PUBLISH_MAX_SHORT_SIDE = 1080
PUBLISH_KEYFRAME_SECONDS = 2.0

PREVIEW_VIDEO_ARGS: tuple[str, ...] = (
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-crf",
    "28",
    "-pix_fmt",
    "yuv420p",
)
PREVIEW_AUDIO_ARGS: tuple[str, ...] = ("-c:a", "aac", "-b:a", "96k")
PREVIEW_MAX_SHORT_SIDE = 540
# The trim editor scrubs the preview; a keyframe every second keeps seeking snappy.
PREVIEW_KEYFRAME_SECONDS = 1.0

# The trim editor's strip of thumbnails: one JPEG row of square tiles, spread evenly over the video.
FILMSTRIP_FRAMES = 16
FILMSTRIP_TILE_PIXELS = 80
FILMSTRIP_JPEG_QSCALE = 5

POSTER_MAX_LONG_SIDE = 720
POSTER_JPEG_QUALITY = 85

# Display-matrix rotation is only meaningful for right angles; anything else is refused.
RIGHT_ANGLES = (0, 90, 180, 270)

_DEMUXERS = {"mov": "mov", "matroska": "matroska"}
_STDERR_TAIL_CHARS = 2000
# ffmpeg allocates frames at the codec's aligned size (h264 pads to 16 px and adds 2 rows), so
# the decoder cap derived from a probed size gets one 64 px block of slack on each side.
_DECODER_ALIGNMENT = 64
# While probing the size is not known yet; the cap only has to stop a huge bitstream from
# being decoded, the exact limit is checked against the declared size afterwards.
_PROBE_DECODER_CAP_FACTOR = 2
# The demux pass is allowed to end this much before the declared duration (rounding,
# unequal track lengths); a file cut during upload ends far earlier.
_TRUNCATION_TOLERANCE_SECONDS = 0.5
_TRUNCATION_TOLERANCE_RATIO = 0.02
# Messages the demuxers print when a file is cut short or has damaged packets.
_DAMAGE_MARKERS = (
    "partial file",
    "file ended prematurely",
    "packet corrupt",
    "corrupt input packet",
    "moov atom not found",
)
# Image formats that use ISO-BMFF boxes; ffmpeg's mov demuxer would read them, but they are
# pictures, and saying so is the more helpful refusal.
_IMAGE_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"})


class MediaError(Exception):
    """A file that cannot be used: `reason` is for people, `detail` (ffmpeg's stderr tail) for logs."""

    def __init__(self, reason: str, *, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, kw_only=True)
class ProbeResult:
    """What an upload contains. `width` and `height` are the display size, after rotation."""

    container: str
    duration: float
    width: int
    height: int
    # Clockwise degrees a player turns the stored frames, as phones write it (the legacy
    # `rotate` tag; ffmpeg prints the same matrix as a counter-clockwise "rotation of -90").
    rotation: int
    fps: float
    video_codec: str
    pixel_format: str
    has_audio: bool
    audio_codec: str | None

    @property
    def is_browser_playable(self) -> bool:
        return (
            self.container == "mov"
            and self.video_codec == "h264"
            and self.pixel_format == "yuv420p"
            and self.audio_codec in (None, "aac")
        )


# The probe's fields, declared once by the dataclass above; the Video model stores each in a
# column of the same name.
PROBE_FIELDS: tuple[str, ...] = tuple(field.name for field in dataclasses.fields(ProbeResult))


def sniff_container(*, path: Path) -> str:
    """Return "mov" (ISO-BMFF) or "matroska" (EBML) from the magic bytes, or refuse the file."""
    if not path.is_file():
        # Not only missing files: a FIFO or device would block or never end.
        raise MediaError(gettext_noop("The upload could not be found."))
    with path.open("rb") as handle:
        head = handle.read(16)
    if not head:
        raise MediaError(gettext_noop("The file is empty."))
    if len(head) >= 12 and head[4:8] == b"ftyp":
        if head[8:12] in _IMAGE_BRANDS:
            raise MediaError(gettext_noop("This file is a picture, not a video."))
        return "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"
    raise MediaError(_refusal_for(head=head))


def probe(*, path: Path, max_seconds: float, max_pixels: int, timeout: float = 30) -> ProbeResult:
    """Read the header, enforce the limits, then demux every packet to prove the file is whole.

    Nothing is decoded beyond ffmpeg's own stream detection (which runs under a pixel cap)
    before the declared size and duration have passed the limits.
    """
    if max_seconds <= 0 or max_pixels <= 0:
        raise ValueError("max_seconds and max_pixels must be positive")
    container = sniff_container(path=path)
    deadline = _Deadline(seconds=timeout)
    decoder_cap = max_pixels * _PROBE_DECODER_CAP_FACTOR

    header = _run(
        argv=[*_input_args(path=path, container=container, max_pixels=decoder_cap)],
        timeout=deadline.remaining(),
    )
    header_text = header.stderr.decode("utf-8", errors="replace")
    info = _parse_header(text=header_text)
    declared_duration = info.duration

    if declared_duration is not None and declared_duration > max_seconds:
        raise MediaError(_too_long(seconds=declared_duration, max_seconds=max_seconds))
    if info.width * info.height > max_pixels:
        raise MediaError(
            f"The video resolution {info.width}x{info.height} is larger than allowed "
            f"({max_pixels:,} pixels at most).",
        )

    demux = _run(
        argv=[
            *_input_args(path=path, container=container, max_pixels=decoder_cap),
            "-map",
            "0:V:0",
            "-map",
            "0:a:0?",
            "-c",
            "copy",
            "-f",
            "null",
            "-",
        ],
        timeout=deadline.remaining(),
    )
    demux_text = demux.stderr.decode("utf-8", errors="replace")
    lowered = demux_text.lower()
    if demux.returncode != 0 or any(marker in lowered for marker in _DAMAGE_MARKERS):
        raise MediaError(_DAMAGED, detail=_tail(demux_text))
    packets = _last_int(pattern=_FRAME_PATTERN, text=demux_text)
    demuxed_seconds = _last_time(text=demux_text)
    if not packets or demuxed_seconds is None:
        raise MediaError(gettext_noop("The video contains no frames."), detail=_tail(demux_text))

    duration = declared_duration if declared_duration is not None else demuxed_seconds
    if duration <= 0:
        raise MediaError(gettext_noop("The video has no length."), detail=_tail(header_text))
    tolerance = _TRUNCATION_TOLERANCE_SECONDS + _TRUNCATION_TOLERANCE_RATIO * duration
    if demuxed_seconds < duration - tolerance:
        raise MediaError(_DAMAGED, detail=_tail(demux_text))
    # A header can understate the length; the packets cannot.
    if max(duration, demuxed_seconds) > max_seconds:
        raise MediaError(_too_long(seconds=max(duration, demuxed_seconds), max_seconds=max_seconds))

    return ProbeResult(
        container=container,
        duration=duration,
        width=info.width,
        height=info.height,
        rotation=info.rotation,
        fps=info.fps,
        video_codec=info.video_codec,
        pixel_format=info.pixel_format,
        has_audio=info.audio_codec is not None,
        audio_codec=info.audio_codec,
    )


def make_poster(
    *,
    source: Path,
    destination: Path,
    probe: ProbeResult,
    at_seconds: float = 1.0,
    timeout: float = 60,
    is_chosen: bool = False,
) -> None:
    """Write an upright JPEG of the frame near `at_seconds` (never past the middle, unless `is_chosen`: a
    creator's chosen cover may be any frame up to the last), at most 720 px long."""
    _check_distinct(source=source, destination=destination)
    container = sniff_container(path=source)
    width, height = _fit_long_side(width=probe.width, height=probe.height, limit=POSTER_MAX_LONG_SIDE)
    deadline = _Deadline(seconds=timeout)
    # Header durations are rounded and some files end early: if the chosen instant yields
    # no frame, the first frame will do.
    latest = max(0.0, probe.duration - 1 / (probe.fps or 30)) if is_chosen else probe.duration / 2
    moments = [max(0.0, min(at_seconds, latest)), 0.0]
    frame = b""
    detail = ""
    for moment in dict.fromkeys(moments):
        # A pipe rather than a temp file: the image2 muxer treats `%` in file names as a
        # pattern, and there is nothing to clean up.
        result = _run(
            argv=[
                *_input_args(
                    path=source,
                    container=container,
                    max_pixels=_decoder_cap(probe=probe),
                    seek_seconds=moment,
                    autorotate=True,
                ),
                "-map",
                "0:V:0",
                "-frames:v",
                "1",
                "-vf",
                f"scale={width}:{height}",
                "-pix_fmt",
                "rgb24",
                "-c:v",
                "ppm",
                "-f",
                "image2pipe",
                "pipe:1",
            ],
            timeout=deadline.remaining(),
        )
        detail = _tail(result.stderr.decode("utf-8", errors="replace"))
        if result.returncode == 0 and result.stdout:
            frame = result.stdout
            break
    if not frame:
        raise MediaError(gettext_noop("No picture could be taken from the video."), detail=detail)

    try:
        with Image.open(BytesIO(frame), formats=["PPM"]) as image:
            image.convert("RGB").save(destination, format="JPEG", quality=POSTER_JPEG_QUALITY)
    except (OSError, ValueError) as error:
        destination.unlink(missing_ok=True)
        raise MediaError(
            gettext_noop("No picture could be taken from the video."), detail=str(error)
        ) from error


def make_preview(
    *,
    source: Path,
    destination: Path,
    probe: ProbeResult,
    filmstrip: Path | None = None,
    timeout: float = 600,
) -> None:
    """Write a browser-playable MP4 for the trim editor, copying the streams when they already play, and
    with `filmstrip` the editor's strip of thumbnails (see `preview_command`) from the same run.

    A filmstrip that came out empty is removed, not an error: the editor then shows its ruler only."""
    argv = preview_command(source=source, destination=destination, probe=probe, filmstrip=filmstrip)
    try:
        _run_to_file(argv=argv, destination=destination, timeout=timeout)
    except MediaError:
        if filmstrip is not None:
            filmstrip.unlink(missing_ok=True)
        raise
    if filmstrip is not None and filmstrip.is_file() and not _is_filmstrip(filmstrip):
        filmstrip.unlink()


def preview_command(
    *, source: Path, destination: Path, probe: ProbeResult, filmstrip: Path | None = None
) -> list[str]:
    """The argv `make_preview` runs: one input, read once, written to the preview and (with `filmstrip`)
    to a one-row JPEG sprite of `FILMSTRIP_FRAMES` square tiles spread evenly over the video.

    ffmpeg decodes an input stream once for all the outputs that use it: when the preview is encoded the
    sprite reuses its decoded frames; when the preview is a stream copy (nothing decoded before), only
    the keyframes are decoded for the sprite (`-skip_frame nokey`), a small part of the stream."""
    _check_distinct(source=source, destination=destination)
    container = sniff_container(path=source)
    audio_map = ["-map", "0:a:0"] if probe.has_audio else []
    sprite: list[str] = []
    if filmstrip is not None:
        _check_distinct(source=source, destination=filmstrip)
        if filmstrip.resolve() == destination.resolve():
            raise ValueError("the filmstrip and the preview must be different files")
        sprite = _filmstrip_output(path=filmstrip, probe=probe)
    if probe.is_browser_playable:
        # The display matrix travels with the copied stream and browsers honour it.
        keyframes_only = ["-skip_frame:v", "nokey"] if filmstrip is not None else []
        argv = [
            *_input_args(
                path=source, container=container, max_pixels=_decoder_cap(probe=probe), extra=keyframes_only
            ),
            "-map",
            "0:V:0",
            *audio_map,
            *_STRIP_METADATA_ARGS,
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
            _file_url(path=destination),
        ]
    else:
        width, height = _fit_short_side(width=probe.width, height=probe.height, limit=PREVIEW_MAX_SHORT_SIDE)
        audio_args = [*PREVIEW_AUDIO_ARGS] if probe.has_audio else ["-an"]
        argv = [
            *_input_args(
                path=source,
                container=container,
                max_pixels=_decoder_cap(probe=probe),
                autorotate=True,
            ),
            "-map",
            "0:V:0",
            *audio_map,
            *_STRIP_METADATA_ARGS,
            "-vf",
            f"scale={width}:{height}",
            *PREVIEW_VIDEO_ARGS,
            "-g",
            str(_gop(fps=probe.fps, seconds=PREVIEW_KEYFRAME_SECONDS)),
            *audio_args,
            "-sn",
            "-dn",
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
            _file_url(path=destination),
        ]
    return [*argv, *sprite]


def _filmstrip_output(*, path: Path, probe: ProbeResult) -> list[str]:
    """Output arguments for the filmstrip: a frame every duration/N seconds, centre-cropped to a square
    tile, the N tiles in one row, written once as a JPEG."""
    rate = FILMSTRIP_FRAMES / max(probe.duration, 0.1)
    tile = FILMSTRIP_TILE_PIXELS
    graph = (
        # The last frame held past the end, so that the final tiles are filled however few frames the
        # source has (with keyframes only, a few): the sprite always has every tile.
        f"tpad=stop_mode=clone:stop_duration={_seconds(value=max(probe.duration, 1.0))},"
        f"fps={rate:.6f}:round=down,"
        f"scale={tile}:{tile}:force_original_aspect_ratio=increase,crop={tile}:{tile},setsar=1,"
        f"tile={FILMSTRIP_FRAMES}x1"
    )
    return [
        "-map",
        "0:V:0",
        "-an",
        "-sn",
        "-dn",
        *_STRIP_METADATA_ARGS,
        "-vf",
        graph,
        "-frames:v",
        "1",
        "-c:v",
        "mjpeg",
        "-q:v",
        str(FILMSTRIP_JPEG_QSCALE),
        "-f",
        "mjpeg",
        _file_url(path=path),
    ]


def _is_filmstrip(path: Path) -> bool:
    try:
        with Image.open(path, formats=["JPEG"]) as image:
            return bool(image.size == (FILMSTRIP_FRAMES * FILMSTRIP_TILE_PIXELS, FILMSTRIP_TILE_PIXELS))
    except (OSError, ValueError):
        return False


def publish_command(
    *,
    source: Path,
    destination: Path,
    probe: ProbeResult,
    start: float,
    end: float,
) -> list[str]:
    """The exact argv `encode_range` runs: one ffmpeg pass, accurate seek, upright H.264/AAC MP4."""
    _check_range(probe=probe, start=start, end=end)
    container = sniff_container(path=source)
    width, height = _fit_short_side(width=probe.width, height=probe.height, limit=PUBLISH_MAX_SHORT_SIDE)
    length = _seconds(value=end - start)
    audio_map = ["-map", "0:a:0"] if probe.has_audio else []
    audio_args = ["-af", f"atrim=end={length}", *PUBLISH_AUDIO_ARGS] if probe.has_audio else ["-an"]
    return [
        # `-ss` before `-i` while transcoding decodes from the previous keyframe and drops
        # frames up to `start`, so the cut is frame-accurate at keyframe-seek speed.
        *_input_args(
            path=source,
            container=container,
            max_pixels=_decoder_cap(probe=probe),
            seek_seconds=start,
            autorotate=True,
        ),
        # The exact cut is the trim filters below: `-t` alone also drops a last frame whose
        # display would run past the end, which happens whenever `start` falls between
        # frames. One frame of slack here only tells ffmpeg when to stop reading.
        "-t",
        _seconds(value=end - start + 1 / _usable_fps(fps=probe.fps)),
        "-map",
        "0:V:0",
        *audio_map,
        *_STRIP_METADATA_ARGS,
        # Keeps the frames stamped in [start, end). Autorotate has already turned them upright
        # and dropped the display matrix, so the output needs no rotation tag.
        "-vf",
        f"trim=end={length},scale={width}:{height}",
        *PUBLISH_VIDEO_ARGS,
        "-g",
        str(_gop(fps=probe.fps, seconds=PUBLISH_KEYFRAME_SECONDS)),
        *audio_args,
        "-sn",
        "-dn",
        "-movflags",
        "+faststart",
        "-threads",
        "0",
        "-f",
        "mp4",
        _file_url(path=destination),
    ]


def encode_range(
    *,
    source: Path,
    destination: Path,
    probe: ProbeResult,
    start: float,
    end: float,
    timeout: float = 1800,
) -> None:
    """Encode `start`–`end` seconds of the source into the published MP4."""
    _check_distinct(source=source, destination=destination)
    argv = publish_command(source=source, destination=destination, probe=probe, start=start, end=end)
    _run_to_file(argv=argv, destination=destination, timeout=timeout)


# --- the adaptive-streaming ladder -------------------------------------------------------

# Short sides of the HLS ladder; a source never gets a rung above its own size.
LADDER_SHORT_SIDES: tuple[int, ...] = (360, 540, 720, 1080)
# Peak video bitrate per rung (kbit/s): CRF keeps easy scenes small, the cap keeps every rung's
# bandwidth predictable enough for the player to choose between them.
LADDER_MAX_KBPS: dict[int, int] = {360: 900, 540: 1600, 720: 3000, 1080: 5500}
LADDER_SEGMENT_SECONDS = 2.0
# Each segment is cut into fragments (moof+mdat) of about half a second, CMAF's "chunks": the player
# reads a segment as it arrives (hls.js `progressive`) and shows the first frame once the first
# fragment is in, not the whole segment (docs/media.md, benchmark_playback).
LADDER_FRAGMENT_SECONDS = 0.5
# The publish encode's settings; every rung has its own bitrate cap.
LADDER_VIDEO_ARGS = PUBLISH_VIDEO_ARGS
# The rungs below the top search motion more cheaply (diamond search, the quickest subpixel pass): they
# are 80 % of the top rung's pixels, and this keeps the ladder's encode within ~1.6x of the single MP4's
# for ~15 % more bytes on those rungs. The top rung is encoded exactly like the single MP4.
# One thread each: the top rung's encoder already keeps both cores busy, and three more frame-threaded
# encoders only added synchronisation (about 0.6 CPU s of a 20 s clip's ~17.5, same bytes).
LADDER_LOWER_RUNG_X264_PARAMS = "me=dia:subme=1:threads=1"
# The sound is encoded once, as its own rendition (`audio/`) that every rung's variant names as its
# `AUDIO` group: four identical AAC encodes had cost about 1 CPU s of a 20 s clip's ~18.
LADDER_AUDIO_FOLDER = "audio"
LADDER_AUDIO_GROUP = "audio"
LADDER_INIT = "init.mp4"
# Bilinear is swscale's area-aware downscaler here (its filter widens with the ratio): as sharp as the
# eye needs on a phone, cheaper than the default bicubic, and a little smaller once encoded.
LADDER_SCALER = "bilinear"
LADDER_MASTER = "master.m3u8"
LADDER_MEDIA_PLAYLIST = "index.m3u8"
_LADDER_SEGMENT_PATTERN = re.compile(r"^seg\d{5}\.m4s$")
_LADDER_INIT_PATTERN = re.compile(r"^init(?:_\d+)?\.mp4$")


@dataclass(frozen=True, kw_only=True)
class Rung:
    """One rendition of the ladder: its folder name (`v<short side>`) and exact size."""

    short_side: int
    width: int
    height: int

    @property
    def folder(self) -> str:
        return f"v{self.short_side}"


@dataclass(frozen=True, kw_only=True)
class Ladder:
    """A finished ladder on disk: `folder/master.m3u8`, and per rung `folder/v<side>/index.m3u8`, its
    init segment and its media segments."""

    folder: Path
    rungs: tuple[Rung, ...]
    audio: bool = False  # whether the sound is its own rendition, `folder/audio/`

    @property
    def top(self) -> Rung:
        return self.rungs[-1]

    @property
    def folders(self) -> list[str]:
        """The renditions' folders: every rung's, then the sound's."""
        return [rung.folder for rung in self.rungs] + ([LADDER_AUDIO_FOLDER] if self.audio else [])

    def files(self) -> list[Path]:
        """Every file of the ladder, the master playlist last (so a copy made in this order is never
        announced before its parts are there)."""
        parts = [path for name in self.folders for path in sorted((self.folder / name).iterdir())]
        return [*parts, self.folder / LADDER_MASTER]


def ladder_short_sides(*, width: int, height: int) -> list[int]:
    """The rungs' short sides for a picture of this size (either orientation), smallest first: every
    ladder size up to its short side, or one at its own size when it is smaller than the lowest."""
    short = min(width, height)
    return [side for side in LADDER_SHORT_SIDES if side <= short] or [short]


def ladder_start_files(*, width: int, height: int, audio: bool) -> tuple[str, ...]:
    """The files of a ladder a player starting on its lowest rung fetches first, relative to the master
    playlist: that rung's playlist, init segment and first segment, and the sound's, named as
    `encode_ladder` names them."""
    sides = ladder_short_sides(width=width, height=height)
    folders = [f"v{sides[0]}", *([LADDER_AUDIO_FOLDER] if audio else [])]
    return tuple(
        f"{folder}/{name}"
        for folder in folders
        for name in (LADDER_MEDIA_PLAYLIST, LADDER_INIT, "seg00000.m4s")
    )


def ladder_rungs(*, probe: ProbeResult) -> tuple[Rung, ...]:
    """The rungs for a source, smallest first: every ladder size up to the source's short side (a
    source smaller than the lowest rung gets one rung at its own size)."""
    sides = ladder_short_sides(width=probe.width, height=probe.height)
    rungs = []
    for side in sides:
        width, height = _fit_short_side(width=probe.width, height=probe.height, limit=side)
        rungs.append(Rung(short_side=side, width=width, height=height))
    return tuple(rungs)


def _ladder_scales(*, rungs: tuple[Rung, ...], trim: str) -> list[str]:
    """The filter graph's video part: the trimmed source to the top rung and to the next rung down; each
    rung below that is scaled from the picture of the rung above it, not from the source again. On a
    20 s 1080x1920 clip, downscaling the source three times cost 4.9 CPU s, scaling the two lowest rungs
    from the 720 picture 3.9, and from the next rung's picture another 0.4 CPU s less (the 360 rung
    ~5 % smaller)."""

    def scale(rung: Rung) -> str:
        return f"scale={rung.width}:{rung.height}:flags={LADDER_SCALER}"

    count = len(rungs)
    if count == 1:
        return [f"[0:V:0]{trim},{scale(rungs[0])}[v0]"]
    top = count - 1
    graph = [f"[0:V:0]{trim},split=2[s{top - 1}][s{top}]", f"[s{top}]{scale(rungs[top])}[v{top}]"]
    for index in range(top - 1, 0, -1):
        graph.append(f"[s{index}]{scale(rungs[index])},split=2[v{index}][s{index - 1}]")
    graph.append(f"[s0]{scale(rungs[0])}[v0]")
    return graph


def ladder_command(
    *,
    source: Path,
    destination: Path,
    probe: ProbeResult,
    start: float,
    end: float,
) -> list[str]:
    """The argv `encode_ladder` runs: the source decoded once, trimmed, split to every rung, encoded
    to H.264/AAC and cut by the HLS muxer into ~2 s fMP4 segments whose keyframes line up across rungs."""
    _check_range(probe=probe, start=start, end=end)
    if "%" in str(destination.resolve()):
        raise ValueError("the ladder folder's path must not contain %")  # the muxer's name pattern
    container = sniff_container(path=source)
    rungs = ladder_rungs(probe=probe)
    length = _seconds(value=end - start)
    count = len(rungs)
    graph = _ladder_scales(rungs=rungs, trim=f"trim=end={length}")
    if probe.has_audio:
        graph.append(f"[0:a:0]atrim=end={length}[a]")
    gop = _gop(fps=probe.fps, seconds=LADDER_SEGMENT_SECONDS)
    argv = [
        *_input_args(
            path=source,
            container=container,
            max_pixels=_decoder_cap(probe=probe),
            seek_seconds=start,
            autorotate=True,
        ),
        # As in `publish_command`: the trim filters cut, `-t` only says when to stop reading.
        "-t",
        _seconds(value=end - start + 1 / _usable_fps(fps=probe.fps)),
        "-filter_complex",
        ";".join(graph),
    ]
    streams = []
    for index, rung in enumerate(rungs):
        kbps = LADDER_MAX_KBPS.get(rung.short_side, LADDER_MAX_KBPS[LADDER_SHORT_SIDES[-1]])
        argv += ["-map", f"[v{index}]"]
        argv += [f"-maxrate:v:{index}", f"{kbps}k", f"-bufsize:v:{index}", f"{2 * kbps}k"]
        if index < count - 1:
            argv += [f"-x264-params:v:{index}", LADDER_LOWER_RUNG_X264_PARAMS]
        streams.append(f"v:{index},name:{rung.folder}")
    if probe.has_audio:
        # Last, so that the rungs keep the muxer's variant numbers 0, 1, ...
        argv += ["-map", "[a]"]
        streams.append(f"a:0,name:{LADDER_AUDIO_FOLDER}")
    audio_args = [*PUBLISH_AUDIO_ARGS] if probe.has_audio else ["-an"]
    argv += [
        *_STRIP_METADATA_ARGS,
        *LADDER_VIDEO_ARGS,
        # Keyframes at the same instants in every rung, and nowhere else: a player switching rungs
        # lands on a segment that starts with a keyframe.
        "-g",
        str(gop),
        "-keyint_min",
        str(gop),
        "-sc_threshold",
        "0",
        # The HLS muxer would otherwise get constant-rate output, which pads the start with a copy of
        # the first frame whenever the cut falls between two frames.
        "-fps_mode",
        "passthrough",
        "-force_key_frames",
        f"expr:gte(t,n_forced*{LADDER_SEGMENT_SECONDS:g})",
        *audio_args,
        "-sn",
        "-dn",
        "-threads",
        "0",
        "-f",
        "hls",
        "-hls_time",
        f"{LADDER_SEGMENT_SECONDS:g}",
        "-hls_playlist_type",
        "vod",
        "-hls_segment_type",
        "fmp4",
        "-hls_flags",
        "independent_segments",
        "-hls_segment_options",
        f"frag_duration={round(LADDER_FRAGMENT_SECONDS * 1_000_000)}",
        "-hls_fmp4_init_filename",
        "init.mp4",
        "-hls_segment_filename",
        _muxer_path(path=destination / "%v" / "seg%05d.m4s"),
        "-var_stream_map",
        " ".join(streams),
        _muxer_path(path=destination / "%v" / LADDER_MEDIA_PLAYLIST),
    ]
    return argv


def encode_ladder(
    *,
    source: Path,
    destination: Path,
    probe: ProbeResult,
    start: float,
    end: float,
    timeout: float = 1800,
) -> Ladder:
    """Encode `start`–`end` seconds of the source into the HLS ladder in the new folder `destination`.

    The run writes into a sibling scratch folder that is renamed to `destination` only once ffmpeg
    succeeded and every playlist is complete and names only files that exist; on any failure nothing
    is left at `destination`."""
    _check_distinct(source=source, destination=destination)
    if destination.exists():
        raise ValueError("destination must not exist yet")
    ladder = Ladder(folder=destination, rungs=ladder_rungs(probe=probe), audio=probe.has_audio)
    scratch = destination.with_name(f".{destination.name}.partial")
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        for name in ladder.folders:
            (scratch / name).mkdir(parents=True)
        argv = ladder_command(source=source, destination=scratch, probe=probe, start=start, end=end)
        result = _run(argv=argv, timeout=timeout)
        if result.returncode != 0:
            raise MediaError(
                "The video could not be processed.",
                detail=_tail(result.stderr.decode("utf-8", errors="replace")),
            )
        for name in ladder.folders:
            _fragments_out_of_init(folder=scratch / name)
            _rename_init(folder=scratch / name)
        _write_master(folder=scratch, rungs=ladder.rungs, audio=ladder.audio)
        _check_ladder(folder=scratch, rungs=ladder.rungs, audio=ladder.audio)
        scratch.rename(destination)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return ladder


def ladder_to_mp4(*, ladder: Ladder, destination: Path, timeout: float = 600) -> None:
    """Write the top rung's pictures and the sound's rendition as one progressive MP4 (the fallback for
    players without HLS, the download and the admin's player) by copying their streams: no second
    encode."""
    joined = destination.with_name(f".{destination.name}.fragmented.mp4")
    sound = destination.with_name(f".{destination.name}.sound.mp4")
    try:
        _join_rendition(folder=ladder.folder / ladder.top.folder, destination=joined)
        argv = _input_args(
            path=joined, container=sniff_container(path=joined), max_pixels=_decoder_cap_for(ladder.top)
        )
        maps = ["-map", "0:v:0"]
        if ladder.audio:
            _join_rendition(folder=ladder.folder / LADDER_AUDIO_FOLDER, destination=sound)
            argv += ["-protocol_whitelist", "file", "-f", _DEMUXERS["mov"], "-i", _file_url(path=sound)]
            maps += ["-map", "1:a:0"]
        argv += [
            *maps,
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
            _file_url(path=destination),
        ]
        _run_to_file(argv=argv, destination=destination, timeout=timeout)
    finally:
        joined.unlink(missing_ok=True)
        sound.unlink(missing_ok=True)


def _join_rendition(*, folder: Path, destination: Path) -> None:
    """A rendition's init segment followed by its media segments: one valid fragmented MP4."""
    with destination.open("wb") as output:
        for name in media_playlist_files(text=(folder / LADDER_MEDIA_PLAYLIST).read_text()):
            output.write((folder / name).read_bytes())


def media_playlist_files(*, text: str) -> list[str]:
    """The files a media playlist of ours names, init segment first; anything else is refused."""
    names: list[str] = []
    for line in text.splitlines():
        if line.startswith("#EXT-X-MAP:"):
            match = re.search(r'URI="([^"]+)"', line)
            if match is None or not _LADDER_INIT_PATTERN.match(match.group(1)):
                raise MediaError(gettext_noop("The streaming playlist is damaged."), detail=line)
            names.insert(0, match.group(1))
        elif line and not line.startswith("#"):
            if not _LADDER_SEGMENT_PATTERN.match(line):
                raise MediaError(gettext_noop("The streaming playlist is damaged."), detail=line)
            names.append(line)
    return names


def mp4_boxes(*, data: bytes) -> list[tuple[str, int, int]]:
    """The top-level boxes of an MP4 file's bytes: (type, start, end) each; a damaged file is refused."""
    boxes = []
    start = 0
    while start < len(data):
        if len(data) - start < 8:
            raise MediaError(gettext_noop("The video could not be processed."), detail="truncated box")
        size = int.from_bytes(data[start : start + 4], "big")
        kind = data[start + 4 : start + 8].decode("latin-1")
        header = 8
        if size == 1:  # a 64-bit size follows the type
            size = int.from_bytes(data[start + 8 : start + 16], "big")
            header = 16
        elif size == 0:  # the box runs to the end of the file
            size = len(data) - start
        if size < header or start + size > len(data):
            raise MediaError(gettext_noop("The video could not be processed."), detail=f"bad {kind!r} box")
        boxes.append((kind, start, start + size))
        start += size
    return boxes


def _fragments_out_of_init(*, folder: Path) -> None:
    """Move the fragments the HLS muxer leaves in a rung's init segment into its first media segment.

    With fragments shorter than a segment, ffmpeg's muxer writes every fragment made before the first
    segment's cut into the init segment, after the `moov`, and leaves the first segment with only its
    `styp`. Players need the init segment to hold the track headers only: the boxes after `moov` go to
    the start of the first segment, after its `styp`, unchanged (each fragment's offsets are relative
    to its own `moof`, and each `sidx` to itself)."""
    names = media_playlist_files(text=(folder / LADDER_MEDIA_PLAYLIST).read_text())
    init, first = folder / names[0], folder / names[1]
    data = init.read_bytes()
    boxes = mp4_boxes(data=data)
    moov_end = next((end for kind, _start, end in boxes if kind == "moov"), None)
    if moov_end is None:
        raise MediaError(gettext_noop("The video could not be processed."), detail=f"no moov in {init.name}")
    if moov_end == len(data):
        return
    segment = first.read_bytes()
    head = mp4_boxes(data=segment)[:1]
    if not head or head[0][0] != "styp":
        raise MediaError(gettext_noop("The video could not be processed."), detail=f"no styp in {first.name}")
    styp_end = head[0][2]
    moved = first.with_name(f".{first.name}.moved")
    moved.write_bytes(segment[:styp_end] + data[moov_end:] + segment[styp_end:])
    moved.replace(first)
    trimmed = init.with_name(f".{init.name}.trimmed")
    trimmed.write_bytes(data[:moov_end])
    trimmed.replace(init)


def _write_master(*, folder: Path, rungs: Sequence[Rung], audio: bool) -> None:
    """Write the master playlist from what the renditions hold, measured as ffmpeg's muxer measures it:
    peak `BANDWIDTH` from the largest segment per second (a last segment under 0.5 s left out, as too
    short to say), `AVERAGE-BANDWIDTH` over all, `CODECS` from the init segment's H.264 profile and
    level. With sound, its rendition is the `AUDIO` group every variant names, and its bitrate is part
    of every variant's bandwidth.

    ffmpeg's own master cannot be used with fragments shorter than a segment: its muxer then loses the
    segments' sizes and writes no variant at all."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:7"]
    sound_peak, sound_average = _bandwidth(folder=folder / LADDER_AUDIO_FOLDER) if audio else (0.0, 0.0)
    if audio:
        lines.append(
            f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="{LADDER_AUDIO_GROUP}",NAME="Sound",DEFAULT=YES,AUTOSELECT=YES,'
            f'CHANNELS="2",URI="{LADDER_AUDIO_FOLDER}/{LADDER_MEDIA_PLAYLIST}"'
        )
    for rung in rungs:
        peak, average = _bandwidth(folder=folder / rung.folder)
        codecs = [_avc1_codec(init=(folder / rung.folder / LADDER_INIT).read_bytes())]
        group = ""
        if audio:
            codecs.append("mp4a.40.2")  # AAC-LC, what PUBLISH_AUDIO_ARGS encodes
            group = f',AUDIO="{LADDER_AUDIO_GROUP}"'
        lines += [
            f"#EXT-X-STREAM-INF:BANDWIDTH={round(peak + sound_peak)},"
            f"AVERAGE-BANDWIDTH={round(average + sound_average)},"
            f'RESOLUTION={rung.width}x{rung.height},CODECS="{",".join(codecs)}"{group}',
            f"{rung.folder}/{LADDER_MEDIA_PLAYLIST}",
        ]
    (folder / LADDER_MASTER).write_text("\n".join(lines) + "\n")


def _bandwidth(*, folder: Path) -> tuple[float, float]:
    """A rendition's peak and average bits per second, from its segments' sizes and durations."""
    text = (folder / LADDER_MEDIA_PLAYLIST).read_text()
    names = media_playlist_files(text=text)
    durations = [float(value) for value in re.findall(r"^#EXTINF:([0-9.]+),", text, flags=re.MULTILINE)]
    sizes = [(folder / name).stat().st_size for name in names[1:]]
    if len(durations) != len(sizes) or not sum(durations):
        raise MediaError(
            gettext_noop("The video could not be processed."), detail=f"incomplete playlist {folder.name}"
        )
    peaks = [8 * size / duration for size, duration in zip(sizes, durations, strict=True) if duration > 0.5]
    average = 8 * sum(sizes) / sum(durations)
    return max([*peaks, average]), average


def _rename_init(*, folder: Path) -> None:
    """Give a rendition's init segment the one name every ladder uses (`init.mp4`; the muxer numbers
    them `init_<variant>.mp4` when there are several), so that a page can name a ladder's first files
    without reading its playlists (`ladder_start_files`)."""
    playlist = folder / LADDER_MEDIA_PLAYLIST
    text = playlist.read_text()
    init = media_playlist_files(text=text)[0]
    if init == LADDER_INIT:
        return
    (folder / init).rename(folder / LADDER_INIT)
    playlist.write_text(text.replace(f'#EXT-X-MAP:URI="{init}"', f'#EXT-X-MAP:URI="{LADDER_INIT}"', 1))


def _avc1_codec(*, init: bytes) -> str:
    """The RFC 6381 name of an init segment's H.264 track (`avc1.64001f`): profile, constraint flags
    and level, the three bytes after the `avcC` box's version."""
    at = init.find(b"avcC")
    if at < 0 or len(init) < at + 8:
        raise MediaError(
            gettext_noop("The video could not be processed."), detail="no avcC in the init segment"
        )
    return "avc1." + init[at + 5 : at + 8].hex()


def _check_ladder(*, folder: Path, rungs: Sequence[Rung], audio: bool) -> None:
    """Every rendition's playlist is complete and names only files ffmpeg wrote, none empty."""
    master = folder / LADDER_MASTER
    text = master.read_text() if master.is_file() else ""
    if text.count("#EXT-X-STREAM-INF") != len(rungs) or text.count("#EXT-X-MEDIA:TYPE=AUDIO") != int(audio):
        raise MediaError(
            gettext_noop("The video could not be processed."), detail="incomplete master playlist"
        )
    for name in [rung.folder for rung in rungs] + ([LADDER_AUDIO_FOLDER] if audio else []):
        _check_rendition(folder=folder / name)


def _check_rendition(*, folder: Path) -> None:
    playlist = folder / LADDER_MEDIA_PLAYLIST
    text = playlist.read_text() if playlist.is_file() else ""
    names = media_playlist_files(text=text)
    if "#EXT-X-ENDLIST" not in text or len(names) < 2:
        raise MediaError(
            gettext_noop("The video could not be processed."), detail=f"incomplete playlist {folder.name}"
        )
    for name in names:
        part = folder / name
        if not part.is_file() or part.stat().st_size == 0:
            raise MediaError(
                gettext_noop("The video could not be processed."), detail=f"missing {folder.name}/{name}"
            )
    # The init segment holds the track headers, every media segment at least one fragment.
    init_kinds = {kind for kind, _start, _end in mp4_boxes(data=(folder / names[0]).read_bytes())}
    segment_kinds = [
        {kind for kind, _start, _end in mp4_boxes(data=(folder / name).read_bytes())} for name in names[1:]
    ]
    if "moof" in init_kinds or any("moof" not in kinds for kinds in segment_kinds):
        raise MediaError(
            gettext_noop("The video could not be processed."),
            detail=f"misplaced fragments in {folder.name}",
        )


def _decoder_cap_for(rung: Rung) -> int:
    return (rung.width + 2 * _DECODER_ALIGNMENT) * (rung.height + 2 * _DECODER_ALIGNMENT)


# --- the door for tools beside the pipeline (test clips, benchmarks, demo data) ----------


def ffmpeg_read(*, source: Path, output_args: Sequence[str], timeout: float) -> tuple[int, str]:
    """Run ffmpeg over `source` through the door and return its exit code and log (stderr), for
    tools that measure a file rather than make one."""
    container = sniff_container(path=source)
    result = _run(argv=[*_input_args(path=source, container=container), *output_args], timeout=timeout)
    return result.returncode, result.stderr.decode("utf-8", errors="replace")


def ffmpeg_write(
    *,
    destination: Path,
    output_args: Sequence[str],
    timeout: float,
    source: Path | None = None,
    source_options: Sequence[str] = (),
    lavfi_sources: Sequence[str] = (),
    png_images: Sequence[Path] = (),
) -> None:
    """Write `destination` with one ffmpeg run, leaving no half-written file if it fails.

    `source` is read through the door (`source_options` go before its input); `lavfi_sources`
    are generated inputs (test patterns, tones) that must be built by our own code, never from
    user strings, because a filter graph can open files. `png_images` are pictures we drew
    ourselves (the demo's titles), read with the PNG demuxer forced and the file protocol only;
    they come after the lavfi inputs.
    """
    if source is not None:
        argv = _input_args(path=source, container=sniff_container(path=source), extra=source_options)
    else:
        argv = [_ffmpeg(), *_GLOBAL_ARGS]
    for graph in lavfi_sources:
        argv += ["-f", "lavfi", "-i", graph]
    for image in png_images:
        if image.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
            raise MediaError(gettext_noop("Not a PNG image."))
        argv += ["-protocol_whitelist", "file", "-f", "png_pipe", "-i", _file_url(path=image)]
    _run_to_file(
        argv=[*argv, *output_args, _file_url(path=destination)], destination=destination, timeout=timeout
    )


# --- internals ---------------------------------------------------------------------------

_GLOBAL_ARGS = ("-nostdin", "-hide_banner", "-nostats", "-y")
# Drops container and stream tags (phones write the GPS position there) and chapters.
_STRIP_METADATA_ARGS = ("-map_metadata", "-1", "-map_chapters", "-1")
_FRAME_PATTERN = re.compile(r"frame=\s*(\d+)")
_TIME_PATTERN = re.compile(r"time=\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_ROTATION_PATTERN = re.compile(r"rotation of (-?\d+(?:\.\d+)?) degrees")
_PIXEL_FORMAT_PATTERN = re.compile(r"Video: [^,]*, ([0-9a-z_]+)")
_AUDIO_CODEC_PATTERN = re.compile(r"Audio: (\w+)")
_STREAM_NUMBER_PATTERN = re.compile(r"^\s*Stream #0:(\d+)")
_INT_MAX = 2**31 - 1
_DAMAGED = gettext_noop("The file is incomplete or damaged (the upload may have been cut short).")


@dataclass(frozen=True, kw_only=True)
class _Header:
    duration: float | None
    width: int
    height: int
    rotation: int
    fps: float
    video_codec: str
    pixel_format: str
    audio_codec: str | None


class _Deadline:
    """One timeout shared by the several ffmpeg runs of a single operation."""

    def __init__(self, *, seconds: float) -> None:
        self._ends_at = time.monotonic() + seconds

    def remaining(self) -> float:
        remaining = self._ends_at - time.monotonic()
        if remaining <= 0:
            raise MediaError(gettext_noop("Processing the video took too long and was stopped."))
        return remaining


@functools.cache
def _ffmpeg() -> str:
    # The static build imageio-ffmpeg ships, so every machine runs the same ffmpeg.
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _file_url(*, path: Path) -> str:
    # `file:` makes ffmpeg read the rest literally, so no name can be taken for another protocol.
    return f"file:{path.resolve()}"


def _muxer_path(*, path: Path) -> str:
    """An output name for muxers that create its folders themselves (hls): they would mkdir a
    `file:/…` name literally, relative to the worker's working directory. An absolute path is just as
    safe: ffmpeg finds a protocol only in a name starting with letters and a colon, never at `/`."""
    resolved = str(path.resolve())
    if not resolved.startswith("/"):
        raise ValueError("muxer output paths must be absolute")
    return resolved


def _input_args(
    *,
    path: Path,
    container: str,
    max_pixels: int | None = None,
    seek_seconds: float | None = None,
    autorotate: bool = False,
    extra: Sequence[str] = (),
) -> list[str]:
    argv = [_ffmpeg(), *_GLOBAL_ARGS]
    if max_pixels is not None:
        # ffmpeg rejects values above INT_MAX instead of clamping them.
        argv += ["-max_pixels", str(min(max_pixels, _INT_MAX))]
    if autorotate:
        # Already the default; stated because upright output depends on it. It is a flag:
        # `-autorotate 1` would make "1" an output file.
        argv.append("-autorotate")
    if seek_seconds is not None and seek_seconds > 0:
        argv += ["-ss", _seconds(value=seek_seconds)]
    argv += [*extra, "-protocol_whitelist", "file", "-f", _DEMUXERS[container], "-i", _file_url(path=path)]
    return argv


# util-linux's setpriv (on every Debian) makes ffmpeg die with the process that started it: a worker
# killed with SIGKILL leaves no ffmpeg behind burning CPU until its own deadline.
_DIE_WITH_PARENT: tuple[str, ...] = (
    (_setpriv, "--pdeathsig", "KILL", "--") if (_setpriv := shutil.which("setpriv")) else ()
)


def _run(*, argv: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    try:
        # The argv is built from typed values and paths we created; there is no shell.
        return subprocess.run(  # noqa: S603
            [*_DIE_WITH_PARENT, *argv],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
            # A bare environment: FFREPORT and friends in the worker's environment must not
            # make ffmpeg write files or change what it prints.
            env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C"},
        )
    except subprocess.TimeoutExpired as error:
        stderr = error.stderr.decode("utf-8", errors="replace") if isinstance(error.stderr, bytes) else ""
        raise MediaError(
            "Processing the video took too long and was stopped.", detail=_tail(stderr)
        ) from error


def _run_to_file(*, argv: list[str], destination: Path, timeout: float) -> None:
    """Run an ffmpeg job that writes `destination`; on failure leave no half-written file."""
    try:
        result = _run(argv=argv, timeout=timeout)
    except MediaError:
        destination.unlink(missing_ok=True)
        raise
    if result.returncode != 0 or not destination.is_file() or destination.stat().st_size == 0:
        destination.unlink(missing_ok=True)
        raise MediaError(
            "The video could not be processed.",
            detail=_tail(result.stderr.decode("utf-8", errors="replace")),
        )


def _parse_header(*, text: str) -> _Header:
    """Read ffmpeg's `Input #0` dump with moviepy's parser, plus the two fields it skips."""
    lines = text.splitlines()
    start = next((index for index, line in enumerate(lines) if line.startswith("Input #0")), None)
    if start is None:
        lowered = text.lower()
        if "moov atom not found" in lowered:
            raise MediaError(_DAMAGED, detail=_tail(text))
        raise MediaError(gettext_noop("The video could not be read. It may be damaged."), detail=_tail(text))
    block = [lines[start]]
    for line in lines[start + 1 :]:
        # The dump is indented; "Stream mapping:", "Output #0" and log lines are not.
        if not line.startswith(" "):
            break
        block.append(line)
    dump = "\n".join(block)

    parsed = _parse_dump(dump=dump, check_duration=True)
    if parsed is None:
        # "Duration: N/A" (browser-recorded WebM); the demux pass measures the length instead.
        parsed = _parse_dump(dump=dump, check_duration=False)
    if parsed is None:
        raise MediaError(gettext_noop("The video could not be read. It may be damaged."), detail=_tail(text))
    result, has_duration = parsed

    raw_lines: dict[int, str] = {}
    for line in block:
        match = _STREAM_NUMBER_PATTERN.match(line)
        if match:
            raw_lines[int(match.group(1))] = line
    streams: list[dict[str, Any]] = [
        stream
        for input_file in result.get("inputs", [])
        for stream in input_file.get("streams", [])
        if stream
    ]
    audio = next((stream for stream in streams if stream.get("stream_type") == "audio"), None)
    audio_codec: str | None = None
    if audio is not None:
        match = _AUDIO_CODEC_PATTERN.search(raw_lines.get(audio["stream_number"], ""))
        audio_codec = match.group(1) if match else "unknown"
    video = next(
        (
            stream
            for stream in streams
            if stream.get("stream_type") == "video"
            # Cover art in an .m4a is a "video" stream too; `0:V` skips it the same way.
            and "(attached pic)" not in raw_lines.get(stream["stream_number"], "")
        ),
        None,
    )
    duration = float(result["duration"]) if has_duration else None
    if video is None:
        raise MediaError(gettext_noop("This file has no video, only sound."), detail=_tail(text))

    size = video.get("size")
    pixel_match = _PIXEL_FORMAT_PATTERN.search(raw_lines.get(video["stream_number"], ""))
    pixel_format = pixel_match.group(1) if pixel_match else "none"
    if not size or pixel_format == "none":
        raise MediaError(
            "The video's picture could not be read. It may be damaged or too large.", detail=_tail(text)
        )
    fps = video.get("fps")
    if not isinstance(fps, int | float) or not math.isfinite(fps) or fps <= 0:
        raise MediaError(gettext_noop("The video's frame rate could not be read."), detail=_tail(text))
    rotation = _rotation(metadata=video.get("metadata", {}))
    if rotation is None:
        raise MediaError(
            gettext_noop("The video is rotated by an angle that is not supported."), detail=_tail(text)
        )
    coded_width, coded_height = int(size[0]), int(size[1])
    if coded_width <= 0 or coded_height <= 0:
        raise MediaError(gettext_noop("The video has no picture size."), detail=_tail(text))
    width, height = (coded_height, coded_width) if rotation in (90, 270) else (coded_width, coded_height)
    return _Header(
        duration=duration,
        width=width,
        height=height,
        rotation=rotation,
        fps=float(fps),
        video_codec=str(video.get("codec_name") or "unknown"),
        pixel_format=pixel_format,
        audio_codec=audio_codec,
    )


def _parse_dump(*, dump: str, check_duration: bool) -> tuple[dict[str, Any], bool] | None:
    try:
        with warnings.catch_warnings():
            # It warns about stream kinds it skips (subtitles, attachments); we skip them too.
            warnings.simplefilter("ignore")
            result: dict[str, Any] = FFmpegInfosParser(dump, "upload", check_duration=check_duration).parse()
    except Exception:  # The parser raises anything from OSError to AttributeError on odd input.
        return None
    return result, check_duration


def _rotation(*, metadata: dict[str, Any]) -> int | None:
    """Clockwise right-angle rotation from the stream's side data, or None for other angles."""
    degrees = 0.0
    for field, value in metadata.items():
        # Only the side-data field: free-form stream tags must not be able to claim a rotation.
        if (
            field == "Display Matrix"
            and isinstance(value, str)
            and (match := _ROTATION_PATTERN.search(value))
        ):
            # ffmpeg prints the display matrix counter-clockwise.
            degrees = -float(match.group(1))
        elif field in ("rotate", "displaymatrix") and isinstance(value, int | float):
            # ffmpeg < 7 printed these; moviepy has already made them clockwise.
            degrees = float(value)
    normalised = round(degrees) % 360
    return normalised if normalised in RIGHT_ANGLES and abs(degrees - round(degrees)) < 0.01 else None


def _refusal_for(*, head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"#EXTM3U"):
        return gettext_noop("This file is a playlist (M3U8), not a video. Upload the video file itself.")
    if text.startswith(b"ffconcat") or text.startswith(b"file "):
        return gettext_noop("This file is a list of other files, not a video. Upload the video file itself.")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")) or head[8:12] == b"WEBP":
        return gettext_noop("This file is a picture, not a video.")
    return "This file type is not supported. Upload an MP4, MOV, WebM or MKV video."


def _too_long(*, seconds: float, max_seconds: float) -> str:
    return f"The video is {seconds:.1f} seconds long; the limit is {max_seconds:g} seconds."


def _check_distinct(*, source: Path, destination: Path) -> None:
    if source.resolve() == destination.resolve():
        raise ValueError("destination must differ from source")


def _check_range(*, probe: ProbeResult, start: float, end: float) -> None:
    # Written so NaN fails too: every comparison with NaN is false.
    if not (0 <= start < end <= probe.duration + 0.01):
        raise MediaError(
            f"The selected range {start:g}–{end:g} s is outside the video (0–{probe.duration:g} s).",
        )


def _decoder_cap(*, probe: ProbeResult) -> int:
    """Pixel cap for decoders: the probed size plus alignment slack, so a bitstream that
    switches to a larger picture mid-file is refused instead of allocated."""

    def padded(side: int) -> int:
        return (math.ceil(side / _DECODER_ALIGNMENT) + 1) * _DECODER_ALIGNMENT

    return padded(probe.width) * padded(probe.height)


def _fit_short_side(*, width: int, height: int, limit: int) -> tuple[int, int]:
    """Even dimensions with the short side at most `limit`, same shape, never upscaled."""
    short, long = min(width, height), max(width, height)
    new_short = max(2, min(limit, short) // 2 * 2)
    new_long = min(long // 2 * 2, max(2, round(long * new_short / short / 2) * 2))
    return (new_long, new_short) if width >= height else (new_short, new_long)


def _fit_long_side(*, width: int, height: int, limit: int) -> tuple[int, int]:
    """Even dimensions with the long side at most `limit`, same shape, never upscaled."""
    short, long = min(width, height), max(width, height)
    new_long = max(2, min(limit, long) // 2 * 2)
    new_short = min(short // 2 * 2, max(2, round(short * new_long / long / 2) * 2))
    return (new_long, new_short) if width >= height else (new_short, new_long)


def _usable_fps(*, fps: float) -> float:
    # Variable-frame-rate files sometimes report absurd rates; keep what we derive from it sane.
    return min(max(fps, 1.0), 120.0)


def _gop(*, fps: float, seconds: float) -> int:
    return max(1, round(_usable_fps(fps=fps) * seconds))


def _seconds(*, value: float) -> str:
    return f"{value:.6f}"


def _last_int(*, pattern: re.Pattern[str], text: str) -> int | None:
    matches = pattern.findall(text)
    return int(matches[-1]) if matches else None


def _last_time(*, text: str) -> float | None:
    matches = _TIME_PATTERN.findall(text)
    if not matches:
        return None
    hours, minutes, seconds = matches[-1]
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _tail(text: str) -> str:
    return text[-_STDERR_TAIL_CHARS:]
