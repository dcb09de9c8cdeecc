"""Image files the media tests upload: good ones, and the attacks the issue lists."""

from __future__ import annotations

import io

from PIL import ExifTags, Image

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def png(size=(64, 48), color=(200, 30, 30, 255)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def webp(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, "WEBP")
    return buffer.getvalue()


def jpeg_with_gps(size=(1200, 900)) -> bytes:
    """A JPEG whose EXIF carries a camera model and GPS coordinates."""
    image = Image.new("RGB", size, (30, 160, 90))
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Spy Camera 3000"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 29.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 17.0, 40.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=80)
    return buffer.getvalue()


def decompression_bomb(side: int = 8000) -> bytes:
    """A tiny PNG that decodes to side*side pixels (64 MP by default)."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    return jpeg_with_gps((400, 300))[:600]


def has_gps(content: bytes) -> bool:
    with Image.open(io.BytesIO(content)) as image:
        exif = image.getexif()
        return bool(exif.get_ifd(ExifTags.IFD.GPSInfo)) or bool(exif)
