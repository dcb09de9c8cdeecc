"""Where media bytes live: the local-disk adapter of the `domain.Storage` port, used by default.

Keys are relative POSIX paths made by the service (`images/ab/<id>/large.webp`); an adapter maps
them to its store and to public URLs. An S3-compatible adapter implements the same six methods
(put_object / get_object / delete_object, URLs on the bucket's public endpoint or a CDN).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from services.media.domain import Storage

_SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*(/[A-Za-z0-9][A-Za-z0-9._\-]*)*$")


class InvalidKey(ValueError):
    """A storage key that could escape the store (absolute, `..`, odd characters)."""


def check_key(key: str) -> str:
    if not _SAFE_KEY.match(key) or ".." in key.split("/"):
        raise InvalidKey(key)
    return key


class LocalStorage(Storage):
    """Files under `root` (config MEDIA.root), served by the gateway at `base_url` (`/media`)."""

    def __init__(self, root: str | Path, base_url: str = "/media"):
        self.root = Path(root).resolve()
        self.base_url = base_url.rstrip("/")

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def save(self, key: str, content: bytes, content_type: str) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(content)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        target = self.path(key)
        target.unlink(missing_ok=True)
        # drop the emptied per-image directory, never the root
        parent = target.parent
        while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def url(self, key: str) -> str:
        return f"{self.base_url}/{check_key(key)}"

    def locate(self, key: str) -> str:
        return str(self.path(key))
