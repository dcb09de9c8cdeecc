"""Category moves on the real database: the catalog announces only the moved category, so the
repository carries its subtree's paths along (what similarity's parents and trending's roots
read)."""

from sqlalchemy import text
from sqlalchemy.orm import Session

from services.recommendations.domain import Category
from services.recommendations.repository import SqlRecommendationsRepository
from tests.helpers import engine_for


def paths(config):
    with engine_for(config, "recommendations").connect() as conn:
        return dict(conn.execute(text("SELECT category_id, path FROM rec_categories")).all())


def upsert(config, *categories):
    with Session(engine_for(config, "recommendations")) as session:
        repo = SqlRecommendationsRepository(session)
        for category in categories:
            repo.upsert_category(category)
        session.commit()


def test_a_moved_category_takes_its_subtree_along(config):
    upsert(
        config,
        Category("home", "home", None, "home"),
        Category("garden", "garden", None, "garden"),
        Category("kitchen", "kitchen", "home", "home/kitchen"),
        Category("mugs", "mugs", "kitchen", "home/kitchen/mugs"),
        Category("kitchenware", "kitchenware", "home", "home/kitchenware"),  # a prefix, not a child
    )
    upsert(config, Category("kitchen", "kitchen", "garden", "garden/kitchen"))
    assert paths(config) == {
        "home": "home",
        "garden": "garden",
        "kitchen": "garden/kitchen",
        "mugs": "garden/kitchen/mugs",
        "kitchenware": "home/kitchenware",
    }
    # an update that does not move it leaves every path alone
    upsert(config, Category("kitchen", "kitchen-2", "garden", "garden/kitchen"))
    assert paths(config)["mugs"] == "garden/kitchen/mugs"
