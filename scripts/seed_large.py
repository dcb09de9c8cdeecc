"""Load N products (default a million) with stable ids `prod-1`...`prod-N` and their stock, for
benchmarks: `make seed-large N=1000000`.

Fast path: the catalog's product tables are emptied, the product indexes dropped, rows streamed
with COPY (the generated search columns are computed by PostgreSQL during the copy), then the
indexes are built once and the tables analysed. Stock goes to the inventory database the same way.
The demo catalog (`make seed`) is replaced; run `make seed` again on an empty database to get it
back. Deterministic: the same N always gives the same products.

`--orders M` also loads M generated orders' worth of recommendations data (co-purchases, sales,
trending: scripts/seed_large_history.py); `--history-only` loads just that over an existing
catalog of the same N.
"""

from __future__ import annotations

import io
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.catalog import domain  # noqa: E402
from services.common.config import db_uri, load_config  # noqa: E402

BRANDS = [
    "Sony",
    "Bose",
    "Apple",
    "Samsung",
    "Logitech",
    "Anker",
    "Philips",
    "Dyson",
    "Lenovo",
    "Asus",
    "Canon",
    "Nikon",
    "JBL",
    "Sennheiser",
    "Breville",
    "KitchenAid",
    "Lodge",
    "IKEA",
    "Nike",
    "Adidas",
    "Patagonia",
    "Columbia",
    "Osprey",
    "Coleman",
    "Garmin",
    "Fitbit",
    "Razer",
    "Corsair",
    "Dell",
    "HP",
    "Acer",
    "Brother",
    "Epson",
    "Makita",
    "Bosch",
    "DeWalt",
    "Lego",
    "Hasbro",
    "Yamaha",
    "Fender",
]
# (noun, category leaf)
NOUNS = [
    ("headphones", "audio"),
    ("earbuds", "audio"),
    ("speaker", "audio"),
    ("soundbar", "audio"),
    ("microphone", "audio"),
    ("headset", "audio"),
    ("turntable", "audio"),
    ("amplifier", "audio"),
    ("laptop", "computers"),
    ("keyboard", "computers"),
    ("mouse", "computers"),
    ("monitor", "computers"),
    ("webcam", "computers"),
    ("router", "computers"),
    ("tablet", "computers"),
    ("printer", "computers"),
    ("projector", "tv"),
    ("television", "tv"),
    ("camera", "cameras"),
    ("lens", "cameras"),
    ("tripod", "cameras"),
    ("drone", "cameras"),
    ("smartwatch", "wearables"),
    ("tracker", "wearables"),
    ("charger", "phones"),
    ("cable", "phones"),
    ("smartphone", "phones"),
    ("case", "phones"),
    ("kettle", "kitchen"),
    ("toaster", "kitchen"),
    ("blender", "kitchen"),
    ("mixer", "kitchen"),
    ("espresso machine", "kitchen"),
    ("coffee grinder", "kitchen"),
    ("skillet", "cookware"),
    ("saucepan", "cookware"),
    ("knife set", "cookware"),
    ("cutting board", "cookware"),
    ("dutch oven", "cookware"),
    ("chair", "furniture"),
    ("desk", "furniture"),
    ("lamp", "furniture"),
    ("sofa", "furniture"),
    ("bookshelf", "furniture"),
    ("mattress", "bedding"),
    ("pillow", "bedding"),
    ("blanket", "bedding"),
    ("towel", "bedding"),
    ("backpack", "outdoors"),
    ("tent", "outdoors"),
    ("sleeping bag", "outdoors"),
    ("lantern", "outdoors"),
    ("cooler", "outdoors"),
    ("jacket", "clothing"),
    ("hoodie", "clothing"),
    ("sneakers", "shoes"),
    ("boots", "shoes"),
    ("sandals", "shoes"),
    ("watch", "accessories"),
    ("sunglasses", "accessories"),
    ("wallet", "accessories"),
    ("handbag", "accessories"),
    ("yoga mat", "fitness"),
    ("dumbbells", "fitness"),
    ("kettlebell", "fitness"),
    ("treadmill", "fitness"),
    ("bicycle", "cycling"),
    ("helmet", "cycling"),
    ("scooter", "cycling"),
    ("vacuum", "appliances"),
    ("air purifier", "appliances"),
    ("humidifier", "appliances"),
    ("fan", "appliances"),
    ("heater", "appliances"),
    ("thermostat", "smart home"),
    ("doorbell", "smart home"),
    ("smart lock", "smart home"),
    ("drill", "tools"),
    ("screwdriver", "tools"),
    ("hammer", "tools"),
    ("wrench", "tools"),
    ("saw", "tools"),
    ("ladder", "tools"),
    ("grill", "garden"),
    ("hose", "garden"),
    ("lawn mower", "garden"),
    ("thermos", "outdoors"),
    ("water bottle", "outdoors"),
    ("notebook", "office"),
    ("pen", "office"),
    ("stapler", "office"),
    ("calculator", "office"),
    ("guitar", "music"),
    ("piano", "music"),
    ("drum kit", "music"),
    ("violin", "music"),
    ("ukulele", "music"),
    ("puzzle", "toys"),
    ("board game", "toys"),
    ("robot kit", "toys"),
    ("building set", "toys"),
]
ADJECTIVES = [
    "wireless",
    "portable",
    "compact",
    "premium",
    "ergonomic",
    "waterproof",
    "smart",
    "lightweight",
    "professional",
    "classic",
    "deluxe",
    "ultra",
    "mini",
    "rechargeable",
    "stainless",
    "vintage",
    "modern",
    "foldable",
    "noise cancelling",
    "bluetooth",
    "digital",
    "travel",
    "outdoor",
    "gaming",
    "studio",
    "kids",
    "family",
    "heavy duty",
    "silent",
    "solar",
]
SERIES = ["X", "Pro", "Max", "Air", "Neo", "Lite", "One", "Go", "Plus", "S"]
COLORS = ["black", "white", "silver", "blue", "red", "green", "grey", "navy", "rose", "olive"]
# the tree: root -> leaves
TREE = {
    "Electronics": ["audio", "computers", "tv", "cameras", "wearables", "phones", "smart home"],
    "Home": ["kitchen", "cookware", "furniture", "bedding", "appliances"],
    "Outdoors & Sports": ["outdoors", "fitness", "cycling", "garden"],
    "Fashion": ["clothing", "shoes", "accessories"],
    "Hobbies": ["music", "toys", "office", "tools"],
}
CHUNK = 50_000
EPOCH = 1_790_000_000  # created_at of the newest product (seconds since 1970)
PRODUCT_INDEXES = [
    "CREATE INDEX ix_products_search_vector ON products USING gin (search_vector)",
    "CREATE INDEX ix_products_search_text_trgm ON products USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX ix_products_status_created ON products (status, created_at)",
    "CREATE INDEX ix_products_status_price ON products (status, price)",
    "CREATE INDEX ix_products_status_rating "
    "ON products (status, rating_average DESC, rating_count DESC)",
    "CREATE INDEX ix_products_category ON products (category_id)",
    "CREATE INDEX ix_products_brand ON products (lower(brand))",
    "CREATE INDEX ix_products_featured ON products (featured) WHERE featured",
]
INDEX_NAMES = [statement.split()[2] for statement in PRODUCT_INDEXES]


