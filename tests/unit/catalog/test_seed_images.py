"""The demo pictures come in the media service's variant sizes, so srcset widths are true."""

from PIL import Image

from scripts.seed.catalog import render_images
from services.media.domain import DEFAULT_VARIANTS

PRODUCT = {"id": "prod-1", "brand": "Anker"}


def test_demo_pictures_have_the_media_services_variant_sizes(tmp_path):
    images = render_images([PRODUCT], tmp_path, "/media")
    image = images["prod-1"][0]
    assert image["thumbnail_url"] == "/media/images/seed/prod-1-thumbnail.webp"
    for variant, edge in DEFAULT_VARIANTS.items():
        with Image.open(tmp_path / "images" / "seed" / f"prod-1-{variant}.webp") as picture:
            assert picture.size == (edge, edge)


def test_a_picture_of_an_older_size_is_drawn_again(tmp_path):
    folder = tmp_path / "images" / "seed"
    folder.mkdir(parents=True)
    Image.new("RGB", (480, 480)).save(folder / "prod-1-large.webp", "WEBP")
    render_images([PRODUCT], tmp_path, "/media")
    with Image.open(folder / "prod-1-large.webp") as picture:
        assert picture.size == (DEFAULT_VARIANTS["large"],) * 2
