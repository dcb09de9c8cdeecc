"""The media service's entrypoints through worker_factory, with hand-written fakes of our own
ports (tests/unit/media/fakes.py); MagicMock only for the catalog's proxy."""

import base64

import pytest
from eventlet.semaphore import Semaphore
from nameko.testing.services import worker_factory

from services.media.dependencies import Processor
from services.media.domain import MediaSettings
from services.media.exceptions import ImageTooLarge, ProductNotFound, UnsupportedImageType
from services.media.service import MediaService
from tests.unit.media import images
from tests.unit.media.fakes import FakeMediaRepository, FakeStorage

SELLER = {"user_id": "seller-1", "role": "seller"}


class UnitOfWorkOnly:
    """A session the service may only end (its unit of work commits or rolls back)."""

    def commit(self):
        pass

    def rollback(self):
        pass

    def __getattr__(self, name):
        raise AssertionError(f"the service must use its repository, not the session ({name})")


class UntouchableDb:
    """The service reaches the database only through its repository."""

    session = UnitOfWorkOnly()


@pytest.fixture
def service():
    settings = MediaSettings()
    worker = worker_factory(
        MediaService,
        settings=settings,
        storage=FakeStorage(),
        images=Processor(settings, Semaphore(1)),
        repo=FakeMediaRepository(),
        db=UntouchableDb(),
    )
    worker.catalog_rpc.get_product.return_value = {"id": "prod-1", "seller_id": "seller-1"}
    return worker


def b64(content):
    return base64.b64encode(content).decode()


def test_a_valid_upload_stores_the_original_and_announces_it(service):
    result = service.register_upload("prod-1", "a.png", b64(images.png()), SELLER)
    assert result["status"] == "pending"
    [key] = service.storage.files
    assert key == f"originals/{result['id'][:2]}/{result['id']}.png"
    event = (
        "media_uploaded",
        {
            "media_id": result["id"],
            "product_id": "prod-1",
            "path": f"/srv/media/{key}",
            "key": key,
            "content_type": "image/png",
        },
    )
    # one event, written in the transaction of the upload before its one commit
    assert service.repo.recorded == [event]
    assert service.repo.commits == [[event]]


@pytest.mark.parametrize(
    ("content", "error"),
    [(images.SVG, UnsupportedImageType), (b"x" * (10 * 1024 * 1024 + 8), ImageTooLarge)],
)
def test_a_refused_upload_stores_and_announces_nothing(service, content, error):
    with pytest.raises(error):
        service.register_upload("prod-1", "a.png", b64(content), SELLER)
    assert service.storage.files == {}
    assert service.repo.rows == {}  # nothing added
    assert service.repo.recorded == []  # nothing announced


def test_an_upload_for_a_missing_product_is_refused(service):
    from nameko.exceptions import RemoteError

    service.catalog_rpc.get_product.side_effect = RemoteError("ProductNotFound", "no")
    with pytest.raises(ProductNotFound):
        service.register_upload("nope", "a.png", b64(images.png()), None)
    assert service.storage.files == {}


def test_an_upload_for_another_sellers_product_is_refused_as_not_found(service):
    service.catalog_rpc.get_product.return_value = {"id": "prod-1", "seller_id": "seller-2"}
    with pytest.raises(ProductNotFound):
        service.register_upload("prod-1", "a.png", b64(images.png()), SELLER)
    assert service.storage.files == {}
    assert service.repo.recorded == []


def test_an_admin_uploads_for_any_sellers_product(service):
    service.catalog_rpc.get_product.return_value = {"id": "prod-1", "seller_id": "seller-2"}
    admin = {"user_id": "admin-1", "role": "admin"}
    assert service.register_upload("prod-1", "a.png", b64(images.png()), admin)["id"]
    assert len(service.storage.files) == 1
