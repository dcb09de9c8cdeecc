"""The media service against real RabbitMQ and PostgreSQL; the catalog is replaced."""

import base64
import io

import pytest
from nameko.events import event_handler
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_hook, entrypoint_waiter, replace_dependencies
from PIL import Image
from sqlalchemy import text

from services.media.exceptions import (
    ImageTooLarge,
    ImageTooManyPixels,
    ProductNotFound,
    UnsupportedImageType,
)
from services.media.service import MediaService
from tests.helpers import engine_for, truncate_tables
from tests.unit.media import images

pytestmark = pytest.mark.integration


class Listener:
    """Stands in for the catalog's event handlers."""

    name = "listener"

    @event_handler("media", "media_processed")
    def handle_media_processed(self, payload):
        return payload

    @event_handler("media", "media_rejected")
    def handle_media_rejected(self, payload):
        return payload


@pytest.fixture(autouse=True)
def clean(config):
    truncate_tables(config, "media")
    yield
    truncate_tables(config, "media")


SELLER = {"user_id": "seller-1", "role": "seller"}


def make_media(container_factory, service_config, tmp_path, await_moderation):
    cfg = {
        **service_config,
        "MEDIA": {
            **service_config["MEDIA"],
            "root": str(tmp_path),
            "await_moderation": await_moderation,
        },
    }
    container = container_factory(MediaService, cfg)
    catalog = replace_dependencies(container, "catalog_rpc")
    catalog.get_product.return_value = {"id": "prod-1", "seller_id": "seller-1"}
    listener = container_factory(Listener, cfg)
    container.start()
    listener.start()
    return container, listener, catalog, cfg


def upload(container, content, product_id="prod-1", filename="photo.png"):
    with entrypoint_hook(container, "register_upload") as register:
        return register(product_id, filename, base64.b64encode(content).decode(), SELLER)


def count_rows(config):
    with engine_for(config, "media").connect() as conn:
        return conn.execute(text("SELECT count(*) FROM media")).scalar_one()


def files_under(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_upload_is_processed_into_clean_webp_variants_and_announced(
    container_factory, service_config, tmp_path
):
    container, listener, _, _ = make_media(container_factory, service_config, tmp_path, False)
    with entrypoint_waiter(listener, "handle_media_processed", timeout=20) as processed:
        result = upload(container, images.jpeg_with_gps(), filename="holiday.jpg")
    assert result["status"] == "pending"
    event = processed.get()
    assert event["media_id"] == result["id"] and event["product_id"] == "prod-1"
    assert set(event["variants"]) == {"thumbnail", "medium", "large"}
    assert event["thumbnail_url"].startswith("/media/images/")
    for url in event["variants"].values():
        content = (tmp_path / url.removeprefix("/media/")).read_bytes()
        with Image.open(io.BytesIO(content)) as image:
            assert image.format == "WEBP"
            assert not image.getexif()
        assert b"Spy Camera" not in content
    originals = [f for f in files_under(tmp_path) if f.startswith("originals/")]
    assert originals == [f"originals/{result['id'][:2]}/{result['id']}.jpg"]
    with entrypoint_hook(container, "get_media") as get_media:
        media = get_media(result["id"])
    assert media["status"] == "processed" and media["published"]
    assert media["variants"]["large"] == event["large_url"]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (images.decompression_bomb(), ImageTooManyPixels),
        (images.SVG, UnsupportedImageType),
        (images.HTML, UnsupportedImageType),
        (b"\xff\xd8" + b"x" * (10 * 1024 * 1024), ImageTooLarge),
    ],
    ids=["bomb", "svg-named-png", "html-named-png", "oversized"],
)
def test_attacks_are_refused_nothing_is_stored_and_the_service_keeps_serving(
    container_factory, service_config, tmp_path, content, error
):
    container, listener, _, cfg = make_media(container_factory, service_config, tmp_path, False)
    with pytest.raises(error):
        upload(container, content)
    assert count_rows(cfg) == 0
    assert files_under(tmp_path) == []
    with entrypoint_waiter(listener, "handle_media_processed", timeout=20):
        assert upload(container, images.png())["status"] == "pending"


