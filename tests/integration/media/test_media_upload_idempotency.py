"""Idempotency-Key on a product image upload through the gateway and the real media service: a
client's retry frames the same file with a new multipart boundary and is still the same request."""

import pytest
import requests

# the media route tests' stack (gateway, media service, listener) and their table cleaning
from tests.integration.media.test_media_routes import clean, post_image, stack  # noqa: F401
from tests.unit.media import images

pytestmark = pytest.mark.integration


def test_a_retried_upload_with_its_key_is_stored_once_and_gets_the_first_answer(request):
    base, seller, *_ = request.getfixturevalue("stack")
    headers = {**seller, "Idempotency-Key": "upload-1"}
    content = images.png()
    first = post_image(base, headers, content)
    again = post_image(base, headers, content)  # requests draws a new boundary each time
    assert first.status_code == again.status_code == 202, again.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    listed = requests.get(f"{base}/api/products/prod-1/media", headers=seller, timeout=5)
    assert [m["id"] for m in listed.json()["data"]] == [first.json()["id"]]


def test_another_file_with_the_same_key_is_refused(request):
    base, seller, *_ = request.getfixturevalue("stack")
    headers = {**seller, "Idempotency-Key": "upload-2"}
    assert post_image(base, headers, images.png()).status_code == 202
    other = post_image(base, headers, images.png(color=(0, 0, 255, 255)))
    assert (other.status_code, other.json()["error"]) == (409, "IDEMPOTENCY_KEY_REUSED")
