"""Avatar processing: what comes out of a good upload, and every kind of bad upload it refuses."""

import io
import os
import struct
import warnings
import zlib

import pytest
from PIL import ExifTags, GifImagePlugin, Image, ImageCms, ImageFile

from creators.images import AVATAR_SIZES, MAX_FRAMES, ImageRejected, avatar_process

RED = (255, 0, 0)
GREEN = (0, 255, 0)
BLUE = (0, 0, 255)
WHITE = (255, 255, 255)
UNSUPPORTED = "The file is not a JPEG, PNG, WebP or GIF image."
DAMAGED = "The image is damaged or incomplete."
TOO_MANY_PIXELS = "The image has too many pixels; the limit is 40,000,000 pixels."


def _encoded(image: Image.Image, *, format: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **params)
    return buffer.getvalue()


def _process(data: bytes, **limits) -> dict[int, bytes]:
    return avatar_process(data=io.BytesIO(data), **limits)


def _refusal(data: bytes, **limits) -> str:
    with pytest.raises(ImageRejected) as caught:
        _process(data, **limits)
    assert str(caught.value) == caught.value.reason
    return caught.value.reason


def _opened(jpeg: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(jpeg))
    image.load()
    return image


def _is_near(pixel, expected, *, tolerance: int = 24) -> bool:
    # JPEG is lossy, so a flat colour comes back within a few steps of itself.
    return all(abs(got - want) <= tolerance for got, want in zip(pixel, expected, strict=True))


def _quadrants(image: Image.Image):
    # Sample the middle of each quadrant, away from edges where JPEG rings.
    near, far = image.width // 4, image.width * 3 // 4
    return {
        "top_left": image.getpixel((near, near)),
        "top_right": image.getpixel((far, near)),
        "bottom_left": image.getpixel((near, far)),
        "bottom_right": image.getpixel((far, far)),
    }


