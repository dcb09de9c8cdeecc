"""What the media service's entrypoints are given: settings, storage, an off-hub image processor,
and the catalog lookups over its RPC proxy (the repository is in repository.py)."""

from __future__ import annotations

from eventlet import tpool
from eventlet.semaphore import Semaphore
from nameko.exceptions import RemoteError
from nameko.extensions import DependencyProvider

from services.common.errors import NotFound
from services.media import domain, imaging
from services.media.domain import MediaSettings, Storage
from services.media.exceptions import ProductNotFound
from services.media.settings import settings_from_config
from services.media.storage import LocalStorage


class Settings(DependencyProvider):
    """The MEDIA config block as `MediaSettings`."""

    def setup(self):
        self.settings = settings_from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.settings


class MediaStorage(DependencyProvider):
    """The configured `Storage` (local disk under MEDIA.root)."""

    def setup(self):
        settings = settings_from_config(self.container.config)
        self.storage: Storage = LocalStorage(settings.root, settings.base_url)

    def get_dependency(self, worker_ctx):
        return self.storage


class Processor(domain.ImageWork):
    """The `domain.ImageWork` port: imaging.py's Pillow work in eventlet's thread pool, at most
    `workers` images at a time per process, so decoding never blocks the hub (AMQP heartbeats)
    nor exhausts memory."""

    def __init__(self, settings: MediaSettings, gate: Semaphore):
        self.settings = settings
        self.gate = gate

    def _run(self, func, *args, **kwargs):
        with self.gate:
            return tpool.execute(func, *args, **kwargs)

    def inspect(self, content: bytes) -> domain.ImageInfo:
        return self._run(imaging.inspect_image, content, self.settings.limits)

    def render(self, content: bytes) -> list[domain.Variant]:
        return self._run(
            imaging.render_variants,
            content,
            self.settings.limits,
            self.settings.variants,
            self.settings.quality,
        )


class ImageProcessor(DependencyProvider):
    def setup(self):
        self.settings = settings_from_config(self.container.config)
        imaging.configure_pillow(self.settings.limits)
        self.gate = Semaphore(max(1, self.settings.workers))

    def get_dependency(self, worker_ctx):
        return Processor(self.settings, self.gate)


class RpcCatalog(domain.CatalogLookups):
    """The catalog lookups over the service's `catalog_rpc` proxy."""

    def __init__(self, catalog_rpc):
        self.catalog_rpc = catalog_rpc

    def product_seller(self, product_id: str) -> str | None:
        try:
            product = self.catalog_rpc.get_product(product_id)
        except NotFound as exc:
            raise ProductNotFound(f"no product {product_id}", {"product_id": product_id}) from exc
        except RemoteError as exc:
            if exc.exc_type.endswith("NotFound"):
                raise ProductNotFound(
                    f"no product {product_id}", {"product_id": product_id}
                ) from exc
            raise
        return product.get("seller_id")

    def detach_media(self, product_id: str, media_id: str) -> None:
        self.catalog_rpc.detach_media(product_id, media_id)
