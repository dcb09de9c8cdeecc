"""Errors the media service raises; callers receive them as themselves (see common.errors)."""

from services.common.errors import BazaarError, NotFound, ValidationFailed


class MediaError(BazaarError):
    """Base of the media service's errors."""


class ImageTooLarge(MediaError):
    """The file is larger than the upload limit (details: size, limit)."""


class UnsupportedImageType(MediaError):
    """The file does not decode as JPEG, PNG or WebP, whatever its name or content type says."""


class ImageTooManyPixels(MediaError):
    """The image's dimensions exceed the pixel limit (a decompression bomb is refused undecoded)."""


class ImageUnreadable(MediaError):
    """The file claims an accepted format but cannot be decoded (truncated or corrupt)."""


class EmptyUpload(MediaError, ValidationFailed):
    """The upload carries no bytes."""


class MediaNotFound(MediaError, NotFound):
    """No media with this id."""


class ProductNotFound(MediaError, NotFound):
    """The product an image is uploaded for does not exist."""