def _forbid_decoding(monkeypatch) -> None:
    def fail(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", fail)


def _blank_png(*, width: int, height: int) -> bytes:
    """A valid all-black 1-bit PNG; zero rows compress ~1000:1, so it is tiny on disk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    compressor = zlib.compressobj(9)
    rows_per_block = 1000
    blocks = [compressor.compress(row * rows_per_block) for _ in range(height // rows_per_block)]
    pixels = b"".join(blocks) + compressor.compress(row * (height % rows_per_block)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _gif(frames: list[Image.Image]) -> bytes:
    return _encoded(frames[0], format="GIF", save_all=True, append_images=frames[1:], duration=50)


def test_jpeg_with_exif_orientation_comes_out_upright_and_without_metadata():
    # As stored the red block is top left; orientation 6 means "turn 90° clockwise
    # to view", which puts it top right.
    stored = Image.new("RGB", (64, 64), BLUE)
    stored.paste(RED, (0, 0, 32, 32))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Joyreel Test Camera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = _encoded(
        stored, format="JPEG", quality=95, exif=exif.tobytes(), icc_profile=srgb, comment=b"taken at home"
    )
    uploaded = Image.open(io.BytesIO(upload))
    assert uploaded.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert {"exif", "icc_profile", "comment"} <= set(uploaded.info)

    avatars = _process(upload)

    for size in AVATAR_SIZES:
        avatar = _opened(avatars[size])
        quadrants = _quadrants(avatar)
        assert _is_near(quadrants["top_right"], RED), quadrants
        assert _is_near(quadrants["top_left"], BLUE), quadrants
        assert _is_near(quadrants["bottom_left"], BLUE), quadrants
        assert _is_near(quadrants["bottom_right"], BLUE), quadrants
        assert dict(avatar.getexif()) == {}
        assert {"exif", "icc_profile", "comment", "xmp"} & set(avatar.info) == set()
        assert b"Exif" not in avatars[size]
        assert b"Joyreel Test Camera" not in avatars[size]


def test_output_is_exactly_one_rgb_jpeg_per_avatar_size():
    avatars = _process(_encoded(Image.new("RGB", (500, 500), GREEN), format="PNG"))

    assert sorted(avatars) == [96, 320]
    for size, jpeg in avatars.items():
        avatar = _opened(jpeg)
        assert (avatar.format, avatar.mode, avatar.size) == ("JPEG", "RGB", (size, size))
        assert _is_near(avatar.getpixel((size // 2, size // 2)), GREEN)


def test_png_transparency_is_flattened_on_white():
    # Opaque red on the left half, fully transparent (but green underneath) on the right.
    image = Image.new("RGBA", (100, 100), (0, 255, 0, 0))
    image.paste((255, 0, 0, 255), (0, 0, 50, 100))

    avatar = _opened(_process(_encoded(image, format="PNG"))[320])

    quadrants = _quadrants(avatar)
    assert _is_near(quadrants["top_left"], RED), quadrants
    assert _is_near(quadrants["bottom_left"], RED), quadrants
    assert _is_near(quadrants["top_right"], WHITE), quadrants
    assert _is_near(quadrants["bottom_right"], WHITE), quadrants


@pytest.mark.parametrize(
    ("size", "red_box", "blue_box"),
    [
        ((300, 100), (100, 0, 200, 100), (200, 0, 300, 100)),
        ((100, 300), (0, 100, 100, 200), (0, 200, 100, 300)),
    ],
)
def test_non_square_image_is_cropped_to_its_centre(size, red_box, blue_box):
    # Green, red, blue thirds along the long side: only the red middle square survives.
    image = Image.new("RGB", size, GREEN)
    image.paste(RED, red_box)
    image.paste(BLUE, blue_box)

    for side, jpeg in _process(_encoded(image, format="PNG")).items():
        avatar = _opened(jpeg)
        corners = [(0, 0), (side - 1, 0), (0, side - 1), (side - 1, side - 1)]
        assert [_is_near(avatar.getpixel(corner), RED) for corner in corners] == [True] * 4


def test_animated_gif_uses_its_first_frame():
    frames = [Image.new("RGB", (16, 16), colour) for colour in (RED, BLUE, GREEN)]

    avatar = _opened(_process(_gif(frames))[96])

    assert _is_near(avatar.getpixel((48, 48)), RED)


def test_sixteen_bit_greyscale_png_keeps_its_tone():
    image = Image.new("I;16", (8, 8), 32768)  # mid grey on a 0–65535 scale

    avatar = _opened(_process(_encoded(image, format="PNG"))[96])

    assert _is_near(avatar.getpixel((48, 48)), (128, 128, 128), tolerance=2)


@pytest.mark.parametrize(
    ("mode", "format"),
    [
        ("1", "PNG"),
        ("L", "PNG"),
        ("LA", "PNG"),
        ("P", "PNG"),
        ("RGB", "PNG"),
        ("RGBA", "PNG"),
        ("L", "JPEG"),
        ("CMYK", "JPEG"),
        ("RGB", "WEBP"),
        ("RGBA", "WEBP"),
        ("P", "GIF"),
    ],
)
def test_every_accepted_format_and_mode_becomes_rgb_avatars(mode, format):
    avatars = _process(_encoded(Image.new(mode, (40, 30)), format=format))

    assert {size: _opened(jpeg).size for size, jpeg in avatars.items()} == {96: (96, 96), 320: (320, 320)}
    assert {_opened(jpeg).mode for jpeg in avatars.values()} == {"RGB"}


@pytest.mark.parametrize(
    ("width", "height", "refusal"),
    [
        # 900 Mpx: beyond twice Pillow's own limit, which raises on open
        (30_000, 30_000, TOO_MANY_PIXELS),
        # 48 Mpx: Pillow would decode it, our check must not
        (8_000, 6_000, "The image has too many pixels; the limit is 12,000,000 pixels."),
        # just over what a PNG avatar may have (decoded in full, unlike a JPEG)
        (4_000, 3_001, "The image has too many pixels; the limit is 12,000,000 pixels."),
    ],
)
def test_decompression_bomb_png_is_refused_before_any_pixel_is_decoded(monkeypatch, width, height, refusal):
    bomb = _blank_png(width=width, height=height)
    assert len(bomb) < 200_000
    _forbid_decoding(monkeypatch)

    assert _refusal(bomb) == refusal


def test_a_large_animated_gif_is_refused_before_any_frame_is_decoded(monkeypatch):
    """A 4000×4000 animation (40 such frames took 0.6 s and 173 MB to make an avatar of)."""
    frames = [Image.new("P", (4000, 4000), index % 2) for index in range(3)]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    _forbid_decoding(monkeypatch)

    assert _refusal(out.getvalue()) == "The image has too many pixels; the limit is 4,194,304 pixels."


def test_a_phone_sized_png_screenshot_is_still_accepted():
    assert sorted(_process(_blank_png(width=1290, height=2796))) == [96, 320]


def test_a_max_pixels_above_pillows_own_limit_does_not_loosen_it(monkeypatch):
    # 100 Mpx is over Image.MAX_IMAGE_PIXELS (~89 Mpx), where Pillow only warns.
    # Even with warnings ignored, the caller's 200 Mpx must not let it through.
    bomb = _blank_png(width=10_000, height=10_000)
    _forbid_decoding(monkeypatch)
    pillow_limit = Image.MAX_IMAGE_PIXELS

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        filters_before = list(warnings.filters)
        reason = _refusal(bomb, max_pixels=200_000_000)
        assert warnings.filters == filters_before

    assert reason == "The image has too many pixels; the limit is 200,000,000 pixels."
    assert pillow_limit == Image.MAX_IMAGE_PIXELS


def test_max_pixels_is_inclusive():
    upload = _encoded(Image.new("RGB", (100, 100), RED), format="PNG")

    assert sorted(_process(upload, max_pixels=10_000)) == [96, 320]
    assert _refusal(upload, max_pixels=9_999) == "The image has too many pixels; the limit is 9,999 pixels."


def test_gif_with_a_huge_logical_screen_is_refused_before_decoding(monkeypatch):
    gif = bytearray(_gif([Image.new("P", (1, 1))]))
    gif[6:10] = struct.pack("<HH", 65_535, 65_535)  # the logical screen: 4.3 Gpx
    _forbid_decoding(monkeypatch)

    assert _refusal(bytes(gif)) == TOO_MANY_PIXELS


def test_gif_with_too_many_frames_is_refused():
    # Alternate colours, or Pillow merges identical frames when saving.
    frames = [Image.new("RGB", (1, 1), RED if index % 2 else BLUE) for index in range(MAX_FRAMES + 1)]
    upload = _gif(frames)
    opened = Image.open(io.BytesIO(upload))
    assert isinstance(opened, GifImagePlugin.GifImageFile)
    assert opened.n_frames == MAX_FRAMES + 1

    assert _refusal(upload) == f"The animation has too many frames; the limit is {MAX_FRAMES}."
    assert sorted(_process(_gif(frames[:MAX_FRAMES]))) == [96, 320]


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            b'<rect width="10" height="10" fill="red"/></svg>',
            id="svg",
        ),
        pytest.param(b"Hello, this is a text file called avatar.jpg\n", id="text"),
        pytest.param(_encoded(Image.new("RGB", (10, 10), RED), format="BMP"), id="bmp"),
        pytest.param(_encoded(Image.new("RGB", (10, 10), RED), format="TIFF"), id="tiff"),
        pytest.param(b"\xff\xd8\xff", id="jpeg_magic_only"),
    ],
)
def test_anything_but_jpeg_png_webp_or_gif_is_refused(upload):
    assert _refusal(upload) == UNSUPPORTED


def test_empty_file_is_refused():
    assert _refusal(b"") == "The file is empty."


@pytest.mark.parametrize("format", ["JPEG", "PNG"])
def test_truncated_image_is_refused(format):
    # Noise does not compress, so half the file is missing half the pixels.
    noise = Image.frombytes("RGB", (128, 128), os.urandom(128 * 128 * 3))
    whole = _encoded(noise, format=format)

    assert _refusal(whole[: len(whole) // 2]) == DAMAGED
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_png_with_a_broken_checksum_is_refused():
    # The pixels are intact and would decode; only verify() checks chunk CRCs.
    upload = bytearray(_encoded(Image.new("RGB", (10, 10), RED), format="PNG"))
    idat_crc_end = upload.index(b"IEND") - 4
    upload[idat_crc_end - 1] ^= 0xFF

    assert _refusal(bytes(upload)) == DAMAGED


def test_file_over_max_bytes_is_refused_after_reading_one_byte_past_the_limit():
    upload = io.BytesIO(b"\x00" * 10_000)

    with pytest.raises(ImageRejected) as caught:
        avatar_process(data=upload, max_bytes=100)

    assert caught.value.reason == "The file is larger than 100 bytes."
    assert upload.tell() == 101


def test_file_of_exactly_max_bytes_is_accepted():
    upload = _encoded(Image.new("RGB", (10, 10), RED), format="PNG")

    assert sorted(_process(upload, max_bytes=len(upload))) == [96, 320]
    assert _refusal(upload, max_bytes=len(upload) - 1) == f"The file is larger than {len(upload) - 1} bytes."


def test_default_size_limit_is_described_in_megabytes():
    assert _refusal(b"\x00" * (5 * 1024 * 1024 + 1)) == "The file is larger than 5 MB."
