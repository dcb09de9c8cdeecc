"""Product images on the whole stack: a seller uploads, media makes the variants, moderation
approves, the catalog shows them; bad files are refused with a code that says why."""

import io
import uuid

from PIL import Image

from tests.e2e.shop import new_product
from tests.helpers import wait_for
from tests.unit.media import images


def photo() -> bytes:
    """A plain gradient photo (a JPEG with GPS EXIF) that moderation has no reason to refuse."""
    gradient = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    buffer = io.BytesIO(images.jpeg_with_gps((8, 8)))
    with Image.open(buffer) as tagged:
        exif = tagged.getexif()
    out = io.BytesIO()
    gradient.save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(api, headers, product_id, content, name="photo.jpg", content_type="image/jpeg"):
    return api.post(
        f"/api/products/{product_id}/images",
        headers=headers,
        files={"image": (name, content, content_type)},
        timeout=30,
    )


def test_a_seller_uploads_an_image_and_sees_its_variants_on_the_product(api, seller_headers):
    product = new_product(api, seller_headers, price="19.99", name="Photo Lamp")
    accepted = upload(api, seller_headers, product["id"], photo())
    assert accepted.status_code == 202, accepted.text
    media_id = accepted.json()["id"]

    def shown():
        fresh = api.get(f"/api/products/{product['id']}", params={"nocache": uuid.uuid4().hex})
        return [i for i in fresh.json().get("images", []) if i["id"] == media_id]

    [image] = wait_for(shown, timeout=30, interval=0.3)
    for url in (image["thumbnailUrl"], image["mediumUrl"], image["largeUrl"]):
        served = api.get(url)
        assert served.status_code == 200
        assert served.headers["Content-Type"] == "image/webp"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert "immutable" in served.headers["Cache-Control"]
        with Image.open(io.BytesIO(served.content)) as variant:
            assert not variant.getexif()  # the GPS position is gone


def test_dangerous_uploads_are_refused_and_never_reach_the_product(
    api, seller_headers, new_customer
):
    product = new_product(api, seller_headers, price="19.99", name="Photo Lamp")
    refused = {
        "svg": upload(api, seller_headers, product["id"], images.SVG, "x.png", "image/png"),
        "html": upload(api, seller_headers, product["id"], images.HTML, "x.png", "image/png"),
        "bomb": upload(
            api, seller_headers, product["id"], images.decompression_bomb(), "b.png", "image/png"
        ),
    }
    assert {k: (r.status_code, r.json()["error"]) for k, r in refused.items()} == {
        "svg": (415, "UNSUPPORTED_IMAGE_TYPE"),
        "html": (415, "UNSUPPORTED_IMAGE_TYPE"),
        "bomb": (422, "IMAGE_TOO_MANY_PIXELS"),
    }
    assert upload(api, new_customer()["headers"], product["id"], photo()).status_code == 403
    fresh = api.get(f"/api/products/{product['id']}", params={"nocache": uuid.uuid4().hex})
    assert fresh.json()["images"] == []
    assert api.get("/media/originals/../../config/bazaar.yaml").status_code == 404
