"""Caption files: a small parser for the WebVTT and SRT that creators upload, and the WebVTT we serve instead.

Nothing of an uploaded file is served as it came: it is parsed into cues (start, end, plain text) and
written out again as a minimal WebVTT file. Styling, positions, regions, notes and markup are dropped;
the text is escaped again. A file that breaks a rule is refused with the number of the line that broke
it, so the creator can fix it. This module is pure (no ORM, no storage): the services call it.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_BYTES = 256 * 1024
MAX_CUES = 5000
MAX_CUE_SECONDS = 30.0  # one cue on screen longer than this is a mistake in the timings
MAX_CUE_CHARS = 300
MAX_CUE_LINES = 4

# Languages a caption file may be in: the site's own first, then common ones. Named in their own
# language, which is how a viewer picks captions (and what the player's menu and the HLS master show).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "es": "Español",
    "fr": "Français",
    "it": "Italiano",
    "pt": "Português",
    "nl": "Nederlands",
    "pl": "Polski",
    "tr": "Türkçe",
    "uk": "Українська",
    "ru": "Русский",
    "ar": "العربية",
    "hi": "हिन्दी",
    "ja": "日本語",
    "ko": "한국어",
    "zh": "中文",
}

_VTT_TIME = r"(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_VTT_TIMING = re.compile(rf"^{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t]+\S.*)?$")
_SRT_TIME = r"(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{3})"
_SRT_TIMING = re.compile(rf"^{_SRT_TIME}[ \t]*-->[ \t]*{_SRT_TIME}(?:[ \t]+\S.*)?$")
_TAG = re.compile(r"<[^>]*>")
# Control characters other than tab, or a stray NUL: a binary file, not text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CaptionError(ValueError):
    """A caption file we refuse; ``line`` is the 1-based line of the file that broke a rule (0: the whole
    file)."""

    def __init__(self, *, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message

    def __str__(self) -> str:
        if not self.line:
            return self.message
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(frozen=True, kw_only=True)
class Cue:
    start: float  # seconds
    end: float
    text: str  # plain text, lines joined by "\n"


def parse(data: bytes, *, max_seconds: float | None = None) -> list[Cue]:
    """The cues of a WebVTT or SRT file (told apart by the ``WEBVTT`` signature), in order.

    ``max_seconds`` is how long the video is: a cue starting at or after it is refused.
    Raises ``CaptionError`` naming the line for anything else we would not serve."""
    if len(data) > MAX_BYTES:
        raise CaptionError(
            line=0, message=_("The file is larger than %(kb)d KB.") % {"kb": MAX_BYTES // 1024}
        )
    text = _decode(data)
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if _CONTROL.search(line):
            raise CaptionError(line=number, message=_("this is not text (binary or control characters)."))
    if lines and (lines[0] == "WEBVTT" or lines[0].startswith(("WEBVTT ", "WEBVTT\t"))):
        cues = _parse_blocks(lines, first=1, timing=_VTT_TIMING, is_vtt=True)
    else:
        cues = _parse_blocks(lines, first=0, timing=_SRT_TIMING, is_vtt=False)
    if not cues:
        raise CaptionError(
            line=0,
            message=_("The file has no captions in it (no cue timings like 00:00:01.000 --> 00:00:02.500)."),
        )
    _check_cues(cues, max_seconds=max_seconds)
    return [cue for cue, _line in cues]


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CaptionError(line=line, message=_("this is not UTF-8 text.")) from error
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _parse_blocks(
    lines: list[str], *, first: int, timing: re.Pattern[str], is_vtt: bool
) -> list[tuple[Cue, int]]:
    """Walk the blocks separated by blank lines; a block is a cue when it has a timing line as its
    first or second line (an identifier or SRT counter before it)."""
    cues: list[tuple[Cue, int]] = []
    index = first
    if is_vtt:
        # The rest of the header block (after "WEBVTT") carries nothing we keep.
        while index < len(lines) and lines[index].strip():
            index += 1
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        start = index
        block: list[str] = []
        while index < len(lines) and lines[index].strip():
            block.append(lines[index])
            index += 1
        head = block[0].strip()
        if is_vtt and (head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head):
            continue  # comments and styling: dropped
        if timing.match(head):
            timing_at = 0
        elif len(block) > 1 and timing.match(block[1].strip()) and "-->" not in head:
            timing_at = 1
        else:
            bad = next((i for i, line in enumerate(block[:2]) if "-->" in line), 0)
            line_number = start + bad + 1
            if "-->" in block[bad]:
                raise CaptionError(
                    line=line_number,
                    message=_("the cue timing is not valid (expected like %(example)s).")
                    % {
                        "example": "00:00:01.000 --> 00:00:02.500"
                        if is_vtt
                        else "00:00:01,000 --> 00:00:02,500"
                    },
                )
            raise CaptionError(line=line_number, message=_("expected a cue timing line here."))
        timing_line = start + timing_at + 1
        match = timing.match(block[timing_at].strip())
        assert match is not None
        begin, end = _seconds(match.groups()[:4]), _seconds(match.groups()[4:])
        body = block[timing_at + 1 :]
        for offset, line in enumerate(body, start=timing_at + 2):
            if "-->" in line:
                raise CaptionError(line=start + offset, message=_("a caption line may not contain “-->”."))
        cue_text = "\n".join(filter(None, (_plain(line) for line in body)))
        if len(cues) >= MAX_CUES:
            raise CaptionError(
                line=timing_line, message=_("too many cues (at most %(count)d).") % {"count": MAX_CUES}
            )
        cues.append((Cue(start=begin, end=end, text=cue_text), timing_line))
    return cues


def _seconds(parts: tuple[str | None, ...]) -> float:
    hours, minutes, seconds, millis = parts
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0) + int(millis or 0) / 1000


def _plain(line: str) -> str:
    """A caption line as plain text: markup (``<i>``, ``<v Name>``, ``<font …>``) removed, entities read."""
    return html.unescape(_TAG.sub("", line)).strip()


def _check_cues(cues: list[tuple[Cue, int]], *, max_seconds: float | None) -> None:
    previous: Cue | None = None
    for cue, line in cues:
        if cue.end <= cue.start:
            raise CaptionError(line=line, message=_("the cue ends before it starts."))
        if cue.end - cue.start > MAX_CUE_SECONDS:
            raise CaptionError(
                line=line,
                message=_("the cue lasts %(seconds).1f s; at most %(limit)d s.")
                % {"seconds": cue.end - cue.start, "limit": MAX_CUE_SECONDS},
            )
        if max_seconds is not None and cue.start >= max_seconds:
            raise CaptionError(
                line=line,
                message=_("the cue starts at %(start).3f s, after the video ends (%(end).3f s).")
                % {"start": cue.start, "end": max_seconds},
            )
        if previous is not None and cue.start < previous.end:
            raise CaptionError(
                line=line,
                message=_("the cue starts at %(start).3f s, before the previous one ends (%(end).3f s).")
                % {"start": cue.start, "end": previous.end},
            )
        if not cue.text:
            raise CaptionError(line=line, message=_("the cue has no text."))
        if len(cue.text) > MAX_CUE_CHARS or cue.text.count("\n") >= MAX_CUE_LINES:
            raise CaptionError(
                line=line,
                message=_("the cue is too long (at most %(lines)d lines and %(chars)d characters).")
                % {"lines": MAX_CUE_LINES, "chars": MAX_CUE_CHARS},
            )
        previous = cue


def retimed(cues: list[Cue], *, shift: float, seconds: float) -> list[Cue]:
    """The cues on a new timeline: moved by ``shift`` seconds (a trim that starts 2 s later moves every
    cue 2 s earlier: ``shift=-2``) and cut to a video of ``seconds``. A cue left wholly outside is dropped;
    one that straddles an end is shortened to it."""
    moved = []
    for cue in cues:
        start, end = max(0.0, cue.start + shift), min(seconds, cue.end + shift)
        if end - start >= 0.001:
            moved.append(Cue(start=round(start, 3), end=round(end, 3), text=cue.text))
    return moved


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{whole:02d}.{millis:03d}"


def serialise(cues: list[Cue]) -> bytes:
    """A minimal WebVTT file of the cues: timings and escaped plain text, nothing else."""
    parts = ["WEBVTT\n"]
    for cue in cues:
        text = "\n".join(html.escape(line, quote=False) for line in cue.text.split("\n"))
        parts.append(f"\n{_timestamp(cue.start)} --> {_timestamp(cue.end)}\n{text}\n")
    return "".join(parts).encode("utf-8")


# --- captions in HLS: the master playlist's subtitle renditions and each one's playlist ---------------

SUBTITLE_GROUP = "subs"


@dataclass(frozen=True, kw_only=True)
class HlsSubtitles:
    language: str
    name: str
    uri: str  # the subtitle rendition's playlist


def master_with_subtitles(text: str, *, tracks: list[HlsSubtitles]) -> str:
    """The ladder's master playlist with a ``SUBTITLES`` rendition per caption track, and every variant
    stream naming their group; unchanged without tracks."""
    if not tracks:
        return text
    media = [
        f'#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="{SUBTITLE_GROUP}",LANGUAGE="{track.language}",'
        f'NAME="{_quoted(track.name)}",DEFAULT=NO,AUTOSELECT=YES,URI="{_quoted(track.uri)}"'
        for track in tracks
    ]
    lines: list[str] = []
    placed = False
    for line in text.splitlines():
        if line.startswith("#EXT-X-STREAM-INF:"):
            if not placed:
                lines += media
                placed = True
            if "SUBTITLES=" not in line:
                line = f'{line},SUBTITLES="{SUBTITLE_GROUP}"'
        lines.append(line)
    return "\n".join(lines) + "\n"


def subtitle_playlist(*, vtt_uri: str, seconds: float) -> str:
    """A subtitle rendition's media playlist: the whole WebVTT file as its one segment."""
    target = max(1, math.ceil(seconds))
    return (
        "#EXTM3U\n#EXT-X-VERSION:3\n"
        f"#EXT-X-TARGETDURATION:{target}\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n"
        f"#EXTINF:{seconds:.3f},\n{vtt_uri}\n#EXT-X-ENDLIST\n"
    )


def _quoted(value: str) -> str:
    """A value for a quoted HLS attribute: no quotes or line breaks can end it early."""
    return value.replace('"', "'").replace("\n", " ").replace("\r", " ")
