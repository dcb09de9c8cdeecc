"""The similar-products SQL (repository._SIMILAR_LEAF / _SIMILAR_NEAR, read tier by tier from
sorted index ranges) answers what the domain's rules say over the whole pool: the same cards,
randomly varied in leaf, brand (case too), price band, ratings with ties and stock, ranked by the
use case over the real repository and over the fake that scores the whole pool in Python."""

import random

import pytest
from sqlalchemy.orm import Session

from services.recommendations import domain
from services.recommendations.domain import Category
from services.recommendations.repository import SqlRecommendationsRepository
from services.recommendations.usecases import Recommendations
from tests.helpers import engine_for
from tests.unit.recommendations.fakes import (
    FakeProductSource,
    FakeRecommendationsRepository,
    FakeViewHistory,
    card,
)

CATEGORIES = [
    Category("root", "root", None, "root"),
    Category("leaf", "leaf", "root", "root/leaf"),
    Category("sibling", "sibling", "root", "root/sibling"),
    Category("cousin", "cousin", "other", "other/cousin"),
    Category("other", "other", None, "other"),
]
BAND = 20  # prices near 1.5 ** 20 (about 3325): bands 18..22 below


def cards(rng: random.Random, count: int = 160):
    made = []
    for n in range(count):
        band = BAND + rng.choice([-2, -1, 0, 0, 1, 2])
        made.append(
            card(
                f"p{n:03d}",
                category_id=rng.choice(["leaf", "leaf", "sibling", "cousin"]),
                brand=rng.choice(["Acme", "acme", "Zed", None]),
                price=int(1.5 ** (band + 0.5)),
                available=rng.choice([0, 3, 7]),
                rating_count=rng.choice([0, 5, 5, 40]),
                status=rng.choice([domain.ACTIVE] * 9 + [domain.ARCHIVED]),
            )
        )
    return made


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_tiers_rank_as_the_domain_over_the_whole_pool(config, seed):
    made = cards(random.Random(seed))
    with Session(engine_for(config, "recommendations")) as session:
        repo = SqlRecommendationsRepository(session)
        for category in CATEGORIES:
            repo.upsert_category(category)
        repo.upsert_cards(made)
        session.commit()
        sql = Recommendations(repo, FakeViewHistory(), FakeProductSource())
        fake = Recommendations(
            FakeRecommendationsRepository(made, CATEGORIES), FakeViewHistory(), FakeProductSource()
        )
        compared = 0
        for base in made[:40]:
            for limit in (1, 4, 8):
                for include in (False, True):
                    expected = fake.recommend(base.product_id, "similar", limit, include)
                    got = sql.recommend(base.product_id, "similar", limit, include)
                    assert [c.product_id for c in got.items] == [
                        c.product_id for c in expected.items
                    ], (base, limit, include)
                    compared += bool(expected.items)
        session.rollback()
    assert compared > 100  # the comparisons were about something