def test_upload_for_an_unknown_product_is_refused(container_factory, service_config, tmp_path):
    container, _, catalog, cfg = make_media(container_factory, service_config, tmp_path, False)
    catalog.get_product.side_effect = ProductNotFound("no product")
    with pytest.raises(ProductNotFound):
        upload(container, images.png(), product_id="nope")
    assert count_rows(cfg) == 0


def moderate(cfg, media_id, verdict):
    dispatch = event_dispatcher(cfg)
    dispatch(
        "moderation",
        "content_moderated",
        {
            "subject_type": "media",
            "subject_id": media_id,
            "verdict": verdict,
            "scores": {},
            "model": "test",
            "model_version": "1",
        },
    )


def test_awaited_image_is_published_only_after_approval(
    container_factory, service_config, tmp_path
):
    container, listener, _, cfg = make_media(container_factory, service_config, tmp_path, True)
    with entrypoint_waiter(container, "handle_media_uploaded", timeout=20):
        media_id = upload(container, images.png())["id"]
    with entrypoint_hook(container, "get_media") as get_media:
        assert get_media(media_id)["status"] == "processed"
        assert not get_media(media_id)["published"]
    with entrypoint_waiter(listener, "handle_media_processed", timeout=10) as processed:
        moderate(cfg, media_id, "approved")
    assert processed.get()["media_id"] == media_id


def test_rejected_image_is_never_published_and_its_files_are_deleted(
    container_factory, service_config, tmp_path
):
    container, listener, catalog, cfg = make_media(
        container_factory, service_config, tmp_path, True
    )
    with entrypoint_waiter(container, "handle_media_uploaded", timeout=20):
        media_id = upload(container, images.png())["id"]
    with entrypoint_waiter(listener, "handle_media_rejected", timeout=10) as rejected:
        moderate(cfg, media_id, "rejected")
    event = rejected.get()
    assert {k: v for k, v in event.items() if k not in ("event_id", "occurred_at")} == {
        "media_id": media_id,
        "product_id": "prod-1",
    }
    assert event["event_id"] and event["occurred_at"]  # published by the outbox relay
    assert files_under(tmp_path) == []
    with entrypoint_waiter(container, "handle_content_moderated", timeout=10):
        moderate(cfg, media_id, "approved")  # a late approval changes nothing
    with entrypoint_hook(container, "get_media") as get_media:
        media = get_media(media_id)
    assert (media["status"], media["published"], media["variants"]) == ("rejected", False, {})
    catalog.detach_media.assert_not_called()


def test_rejection_after_publication_detaches_the_image(
    container_factory, service_config, tmp_path
):
    container, listener, catalog, cfg = make_media(
        container_factory, service_config, tmp_path, False
    )
    with entrypoint_waiter(listener, "handle_media_processed", timeout=20):
        media_id = upload(container, images.png())["id"]
    with entrypoint_waiter(container, "handle_content_moderated", timeout=10):
        moderate(cfg, media_id, "rejected")
    catalog.detach_media.assert_called_once_with("prod-1", media_id)
    assert files_under(tmp_path) == []


def test_an_upload_whose_event_was_lost_is_resumed_by_the_timer(
    container_factory, service_config, tmp_path
):
    container, listener, _, cfg = make_media(container_factory, service_config, tmp_path, False)
    with entrypoint_waiter(listener, "handle_media_processed", timeout=20):
        media_id = upload(container, images.png())["id"]
    with engine_for(cfg, "media").begin() as conn:  # as if the event had never arrived
        conn.execute(
            text(
                "UPDATE media SET status = 'pending', published = false, variants = '{}', "
                "updated_at = now() - interval '1 hour' WHERE id = :id"
            ),
            {"id": media_id},
        )
    with (
        entrypoint_waiter(listener, "handle_media_processed", timeout=20) as processed,
        entrypoint_hook(container, "resume_stalled_uploads") as resume,
    ):
        resume()
    assert processed.get()["media_id"] == media_id
