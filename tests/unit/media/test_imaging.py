"""Pillow's side of the image rules (services/media/imaging.py): which uploads decode within the
limits, and variants re-encoded without metadata."""

import io

import pytest
from PIL import Image

from services.media import imaging
from services.media.domain import ImageLimits
from services.media.exceptions import (
    EmptyUpload,
    ImageTooLarge,
    ImageTooManyPixels,
    ImageUnreadable,
    UnsupportedImageType,
)
from services.media.imaging import inspect_image, render_variants
from tests.unit.media import images

LIMITS = ImageLimits(max_bytes=10 * 1024 * 1024, max_pixels=40_000_000)


@pytest.mark.parametrize(
    ("content", "fmt", "content_type"),
    [
        (images.png(), "PNG", "image/png"),
        (images.webp(), "WEBP", "image/webp"),
        (images.jpeg_with_gps(), "JPEG", "image/jpeg"),
    ],
)
def test_accepted_formats_are_recognised_by_decoding(content, fmt, content_type):
    info = inspect_image(content, LIMITS)
    assert (info.format, info.content_type, info.size_bytes) == (fmt, content_type, len(content))


@pytest.mark.parametrize("content", [images.SVG, images.HTML, b"GIF89a" + b"\0" * 64])
def test_svg_html_and_other_formats_are_unsupported_whatever_their_name(content):
    with pytest.raises(UnsupportedImageType):
        inspect_image(content, LIMITS)


def test_gif_is_refused_even_though_pillow_reads_it():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    with pytest.raises(UnsupportedImageType):
        inspect_image(buffer.getvalue(), LIMITS)


def test_decompression_bomb_is_refused_before_decoding():
    bomb = images.decompression_bomb()
    assert len(bomb) < 200_000
    with pytest.raises(ImageTooManyPixels) as caught:
        inspect_image(bomb, LIMITS)
    assert caught.value.details["width"] == 8000


def test_pillows_own_bomb_warning_is_an_error_once_configured():
    imaging.configure_pillow(ImageLimits(max_pixels=1000))
    try:
        with pytest.raises(ImageTooManyPixels):
            inspect_image(images.png((40, 30)), ImageLimits(max_pixels=10**9))
    finally:
        imaging.configure_pillow(LIMITS)


def test_oversized_file_is_refused_without_decoding():
    with pytest.raises(ImageTooLarge) as caught:
        inspect_image(images.png(), ImageLimits(max_bytes=100))
    assert caught.value.details["limit"] == 100


def test_truncated_image_is_unreadable():
    with pytest.raises(ImageUnreadable):
        inspect_image(images.truncated_jpeg(), LIMITS)


def test_empty_upload_is_refused():
    with pytest.raises(EmptyUpload):
        inspect_image(b"", LIMITS)


def test_variants_are_webp_of_the_configured_sizes_without_any_metadata():
    original = images.jpeg_with_gps((1200, 900))
    assert images.has_gps(original)
    variants = {v.name: v for v in render_variants(original, LIMITS)}
    assert set(variants) == {"thumbnail", "medium", "large"}
    assert (variants["thumbnail"].width, variants["thumbnail"].height) == (200, 150)
    assert (variants["medium"].width, variants["large"].width) == (800, 1200)  # never upscaled
    for variant in variants.values():
        with Image.open(io.BytesIO(variant.content)) as image:
            assert image.format == "WEBP"
            assert not image.getexif()
            assert not {"exif", "xmp", "icc_profile"} & set(image.info)
        assert b"Spy Camera" not in variant.content


def test_transparency_survives_re_encoding():
    [thumb] = render_variants(images.png(color=(0, 0, 0, 0)), LIMITS, {"thumbnail": 32})
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0