def stock_of(index: int) -> int:
    return 0 if index % 23 == 0 else (index * 7919) % 200 + 1


def product_rows(count: int):
    """Tab-separated COPY rows of products 1..count (same count -> same rows)."""
    rng = random.Random(1_000_003)
    for index in range(1, count + 1):
        brand = BRANDS[rng.randrange(len(BRANDS))]
        noun, leaf = NOUNS[rng.randrange(len(NOUNS))]
        adjective = ADJECTIVES[rng.randrange(len(ADJECTIVES))]
        other = ADJECTIVES[rng.randrange(len(ADJECTIVES))]
        colour = COLORS[rng.randrange(len(COLORS))]
        model = f"{SERIES[rng.randrange(len(SERIES))]}{rng.randrange(1, 999)}"
        name = f"{brand} {adjective.title()} {noun.title()} {model}"
        description = (
            f"A {other} {noun} by {brand} in {colour}, designed for everyday use. "
            f"Model {model}; {rng.randrange(1, 5)} year warranty."
        )
        price = rng.randrange(500, 250_000)
        compare_at = str(price + price // 4) if index % 7 == 0 else "\\N"
        rating = round(rng.uniform(1.0, 5.0), 1)
        reviews = rng.randrange(0, 2000)
        slug = f"{domain.slugify(name)}-{index}"
        age = count - index  # prod-N is the newest
        yield (
            f"prod-{index}\t{slug}\t{name}\t{description}\t{brand}\tlcat-{domain.slugify(leaf)}\t"
            f'{price}\t{compare_at}\tUSD\t{{"color": "{colour}"}}\t'
            f"{'t' if index % 997 == 0 else 'f'}\tactive\t{rating}\t{reviews}\t"
            f"{stock_of(index)}\t1\t{EPOCH - age}\n"
        )


def copy_chunks(cursor, table: str, columns: str, rows) -> int:
    total = 0
    buffer = io.StringIO()
    for n, row in enumerate(rows, 1):
        buffer.write(row)
        if n % CHUNK == 0:
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
            buffer = io.StringIO()
            print(f"  {table}: {n} rows", flush=True)
        total = n
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
    return total


def categories() -> list[tuple[str, str | None, str, str, str, int]]:
    """The benchmark's category tree; slugs are the ids, so `make seed` can still add the demo
    tree (whose slugs are the plain names) to the same catalog."""
    rows = []
    for position, (root, leaves) in enumerate(TREE.items()):
        root_id = f"lcat-{domain.slugify(root)}"
        rows.append((root_id, None, root_id, root, f"/{root_id}/", position))
        for leaf_position, leaf in enumerate(leaves):
            leaf_id = f"lcat-{domain.slugify(leaf)}"
            rows.append(
                (
                    leaf_id,
                    root_id,
                    leaf_id,
                    leaf.title(),
                    f"/{root_id}/{leaf_id}/",
                    leaf_position,
                )
            )
    return rows


def seed_catalog(config: dict, count: int) -> None:
    import psycopg2

    conn = psycopg2.connect(db_uri(config, "catalog"))
    cursor = conn.cursor()
    cursor.execute("SET maintenance_work_mem = '1GB'")
    cursor.execute("SET synchronous_commit = off")
    cursor.execute(
        "TRUNCATE product_images, products, search_terms, categories, category_counts CASCADE"
    )
    # per-row count upkeep would dominate a bulk load: counted once at the end instead
    cursor.execute("ALTER TABLE products DISABLE TRIGGER products_category_counts")
    for name in INDEX_NAMES:
        cursor.execute(f"DROP INDEX IF EXISTS {name}")
    for row in categories():
        cursor.execute(
            "INSERT INTO categories (id, parent_id, slug, name, description, path, position) "
            "VALUES (%s, %s, %s, %s, '', %s, %s)",
            row,
        )
    words = set()
    for text_ in BRANDS + [n for n, _ in NOUNS] + ADJECTIVES + COLORS:
        words |= domain.lexicon_words(text_)
    cursor.executemany("INSERT INTO search_terms (word) VALUES (%s)", [(w,) for w in words])
    conn.commit()
    started = time.monotonic()
    # rows go through a staging table so created_at can travel as epoch seconds
    cursor.execute(
        "CREATE TEMP TABLE staging (id text, slug text, name text, description text, brand text, "
        "category_id text, price bigint, compare_at_price bigint, currency text, attributes jsonb, "
        "featured boolean, status text, rating_average float8, rating_count int, available int, "
        "stock_version bigint, created_epoch bigint)"
    )
    buffer_rows = []
    loaded = 0
    for row in product_rows(count):
        buffer_rows.append(row)
        if len(buffer_rows) == CHUNK:
            loaded += _flush(cursor, buffer_rows)
            conn.commit()
            print(f"  products: {loaded} rows ({time.monotonic() - started:.0f}s)", flush=True)
            buffer_rows = []
    if buffer_rows:
        loaded += _flush(cursor, buffer_rows)
        conn.commit()
    print(f"copied {loaded} products in {time.monotonic() - started:.0f}s", flush=True)
    cursor.execute(
        "INSERT INTO category_counts (category_id, active) SELECT category_id, count(*) "
        "FROM products WHERE status = 'active' GROUP BY category_id"
    )
    cursor.execute("ALTER TABLE products ENABLE TRIGGER products_category_counts")
    conn.commit()
    conn.autocommit = True
    for statement in PRODUCT_INDEXES:
        began = time.monotonic()
        cursor.execute(statement)
        print(f"  {statement.split()[2]} in {time.monotonic() - began:.0f}s", flush=True)
    cursor.execute("VACUUM ANALYZE products")
    cursor.execute("ANALYZE categories")
    conn.close()
    print(f"catalog ready in {time.monotonic() - started:.0f}s", flush=True)


def _flush(cursor, rows: list[str]) -> int:
    cursor.execute("TRUNCATE staging")
    cursor.copy_expert("COPY staging FROM STDIN", io.StringIO("".join(rows)))
    cursor.execute(
        "INSERT INTO products (id, slug, name, description, brand, category_id, price, "
        "compare_at_price, currency, attributes, featured, status, rating_average, rating_count, "
        "available, stock_version, created_at, updated_at) "
        "SELECT id, slug, name, description, brand, category_id, price, compare_at_price, "
        "currency, attributes, featured, status, rating_average, rating_count, available, "
        "stock_version, to_timestamp(created_epoch), to_timestamp(created_epoch) "
        "FROM staging"
    )
    return len(rows)


def seed_inventory(config: dict, count: int) -> None:
    import psycopg2

    started = time.monotonic()
    conn = psycopg2.connect(db_uri(config, "inventory"))
    cursor = conn.cursor()
    cursor.execute("TRUNCATE stock, reservation_lines, reservations, stock_movements")
    rows = (
        f"prod-{i}\t{stock_of(i)}\t5\t{'t' if stock_of(i) <= 5 else 'f'}\t1\n"
        for i in range(1, count + 1)
    )
    copy_chunks(
        cursor,
        "stock",
        "product_id, on_hand, low_stock_threshold, low_stock_alerted, version",
        rows,
    )
    conn.commit()
    cursor.execute("ANALYZE stock")
    conn.commit()
    conn.close()
    print(f"inventory: {count} stock rows in {time.monotonic() - started:.0f}s", flush=True)


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=1_000_000, help="products")
    parser.add_argument(
        "--orders", type=int, default=0, help="generated order history for recommendations"
    )
    parser.add_argument("--customers", type=int, default=None, help="default: orders / 4")
    parser.add_argument("--days", type=int, default=90, help="the history's span")
    parser.add_argument(
        "--history-only", action="store_true", help="keep the catalog, load only the history"
    )
    args = parser.parse_args(argv)
    config = load_config()
    if not args.history_only:
        seed_catalog(config, args.count)
        seed_inventory(config, args.count)
    if args.orders or args.history_only:
        from scripts.seed_large_history import seed_history

        seed_history(
            config, args.count, args.orders, args.customers, args.days, product_rows, categories()
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
