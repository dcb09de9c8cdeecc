"""Demo catalog: a three-level category tree, about 200 products of a dozen brands, with
locally generated images (Pillow, no downloads). Idempotent: existing rows are left alone.

Product ids are stable (`prod-1` ... `prod-N`) and `demo_stock()` gives each one's stock, which
the inventory seed loads and the catalog stores as its denormalised availability.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from services.catalog import domain
from services.common.config import MEDIA, db_uri
from services.common.demo import DEMO_SELLER_EMAIL, demo_user_id

# (root, child, leaf, brands, nouns, price range in dollars, attribute)
TREE = [
    (
        "Electronics",
        "Audio",
        "Headphones",
        ["Sony", "Bose", "Sennheiser", "JBL", "Anker"],
        [
            "Wireless Noise Cancelling Headphones",
            "Over-Ear Studio Headphones",
            "Bluetooth Sport Earbuds",
            "True Wireless Earbuds",
            "Gaming Headset",
        ],
        (29, 399),
        "color",
    ),
    (
        "Electronics",
        "Audio",
        "Speakers",
        ["JBL", "Bose", "Sony", "Anker"],
        [
            "Portable Bluetooth Speaker",
            "Smart Home Speaker",
            "Waterproof Party Speaker",
            "Bookshelf Speakers",
        ],
        (39, 499),
        "color",
    ),
    (
        "Electronics",
        "Computers",
        "Laptops",
        ["Apple", "Dell", "Lenovo", "Asus"],
        [
            "Ultrabook Laptop 14-inch",
            "Gaming Laptop 16-inch",
            "2-in-1 Convertible Laptop",
            "Business Laptop 15-inch",
        ],
        (499, 2499),
        "memory",
    ),
    (
        "Electronics",
        "Computers",
        "Keyboards",
        ["Logitech", "Keychron", "Razer", "Corsair"],
        ["Mechanical Keyboard", "Wireless Keyboard", "Ergonomic Split Keyboard"],
        (39, 229),
        "switch",
    ),
    (
        "Electronics",
        "Computers",
        "Monitors",
        ["Dell", "LG", "Samsung", "Asus"],
        ["27-inch 4K Monitor", "34-inch Ultrawide Monitor", "24-inch Office Monitor"],
        (149, 999),
        "size",
    ),
    (
        "Electronics",
        "Phones",
        "Smartphones",
        ["Apple", "Samsung", "Google"],
        ["Smartphone 128GB", "Smartphone 256GB", "Compact Smartphone"],
        (299, 1299),
        "color",
    ),
    (
        "Electronics",
        "Phones",
        "Chargers",
        ["Anker", "Belkin", "Samsung"],
        ["USB-C Fast Charger", "Wireless Charging Pad", "Power Bank 20000mAh"],
        (15, 89),
        "power",
    ),
    (
        "Home & Kitchen",
        "Kitchen",
        "Coffee Makers",
        ["Breville", "De'Longhi", "Nespresso"],
        ["Espresso Machine", "Drip Coffee Maker", "Cold Brew Coffee Maker", "Milk Frother"],
        (49, 899),
        "capacity",
    ),
    (
        "Home & Kitchen",
        "Kitchen",
        "Cookware",
        ["Lodge", "Le Creuset", "T-fal"],
        ["Cast Iron Skillet", "Nonstick Frying Pan", "Dutch Oven", "Stainless Steel Saucepan"],
        (25, 399),
        "size",
    ),
    (
        "Home & Kitchen",
        "Furniture",
        "Office Chairs",
        ["Herman Miller", "Steelcase", "IKEA"],
        ["Ergonomic Office Chair", "Mesh Task Chair", "Gaming Chair"],
        (129, 1499),
        "color",
    ),
    (
        "Home & Kitchen",
        "Furniture",
        "Desks",
        ["IKEA", "Fully", "Flexispot"],
        ["Standing Desk", "Writing Desk", "Corner Desk"],
        (149, 899),
        "size",
    ),
    (
        "Sports & Outdoors",
        "Fitness",
        "Yoga Mats",
        ["Manduka", "Lululemon", "Gaiam"],
        ["Non-Slip Yoga Mat", "Travel Yoga Mat", "Extra Thick Exercise Mat"],
        (19, 129),
        "color",
    ),
    (
        "Sports & Outdoors",
        "Fitness",
        "Dumbbells",
        ["Bowflex", "PowerBlock", "CAP"],
        ["Adjustable Dumbbells", "Hex Dumbbell Pair", "Neoprene Dumbbell Set"],
        (29, 549),
        "weight",
    ),
    (
        "Sports & Outdoors",
        "Camping",
        "Tents",
        ["Coleman", "REI", "MSR"],
        ["2-Person Backpacking Tent", "4-Person Family Tent", "Ultralight Tent"],
        (79, 599),
        "size",
    ),
    (
        "Sports & Outdoors",
        "Camping",
        "Backpacks",
        ["Osprey", "The North Face", "Patagonia"],
        ["Hiking Backpack 40L", "Daypack 22L", "Travel Backpack"],
        (49, 299),
        "color",
    ),
    (
        "Clothing",
        "Men",
        "Jackets",
        ["Patagonia", "The North Face", "Columbia"],
        ["Waterproof Rain Jacket", "Down Puffer Jacket", "Fleece Jacket"],
        (59, 399),
        "size",
    ),
    (
        "Clothing",
        "Women",
        "Dresses",
        ["Levi's", "Zara", "H&M"],
        ["Summer Midi Dress", "Wrap Dress", "Knit Sweater Dress"],
        (29, 149),
        "size",
    ),
    (
        "Clothing",
        "Shoes",
        "Running Shoes",
        ["Nike", "Adidas", "Asics", "Brooks"],
        ["Road Running Shoes", "Trail Running Shoes", "Lightweight Racing Flats"],
        (59, 249),
        "size",
    ),
]
ATTRIBUTE_VALUES = {
    "color": ["Black", "White", "Silver", "Blue", "Red", "Green"],
    "memory": ["8GB", "16GB", "32GB"],
    "switch": ["Red", "Brown", "Blue"],
    "size": ["S", "M", "L", "XL", "Small", "Large"],
    "power": ["20W", "45W", "65W"],
    "capacity": ["1L", "1.5L", "2L"],
    "weight": ["5 lb", "10 lb", "25 lb", "50 lb"],
}
ADJECTIVES = ["Pro", "Max", "Lite", "Plus", "Air", "Elite", "Classic", "Ultra", "Mini", "Sport"]
PRODUCT_COUNT = 200


def category_id(name: str) -> str:
    return "cat-" + domain.slugify(name)


def demo_categories() -> list[dict]:
    seen: dict[str, dict] = {}
    for position, (root, child, leaf, *_rest) in enumerate(TREE):
        parent = None
        for name in (root, child, leaf):
            cid = category_id(name if name != child else f"{root} {child}")
            if cid not in seen:
                path = domain.category_path(seen[parent]["path"] if parent else None, cid)
                seen[cid] = {
                    "id": cid,
                    "parent_id": parent,
                    "slug": cid[4:],
                    "name": name,
                    "path": path,
                    "position": position,
                    "description": f"{name} at Bazaar.",
                }
            parent = cid
    return list(seen.values())


def demo_stock(index: int) -> int:
    """Units in stock of product `prod-<index>`: a few are sold out, a few nearly."""
    if index % 17 == 0:
        return 0
    if index % 11 == 0:
        return 3
    return 10 + (index * 37) % 140


def demo_products() -> list[dict]:
    rng = random.Random(20261122)
    products = []
    for index in range(1, PRODUCT_COUNT + 1):
        root, child, leaf, brands, nouns, (low, high), attribute = TREE[(index - 1) % len(TREE)]
        brand = brands[rng.randrange(len(brands))]
        noun = nouns[((index - 1) // len(TREE)) % len(nouns)]
        model = f"{rng.choice(ADJECTIVES)} {rng.randint(2, 9)}"
        name = f"{brand} {noun} {model}" if rng.random() < 0.5 else f"{brand} {model} {noun}"
        price = rng.randrange(low * 100, high * 100, 100) + rng.choice([0, 49, 99, 95])
        compare_at = price + price // 5 if rng.random() < 0.25 else None
        value = rng.choice(ATTRIBUTE_VALUES[attribute])
        products.append(
            {
                "id": f"prod-{index}",
                "slug": f"{domain.slugify(name)}-{index}",
                "name": name,
                "brand": brand,
                "category_id": category_id(leaf),
                "description": (
                    f"The {name} is a {noun.lower()} from {brand}, in {value.lower()}. "
                    f"Part of our {child.lower()} range in {root.lower()}: built to last, "
                    "covered by a two-year warranty, with free returns within 30 days."
                ),
                "price": price,
                "compare_at_price": compare_at,
                "attributes": {attribute: value},
                "featured": index % 13 == 1,
                "rating_average": round(rng.uniform(3.2, 5.0), 1),
                "rating_count": rng.randint(0, 480),
                "available": demo_stock(index),
            }
        )
    return products


def _has_size(path: Path, edge: int) -> bool:
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.size == (edge, edge)
    except (OSError, ValueError):
        return False


def render_images(products: list[dict], root: Path, base_url: str) -> dict[str, list[dict]]:
    """One image per product in three sizes (WebP), drawn locally; files already of the right
    size are kept."""
    from PIL import Image, ImageDraw, ImageFont

    # the media service's variant sizes (media.domain.DEFAULT_VARIANTS), so that the storefront's
    # srcset widths are true of the demo pictures too
    sizes = {"large": 1600, "medium": 800, "thumbnail": 200}
    folder = root / "images" / "seed"
    folder.mkdir(parents=True, exist_ok=True)
    images = {}
    for product in products:
        digest = hashlib.sha1(product["id"].encode()).digest()  # noqa: S324 (a colour, not security)
        colour = (60 + digest[0] % 160, 60 + digest[1] % 160, 60 + digest[2] % 160)
        urls = {}
        for variant, edge in sizes.items():
            name = f"{product['id']}-{variant}.webp"
            path = folder / name
            if not _has_size(path, edge):
                image = Image.new("RGB", (edge, edge), colour)
                draw = ImageDraw.Draw(image)
                draw.ellipse(
                    [edge // 5, edge // 5, edge * 4 // 5, edge * 4 // 5],
                    fill=tuple(min(255, c + 60) for c in colour),
                )
                draw.text(
                    (edge // 12, edge - edge // 6),
                    product["brand"][:24],
                    fill="white",
                    font=ImageFont.load_default(size=max(10, edge // 14)),
                )
                image.save(path, "WEBP", quality=70)
            urls[variant] = f"{base_url}/images/seed/{name}"
        images[product["id"]] = [
            {
                "id": f"img-{product['id']}",
                "url": urls["large"],
                "thumbnail_url": urls["thumbnail"],
                "medium_url": urls["medium"],
                "large_url": urls["large"],
                "position": 0,
            }
        ]
    return images


def seed(config: dict[str, Any]) -> None:
    media = config.get(MEDIA) or {}
    root = Path(media.get("root", "var/media"))
    base_url = str(media.get("base_url", "/media")).rstrip("/")
    products = demo_products()
    images = render_images(products, root, base_url)
    # the demo seller owns the demo products (the accounts seed gives them this id)
    seller_id = demo_user_id(DEMO_SELLER_EMAIL)
    engine = create_engine(db_uri(config, "catalog"))
    try:
        with Session(engine) as session:
            for category in demo_categories():
                session.execute(
                    text(
                        "INSERT INTO categories (id, parent_id, slug, name, description, path, "
                        "position) VALUES (:id, :parent_id, :slug, :name, :description, :path, "
                        ":position) ON CONFLICT DO NOTHING"
                    ),
                    category,
                )
            for product in products:
                session.execute(
                    text(
                        "INSERT INTO products (id, slug, name, description, brand, category_id, "
                        "price, compare_at_price, currency, attributes, featured, status, "
                        "rating_average, rating_count, available, stock_version, created_at, "
                        "seller_id) "
                        "VALUES (:id, :slug, :name, :description, :brand, :category_id, :price, "
                        ":compare_at_price, 'USD', CAST(:attributes AS jsonb), :featured, "
                        "'active', :rating_average, :rating_count, :available, 0, "
                        "now() - make_interval(mins => :age), :seller_id) ON CONFLICT DO NOTHING"
                    ),
                    {
                        **product,
                        "seller_id": seller_id,
                        "attributes": _json(product["attributes"]),
                        "age": PRODUCT_COUNT - int(product["id"][5:]),
                    },
                )
                for image in images[product["id"]]:
                    session.execute(
                        text(
                            "INSERT INTO product_images (id, product_id, url, thumbnail_url, "
                            "medium_url, large_url, position) VALUES (:id, :product_id, :url, "
                            ":thumbnail_url, :medium_url, :large_url, :position) "
                            "ON CONFLICT DO NOTHING"
                        ),
                        {**image, "product_id": product["id"]},
                    )
            words = sorted(
                {w for p in products for w in domain.lexicon_words(p["name"], p["brand"])}
            )
            session.execute(
                text("INSERT INTO search_terms (word) VALUES (:word) ON CONFLICT DO NOTHING"),
                [{"word": w} for w in words],
            )
            session.commit()
        print(f"seeded catalog: {len(products)} products")
    finally:
        engine.dispose()


def _json(value: dict) -> str:
    import json

    return json.dumps(value)
