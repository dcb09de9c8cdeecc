"""Upload and serving through the gateway's HTTP routes, with the real media service (catalog
replaced): type by decoding, size limits, safe serving of variants only."""

import io

import pytest
import requests
from nameko.events import event_handler
from nameko.testing.services import entrypoint_waiter, replace_dependencies
from PIL import Image

from gateway.routes.media import MediaRoutes
from services.media.service import MediaService
from tests.helpers import truncate_tables
from tests.integration.notifications.conftest import free_port
from tests.integration.notifications.tokens import access_token
from tests.unit.media import images

pytestmark = pytest.mark.integration


class MediaGateway(MediaRoutes):
    name = "gateway"


class Catalog:
    name = "catalog_listener"

    @event_handler("media", "media_processed")
    def handle_media_processed(self, payload):
        return payload


@pytest.fixture(autouse=True)
def clean(config, redis_client):
    truncate_tables(config, "media")
    yield
    truncate_tables(config, "media")


@pytest.fixture
def stack(container_factory, service_config, tmp_path):
    port = free_port()
    cfg = {
        **service_config,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "MEDIA": {**service_config["MEDIA"], "root": str(tmp_path), "await_moderation": False},
    }
    media = container_factory(MediaService, cfg)
    catalog = replace_dependencies(media, "catalog_rpc")
    catalog.get_product.return_value = {"id": "prod-1", "seller_id": "seller-1"}
    listener = container_factory(Catalog, cfg)
    gateway = container_factory(MediaGateway, cfg)
    for container in (media, listener, gateway):
        container.start()
    seller = {"Authorization": f"Bearer {access_token(cfg, 'seller-1', 'seller')}"}
    return f"http://127.0.0.1:{port}", seller, listener, tmp_path, cfg


def post_image(base, headers, content, filename="photo.png", content_type="image/png"):
    return requests.post(
        f"{base}/api/products/prod-1/images",
        headers=headers,
        files={"image": (filename, content, content_type)},
        timeout=30,
    )


def test_seller_upload_is_accepted_at_once_and_its_variants_are_served_safely(stack):
    base, seller, listener, _, _ = stack
    with entrypoint_waiter(listener, "handle_media_processed", timeout=20) as processed:
        response = post_image(base, seller, images.jpeg_with_gps(), "me.jpg", "image/jpeg")
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    event = processed.get()

    served = requests.get(base + event["large_url"], timeout=5)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/webp"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in served.headers["Cache-Control"]
    with Image.open(io.BytesIO(served.content)) as image:
        assert image.format == "WEBP" and not image.getexif()

    status = requests.get(f"{base}/api/media/{event['media_id']}", headers=seller, timeout=5)
    assert status.json()["variants"]["thumbnail"] == event["thumbnail_url"]


@pytest.mark.parametrize(
    ("content", "filename", "status", "code"),
    [
        (images.SVG, "logo.png", 415, "UNSUPPORTED_IMAGE_TYPE"),
        (images.HTML, "page.png", 415, "UNSUPPORTED_IMAGE_TYPE"),
        (images.decompression_bomb(), "bomb.png", 422, "IMAGE_TOO_MANY_PIXELS"),
        (images.truncated_jpeg(), "cut.jpg", 422, "IMAGE_UNREADABLE"),
        (
            b"\x89PNG" + b"\0" * (10 * 1024 * 1024 + 100 * 1024),
            "huge.png",
            413,
            "PAYLOAD_TOO_LARGE",
        ),
        (b"\x89PNG" + b"\0" * (10 * 1024 * 1024 + 10), "big.png", 413, "IMAGE_TOO_LARGE"),
    ],
    ids=["svg", "html", "bomb", "truncated", "oversized-body", "oversized-file"],
)
def test_bad_uploads_are_refused_with_a_code_that_says_why(stack, content, filename, status, code):
    base, seller, listener, root, _ = stack
    response = post_image(base, seller, content, filename)
    assert (response.status_code, response.json()["error"]) == (status, code)
    assert [p for p in root.rglob("*") if p.is_file()] == []
    with entrypoint_waiter(listener, "handle_media_processed", timeout=20):
        assert post_image(base, seller, images.png()).status_code == 202  # still serving


def test_a_body_that_is_not_multipart_is_refused(stack):
    base, seller, _, _, _ = stack
    response = requests.post(
        f"{base}/api/products/prod-1/images",
        data=images.png(),
        headers={**seller, "Content-Type": "image/png"},
        timeout=5,
    )
    assert (response.status_code, response.json()["error"]) == (415, "UNSUPPORTED_MEDIA_TYPE")


def test_customers_may_not_upload(stack):
    base, _, _, _, cfg = stack
    customer = {"Authorization": f"Bearer {access_token(cfg, 'user-1')}"}
    assert post_image(base, customer, images.png()).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/media/originals/ab/secret.jpg",
        "/media/images/../x.webp",
        "/media/images/%2e%2e/%2e%2e/etc/passwd",
        "/media/images/ab/x/page.html",
    ],
)
def test_originals_other_files_and_path_escapes_are_not_served(stack, path):
    base, _, _, root, _ = stack
    (root / "originals" / "ab").mkdir(parents=True)
    (root / "originals" / "ab" / "secret.jpg").write_bytes(images.jpeg_with_gps((10, 10)))
    (root / "images" / "ab" / "x").mkdir(parents=True)
    (root / "images" / "ab" / "x" / "page.html").write_bytes(images.HTML)
    response = requests.get(base + path, timeout=5)
    assert response.status_code == 404
    assert b"script" not in response.content
