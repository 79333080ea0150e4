"""Turn an uploaded avatar into square JPEG thumbnails, refusing anything that is not a plain, sane image."""

import io
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Final

from django.utils.translation import gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

AVATAR_SIZES: Final = (96, 320)
MAX_UPLOAD_BYTES: Final = 5 * 1024 * 1024
# A JPEG decodes at a fraction of its size (``draft``), so a 40-megapixel photo costs little; PNG, WebP
# and GIF decode every pixel, so they get what an avatar needs: a 4000×3000 screenshot, a 2048×2048 GIF.
MAX_PIXELS: Final = 40_000_000
MAX_PIXELS_DECODED: Final = 12_000_000
MAX_PIXELS_GIF: Final = 2048 * 2048
# Only the first frame is ever decoded, but a GIF with hundreds of frames is
# not an avatar anyone meant to upload, and counting them costs a parse each.
MAX_FRAMES: Final = 100
JPEG_QUALITY: Final = 85

# Pillow plugins allowed to claim the bytes; the format comes from the
# content, never from a file name or a declared content type.
_OPENERS: Final = ("JPEG", "PNG", "WEBP", "GIF")
# The JPEG opener reports multi-picture JPEGs, which many phone cameras write,
# as "MPO"; they are still JPEG content and only the first picture is used.
_ACCEPTED_FORMATS: Final = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF"})
# What Pillow itself treats as "this file is malformed" while opening, plus
# what its decoders raise on broken or truncated data.
_MALFORMED: Final = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error)
_BACKGROUND: Final = (255, 255, 255)
_UNSUPPORTED_REASON: Final = gettext_noop("The file is not a JPEG, PNG, WebP or GIF image.")
_DAMAGED_REASON: Final = gettext_noop("The image is damaged or incomplete.")


class ImageRejected(Exception):
    """An upload that cannot become an avatar; ``reason`` is a sentence to show to people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def avatar_process(
    *,
    data: IO[bytes],
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_pixels: int = MAX_PIXELS,
) -> dict[int, bytes]:
    """Return ``{size: jpeg_bytes}`` for every size in ``AVATAR_SIZES``, or raise ``ImageRejected``.

    ``data`` is read from its current position, never more than ``max_bytes + 1``
    bytes. The output is upright, square (centre crop), RGB on white, and carries
    no EXIF, ICC profile, comment or other metadata from the upload.
    """
    raw = _read_at_most(data=data, limit=max_bytes + 1)
    if len(raw) > max_bytes:
        raise ImageRejected(f"The file is larger than {_describe_bytes(count=max_bytes)}.")
    if not raw:
        raise ImageRejected(gettext_noop("The file is empty."))

    largest = max(AVATAR_SIZES)
    with _refusing_bad_images(max_pixels=max_pixels):
        with Image.open(io.BytesIO(raw), formats=_OPENERS) as probe:
            _check_header(image=probe, max_pixels=max_pixels)
            probe.verify()
        # verify() leaves the image unusable, so decode from a fresh open of the same bytes.
        with Image.open(io.BytesIO(raw), formats=_OPENERS) as image:
            _check_pixels(image=image, max_pixels=_pixel_limit(image=image, max_pixels=max_pixels))
            # Lets a large JPEG decode at 1/2, 1/4 or 1/8 scale (never below
            # the largest avatar), which saves most of the memory and time.
            image.draft(None, (largest, largest))
            image.load()
            # EXIF is untrusted input too, so it is parsed inside the guard.
            upright = ImageOps.exif_transpose(image)

    square = _crop_square(image=_flatten_to_rgb(image=upright))
    return {
        size: _encode_jpeg(image=square.resize((size, size), Image.Resampling.LANCZOS, reducing_gap=3.0))
        for size in AVATAR_SIZES
    }


def _read_at_most(*, data: IO[bytes], limit: int) -> bytes:
    # A stream may return fewer bytes than asked for before its end, so keep
    # asking, but never for more than what is left of the limit.
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = data.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


@contextmanager
def _refusing_bad_images(*, max_pixels: int) -> Iterator[None]:
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that; turning the
    # warning into an error here (not by changing the global) means a caller's
    # larger max_pixels can never loosen Pillow's own limit. catch_warnings
    # restores the filters on exit.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageRejected(_too_many_pixels_reason(max_pixels=max_pixels)) from error
        except UnidentifiedImageError as error:
            raise ImageRejected(_UNSUPPORTED_REASON) from error
        except _MALFORMED as error:
            raise ImageRejected(_DAMAGED_REASON) from error


def _check_header(*, image: Image.Image, max_pixels: int) -> None:
    if image.format not in _ACCEPTED_FORMATS:
        raise ImageRejected(_UNSUPPORTED_REASON)
    _check_pixels(image=image, max_pixels=_pixel_limit(image=image, max_pixels=max_pixels))
    # JPEG has no frames; PNG and WebP read the count from a header; GIF walks
    # the frame headers without decoding any pixels.
    frame_count = int(getattr(image, "n_frames", 1))
    if frame_count > MAX_FRAMES:
        raise ImageRejected(f"The animation has too many frames; the limit is {MAX_FRAMES}.")


def _pixel_limit(*, image: Image.Image, max_pixels: int) -> int:
    """The most pixels this format may have: JPEGs decode scaled down, the others in full."""
    if image.format in ("JPEG", "MPO"):
        return max_pixels
    if image.format == "GIF":
        return min(max_pixels, MAX_PIXELS_GIF)
    return min(max_pixels, MAX_PIXELS_DECODED)


def _check_pixels(*, image: Image.Image, max_pixels: int) -> None:
    # image.size comes from the header alone, so this runs before any pixel is decoded.
    width, height = image.size
    if width < 1 or height < 1:
        raise ImageRejected(_DAMAGED_REASON)
    if width * height > max_pixels:
        raise ImageRejected(_too_many_pixels_reason(max_pixels=max_pixels))


def _too_many_pixels_reason(*, max_pixels: int) -> str:
    return f"The image has too many pixels; the limit is {max_pixels:,} pixels."


def _describe_bytes(*, count: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if count >= scale:
            return f"{round(count / scale, 1):g} {unit}"
    return f"{count} bytes"


def _flatten_to_rgb(*, image: Image.Image) -> Image.Image:
    if image.mode.startswith("I"):
        # 16-bit greyscale PNGs: a direct conversion would clip every value
        # above 255 to white, so scale the range down first.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flattened = Image.new("RGB", rgba.size, _BACKGROUND)
        flattened.paste(rgba, mask=rgba.getchannel("A"))
        return flattened
    return image.convert("RGB")


def _crop_square(*, image: Image.Image) -> Image.Image:
    width, height = image.size
    side = min(width, height)
    left = (width - side) // 2
    top = (height - side) // 2
    return image.crop((left, top, left + side, top + side))


def _encode_jpeg(*, image: Image.Image) -> bytes:
    # Pillow carries .info through convert, crop and resize, and its JPEG
    # writer still reads some of it (the comment); a fresh canvas carries
    # nothing from the upload.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    buffer = io.BytesIO()
    clean.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()
