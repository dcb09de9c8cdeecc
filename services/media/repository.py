"""The media repository on a SQLAlchemy session (the worker's): the `domain.MediaRepository`
port, its rows in `models.Media`, its events in the outbox of the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from services.common.database import SqlRepository
from services.media import domain
from services.media.exceptions import MediaNotFound
from services.media.models import Media


class SqlMediaRepository(SqlRepository, domain.MediaRepository):
    """`record_event`, `commit` and `rollback` from SqlRepository."""

    def add(self, **fields: Any) -> Media:
        media = Media(**fields)
        self.session.add(media)
        return media

    def get(self, media_id: str, *, lock: bool = False) -> Media:
        query = select(Media).where(Media.id == media_id)
        if lock:
            query = query.with_for_update()
        media = self.session.execute(query).scalar_one_or_none()
        if media is None:
            raise MediaNotFound(f"no media {media_id}", {"media_id": media_id})
        return media

    def list_for_product(self, product_id: str) -> list[Media]:
        query = select(Media).where(Media.product_id == product_id).order_by(Media.created_at)
        return list(self.session.execute(query).scalars())

    def stalled(self, before: datetime, limit: int = 20) -> list[Media]:
        query = (
            select(Media)
            .where(Media.status == domain.PENDING, Media.updated_at < before)
            .order_by(Media.updated_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.session.execute(query).scalars())
