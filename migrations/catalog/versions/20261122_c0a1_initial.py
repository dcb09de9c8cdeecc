"""catalog: categories, products (full-text + trigram search), images, search terms

Revision ID: c0a1
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c0a1"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        """
        CREATE TABLE categories (
            id varchar(64) NOT NULL,
            parent_id varchar(64),
            slug varchar(120) NOT NULL,
            name varchar(120) NOT NULL,
            description text NOT NULL DEFAULT '',
            path text NOT NULL,
            position integer NOT NULL DEFAULT 0,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pk_categories PRIMARY KEY (id),
            CONSTRAINT uq_categories_slug UNIQUE (slug),
            CONSTRAINT fk_categories_parent_id_categories FOREIGN KEY (parent_id)
                REFERENCES categories (id) ON DELETE RESTRICT
        );
        CREATE INDEX ix_categories_parent_id ON categories (parent_id);
        CREATE INDEX ix_categories_path ON categories (path text_pattern_ops);

        CREATE TABLE products (
            id varchar(64) NOT NULL,
            slug varchar(200) NOT NULL,
            name varchar(200) NOT NULL,
            description text NOT NULL DEFAULT '',
            brand varchar(100) NOT NULL DEFAULT '',
            category_id varchar(64) NOT NULL,
            price bigint NOT NULL,
            compare_at_price bigint,
            currency varchar(3) NOT NULL DEFAULT 'USD',
            attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
            featured boolean NOT NULL DEFAULT false,
            status varchar(16) NOT NULL DEFAULT 'active',
            rating_average double precision NOT NULL DEFAULT 0,
            rating_count integer NOT NULL DEFAULT 0,
            available integer NOT NULL DEFAULT 0,
            stock_version bigint NOT NULL DEFAULT 0,
            created_by varchar(64),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            search_vector tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
                setweight(to_tsvector('english', coalesce(brand, '')), 'B') ||
                setweight(to_tsvector('english', coalesce(description, '')), 'C')
            ) STORED,
            search_text text GENERATED ALWAYS AS (
                lower(coalesce(name, '') || ' ' || coalesce(brand, ''))
            ) STORED,
            CONSTRAINT pk_products PRIMARY KEY (id),
            CONSTRAINT uq_products_slug UNIQUE (slug),
            CONSTRAINT fk_products_category_id_categories FOREIGN KEY (category_id)
                REFERENCES categories (id) ON DELETE RESTRICT,
            CONSTRAINT ck_products_price_non_negative CHECK (price >= 0),
            CONSTRAINT ck_products_status CHECK (status IN ('active', 'draft', 'archived'))
        );

        CREATE TABLE product_images (
            id varchar(64) NOT NULL,
            product_id varchar(64) NOT NULL,
            url text NOT NULL,
            thumbnail_url text,
            medium_url text,
            large_url text,
            position integer NOT NULL DEFAULT 0,
            created_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pk_product_images PRIMARY KEY (id),
            CONSTRAINT fk_product_images_product_id_products FOREIGN KEY (product_id)
                REFERENCES products (id) ON DELETE CASCADE
        );
        CREATE INDEX ix_product_images_product_id ON product_images (product_id);

        CREATE TABLE outbox (
            id varchar(36) NOT NULL,
            event_type varchar(100) NOT NULL,
            payload jsonb NOT NULL,
            created_at timestamptz NOT NULL,
            CONSTRAINT pk_outbox PRIMARY KEY (id)
        );
        CREATE INDEX ix_outbox_created_at ON outbox (created_at);

        CREATE TABLE search_terms (
            word varchar(64) NOT NULL,
            CONSTRAINT pk_search_terms PRIMARY KEY (word)
        );
        CREATE INDEX ix_search_terms_word_trgm ON search_terms USING gin (word gin_trgm_ops);
        CREATE INDEX ix_search_terms_word_prefix ON search_terms (word text_pattern_ops);
        """
    )
    op.execute(PRODUCT_INDEXES)
    op.execute(CATEGORY_COUNTS)


# Active products per category, kept by triggers so the category tree never counts a big table.
CATEGORY_COUNTS = """
    CREATE TABLE IF NOT EXISTS category_counts (
        category_id varchar(64) NOT NULL,
        active integer NOT NULL DEFAULT 0,
        CONSTRAINT pk_category_counts PRIMARY KEY (category_id)
    );
    CREATE OR REPLACE FUNCTION count_category_products() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'active' THEN
            UPDATE category_counts SET active = active - 1 WHERE category_id = OLD.category_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'active' THEN
            INSERT INTO category_counts (category_id, active) VALUES (NEW.category_id, 1)
            ON CONFLICT (category_id) DO UPDATE SET active = category_counts.active + 1;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql;
    DROP TRIGGER IF EXISTS products_category_counts ON products;
    CREATE TRIGGER products_category_counts
        AFTER INSERT OR DELETE OR UPDATE OF status, category_id ON products
        FOR EACH ROW EXECUTE FUNCTION count_category_products();
    INSERT INTO category_counts (category_id, active)
        SELECT category_id, count(*) FROM products WHERE status = 'active' GROUP BY category_id
        ON CONFLICT (category_id) DO UPDATE SET active = EXCLUDED.active;
"""


# Kept apart so scripts/seed_large.py can drop them, COPY a million rows, and build them again.
PRODUCT_INDEXES = """
    CREATE INDEX IF NOT EXISTS ix_products_search_vector ON products USING gin (search_vector);
    CREATE INDEX IF NOT EXISTS ix_products_search_text_trgm
        ON products USING gin (search_text gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS ix_products_status_created ON products (status, created_at);
    CREATE INDEX IF NOT EXISTS ix_products_status_price ON products (status, price);
    CREATE INDEX IF NOT EXISTS ix_products_status_rating
        ON products (status, rating_average DESC, rating_count DESC);
    CREATE INDEX IF NOT EXISTS ix_products_category ON products (category_id);
    CREATE INDEX IF NOT EXISTS ix_products_brand ON products (lower(brand));
    CREATE INDEX IF NOT EXISTS ix_products_featured ON products (featured) WHERE featured;
"""


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS category_counts")
    op.execute("DROP FUNCTION IF EXISTS count_category_products CASCADE")
    op.execute("DROP TABLE outbox, search_terms, product_images, products, categories")
