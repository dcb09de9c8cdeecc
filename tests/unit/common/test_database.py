"""`services.common.database.insert`: ON CONFLICT DO NOTHING statements get a compile-cache key."""

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, column
from sqlalchemy.dialects import postgresql

from services.common.database import insert

table = Table(
    "things",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("code", String, unique=True),
    Column("name", String),
)


def sql(statement) -> str:
    return str(statement.compile(dialect=postgresql.dialect()))


def test_do_nothing_renders_as_postgresqls_own():
    for target in (
        {},
        {"index_elements": ["code"]},
        {"index_elements": [table.c.code], "index_where": column("name").isnot(None)},
        {"constraint": "uq_things_code"},
    ):
        ours = insert(table).values(code="a").on_conflict_do_nothing(**target).returning(table.c.id)
        theirs = (
            postgresql.insert(table)
            .values(code="a")
            .on_conflict_do_nothing(**target)
            .returning(table.c.id)
        )
        assert sql(ours) == sql(theirs)


def test_do_nothing_statements_have_a_cache_key_that_tells_targets_apart():
    def statement(value, **target):
        return insert(table).values(code=value).on_conflict_do_nothing(**target)

    by_code = statement("a", index_elements=["code"])
    assert by_code._generate_cache_key() is not None
    # the values are bound parameters: one compiled form serves them all
    assert statement("b", index_elements=["code"])._generate_cache_key() == (
        by_code._generate_cache_key()
    )
    keys = {
        statement("a")._generate_cache_key().key,
        by_code._generate_cache_key().key,
        statement("a", index_elements=["id"])._generate_cache_key().key,
        statement("a", constraint="uq_things_code")._generate_cache_key().key,
        statement("a", index_elements=["code"], index_where=column("name").isnot(None))
        ._generate_cache_key()
        .key,
        insert(table).values(code="a")._generate_cache_key().key,
    }
    assert len(keys) == 6


def test_an_empty_or_one_shot_target_cannot_share_another_statements_form():
    with pytest.raises(ValueError):
        insert(table).values(code="a").on_conflict_do_nothing(index_elements=[])
    from_generator = (
        insert(table)
        .values(code="a")
        .on_conflict_do_nothing(index_elements=(name for name in ["code"]))
    )
    assert "ON CONFLICT (code) DO NOTHING" in sql(from_generator)
    assert (
        from_generator._generate_cache_key()
        == (
            insert(table).values(code="a").on_conflict_do_nothing(index_elements=["code"])
        )._generate_cache_key()
    )


def test_do_update_stays_uncached_rather_than_wrongly_cached():
    upsert = insert(table).values(code="a")
    upsert = upsert.on_conflict_do_update(
        index_elements=["code"], set_={"name": upsert.excluded.name}
    )
    assert upsert._generate_cache_key() is None
    assert "DO UPDATE SET name = excluded.name" in sql(upsert)
