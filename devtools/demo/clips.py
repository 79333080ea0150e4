"""The demo world's clips: short portrait videos, each with its own colours, motion, title and chord.

Built from a typed spec by our own code (never from user strings): Pillow draws the title card
and a disc, ffmpeg animates a gradient behind them, moves the disc and plays a chord, all through
``creators.media``'s door. Used by ``seed_demo_videos``; nothing here touches uploads.
"""

from __future__ import annotations

import hashlib
import textwrap
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from creators import media

WIDTH, HEIGHT, FPS = 360, 640, 24
GRADIENT_TYPES = ("linear", "radial", "circular", "spiral", "square")
CLIP_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True, kw_only=True)
class DemoClip:
    title: str  # drawn on the picture
    byline: str  # drawn under it, e.g. "@drnova"
    colours: tuple[str, str, str]  # "#rrggbb": the gradient's two ends and the disc
    motion: int  # which gradient type and how fast it turns
    chord: tuple[float, float, float]  # Hz
    seconds: float = 6.0

    def cache_key(self) -> str:
        """Changes whenever anything that shapes the file changes (and with the drawing code's version)."""
        text = repr((self, WIDTH, HEIGHT, FPS, 3))
        return hashlib.sha256(text.encode()).hexdigest()[:20]


def _hex(colour: str) -> str:
    value = colour.removeprefix("#")
    if len(value) != 6 or any(char not in "0123456789abcdefABCDEF" for char in value):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return f"0x{value}"


def _rgb(colour: str) -> tuple[int, int, int]:
    value = int(_hex(colour), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def _title_card(clip: DemoClip, path: Path) -> None:
    card = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    draw = ImageDraw.Draw(card)
    title_font = ImageFont.load_default(size=30)
    byline_font = ImageFont.load_default(size=20)
    lines = textwrap.wrap(clip.title, width=14)[:4]
    line_height = 38
    box_height = 36 + line_height * len(lines) + 34
    top = HEIGHT - box_height - 150
    # The right edge stays clear: the player's action rail sits there on a phone.
    draw.rounded_rectangle((16, top, WIDTH - 76, top + box_height), radius=22, fill=(10, 14, 30, 170))
    for index, line in enumerate(lines):
        draw.text((36, top + 22 + index * line_height), line, font=title_font, fill=(255, 255, 255, 255))
    draw.text(
        (38, top + 26 + line_height * len(lines)), clip.byline, font=byline_font, fill=(226, 232, 240, 235)
    )
    card.save(path, format="PNG")


def _disc(clip: DemoClip, path: Path) -> None:
    size = 120
    disc = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(disc)
    red, green, blue = _rgb(clip.colours[2])
    draw.ellipse(
        (4, 4, size - 4, size - 4), fill=(red, green, blue, 235), outline=(255, 255, 255, 230), width=5
    )
    draw.ellipse((34, 34, size - 34, size - 34), fill=(255, 255, 255, 200))
    disc.save(path, format="PNG")


def render(clip: DemoClip, destination: Path) -> None:
    """Write the clip as an H.264/AAC MP4 at ``destination``."""
    if not 1.0 <= clip.seconds <= 30.0:
        raise ValueError("a demo clip is 1 to 30 seconds long")
    if not all(20.0 <= hertz <= 4000.0 for hertz in clip.chord):
        raise ValueError("chord notes must be 20 to 4000 Hz")
    start, end, _ = (_hex(colour) for colour in clip.colours)
    kind = GRADIENT_TYPES[clip.motion % len(GRADIENT_TYPES)]
    speed = 0.01 + 0.004 * (clip.motion % 5)
    length = f"{clip.seconds:.3f}"
    low, middle, high = (f"{hertz:.2f}" for hertz in clip.chord)
    gradient = (
        f"gradients=size={WIDTH}x{HEIGHT}:rate={FPS}:duration={length}:c0={start}:c1={end}"
        f":type={kind}:speed={speed:.4f}:seed={clip.motion}"
    )
    # A soft chord that swells twice a second, fading in and out.
    chord = (
        f"aevalsrc='(0.16*sin(2*PI*{low}*t)+0.11*sin(2*PI*{middle}*t)+0.08*sin(2*PI*{high}*t))"
        f"*(0.75+0.25*sin(4*PI*t))*min(1,t*4)*min(1,({length}-t)*4)':s=48000:d={length}"
    )
    card, disc = (destination.with_name(f".{destination.stem}.{name}.png") for name in ("card", "disc"))
    _title_card(clip, card)
    _disc(clip, disc)
    # The disc bounces on a path of its own (set by `motion`), behind the title card.
    phase = clip.motion % 7
    graph = (
        f"[0:v][3:v]overlay=x='(W-w)/2+110*sin(2*PI*t/{2.5 + phase * 0.3:.2f}+{phase})'"
        f":y='170+90*cos(2*PI*t/{3.1 + phase * 0.2:.2f})'[moving];"
        "[moving][2:v]overlay=0:0,format=yuv420p[v]"
    )
    output = [
        "-filter_complex", graph, "-map", "[v]", "-map", "1:a",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-g", str(FPS * 2),
        "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", "-f", "mp4",
    ]  # fmt: skip
    try:
        media.ffmpeg_write(
            destination=destination,
            lavfi_sources=[gradient, chord],
            png_images=[card, disc],
            output_args=output,
            timeout=CLIP_TIMEOUT_SECONDS,
        )
    finally:
        card.unlink(missing_ok=True)
        disc.unlink(missing_ok=True)
