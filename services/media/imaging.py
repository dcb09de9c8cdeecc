"""Pillow's side of the image rules: decoding an upload within the limits (`inspect_image`) and
re-encoding it as metadata-free WebP variants (`render_variants`). CPU-bound: the service runs
these off the eventlet hub through dependencies.Processor, the `domain.ImageWork` adapter."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from services.media.domain import (
    ACCEPTED_FORMATS,
    DEFAULT_VARIANTS,
    ImageInfo,
    ImageLimits,
    Variant,
)
from services.media.exceptions import (
    EmptyUpload,
    ImageTooLarge,
    ImageTooManyPixels,
    ImageUnreadable,
    UnsupportedImageType,
)


def configure_pillow(limits: ImageLimits) -> None:
    """Make Pillow's own bomb check use our limit and turn its warning into an error."""
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    warnings.simplefilter("error", Image.DecompressionBombWarning)


def _open(content: bytes, limits: ImageLimits) -> Image.Image:
    """Open (header only) an accepted format, refusing oversized dimensions before any decoding."""
    if not content:
        raise EmptyUpload("the upload is empty")
    if len(content) > limits.max_bytes:
        raise ImageTooLarge(
            f"the file is over {limits.max_bytes} bytes",
            {"size": len(content), "limit": limits.max_bytes},
        )
    try:
        image = Image.open(io.BytesIO(content), formats=list(ACCEPTED_FORMATS))
    except UnidentifiedImageError as exc:
        raise UnsupportedImageType(
            "the file is not a JPEG, PNG or WebP image",
            {"accepted": [t for t, _ in ACCEPTED_FORMATS.values()]},
        ) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooManyPixels(
            "the image has too many pixels", {"limit": limits.max_pixels}
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageUnreadable("the image cannot be decoded") from exc
    width, height = image.size
    if width * height > limits.max_pixels or width < 1 or height < 1:
        image.close()
        raise ImageTooManyPixels(
            f"the image is {width}x{height}, over {limits.max_pixels} pixels",
            {"width": width, "height": height, "limit": limits.max_pixels},
        )
    return image


def _decode(image: Image.Image, limits: ImageLimits) -> None:
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooManyPixels(
            "the image has too many pixels", {"limit": limits.max_pixels}
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        raise ImageUnreadable("the image cannot be decoded") from exc


def inspect_image(content: bytes, limits: ImageLimits) -> ImageInfo:
    """Decode an upload completely and describe it; raises EmptyUpload, ImageTooLarge,
    UnsupportedImageType (415), ImageTooManyPixels or ImageUnreadable (422)."""
    image = _open(content, limits)
    with image:
        _decode(image, limits)
        fmt = str(image.format)  # set: Image.open only identifies the accepted formats
        content_type, extension = ACCEPTED_FORMATS[fmt]
        return ImageInfo(fmt, content_type, extension, image.width, image.height, len(content))


def _normalised(image: Image.Image) -> Image.Image:
    """Orientation applied, RGB or RGBA pixels, and nothing else: no EXIF, XMP, ICC or comments."""
    image = ImageOps.exif_transpose(image) or image
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    converted = image.convert(mode) if image.mode != mode else image
    clean = Image.new(mode, converted.size)  # a fresh image carries no metadata at all
    clean.paste(converted)
    return clean


def render_variants(
    content: bytes,
    limits: ImageLimits,
    sizes: dict[str, int] | None = None,
    quality: int = 82,
) -> list[Variant]:
    """Re-encode an upload as WebP variants (longest edge per `sizes`), all metadata stripped."""
    image = _open(content, limits)
    with image:
        _decode(image, limits)
        clean = _normalised(image)
    variants = []
    for name, edge in (sizes or DEFAULT_VARIANTS).items():
        resized = clean.copy()
        resized.thumbnail((edge, edge), Image.Resampling.LANCZOS)
        resized.info = {}
        buffer = io.BytesIO()
        resized.save(buffer, "WEBP", quality=quality, method=4)
        variants.append(Variant(name, buffer.getvalue(), resized.width, resized.height))
    return variants
