"""The media use cases on fakes of their ports: uploads, processing, verdicts, stalled uploads."""

import base64
from dataclasses import replace

import pytest

from services.common.actor import Actor
from services.common.errors import ValidationFailed
from services.media import domain
from services.media.domain import MediaSettings
from services.media.exceptions import MediaNotFound, ProductNotFound
from services.media.usecases import Media
from tests.unit.fakes import FakeClock, SequentialIds
from tests.unit.media import images
from tests.unit.media.fakes import FakeCatalog, FakeMediaRepository, FakeStorage, InlineImages

SELLER = Actor("seller-1", "seller")


def make_media(await_moderation=False):
    repo, storage, catalog, clock = (
        FakeMediaRepository(),
        FakeStorage(),
        FakeCatalog({"prod-1": "seller-1"}),
        FakeClock(),
    )
    media = Media(
        repo=repo,
        storage=storage,
        images=InlineImages(),
        catalog=catalog,
        settings=replace(MediaSettings(), await_moderation=await_moderation),
        clock=clock,
        new_id=SequentialIds(),
    )
    return media, repo, storage, catalog, clock


def b64(content):
    return base64.b64encode(content).decode()


def upload(media, content=None):
    return media.register_upload(
        SELLER, "prod-1", "seller-1", "a.png", b64(content or images.png())
    )


def test_an_upload_is_stored_pending_and_announced_in_its_commit():
    media, repo, storage, _, clock = make_media()
    row = upload(media)
    assert (row.status, row.moderation, row.published) == ("pending", "pending", False)
    assert row.created_at == row.updated_at == clock.now
    assert list(storage.files) == [row.original_key]
    assert [[t for t, _ in events] for events in repo.commits] == [["media_uploaded"]]


def test_an_upload_whose_commit_fails_leaves_no_file():
    media, repo, storage, _, _ = make_media()
    repo.fail_commit = RuntimeError("database gone")
    with pytest.raises(RuntimeError):
        upload(media)
    assert storage.files == {}


def test_an_upload_that_is_not_base64_is_a_validation_error_naming_the_field():
    media, repo, _, _, _ = make_media()
    with pytest.raises(ValidationFailed) as raised:
        media.register_upload(SELLER, "prod-1", "seller-1", "a.png", "not base64!")
    assert set(raised.value.details["fields"]) == {"content_b64"}
    assert repo.rows == {}


def test_a_seller_cannot_upload_for_another_sellers_product():
    media, repo, storage, catalog, _ = make_media()
    catalog.products["prod-1"] = "seller-2"
    with pytest.raises(ProductNotFound):
        upload(media)
    assert storage.files == {} and repo.rows == {}


def test_processing_makes_variants_publishes_and_announces_the_image():
    media, repo, storage, _, _ = make_media()
    row = upload(media)
    media.process_upload(row.id)
    assert repo.rollbacks == 1  # no transaction held while decoding
    assert (row.status, row.published) == ("processed", True)
    assert set(row.variants) == {"thumbnail", "large"}
    assert all(v["key"] in storage.files for v in row.variants.values())
    event_type, payload = repo.commits[-1][0]
    assert event_type == "media_processed"
    assert payload["large_url"] == f"/media/{row.variants['large']['key']}"


def test_an_awaited_image_is_published_only_once_approved():
    media, repo, _, _, _ = make_media(await_moderation=True)
    row = upload(media)
    media.process_upload(row.id)
    assert (row.status, row.published) == ("processed", False)
    media.apply_moderation("media", row.id, "approved")
    assert row.published
    assert [t for t, _ in repo.committed_events()] == ["media_uploaded", "media_processed"]


def test_processing_an_unreadable_original_marks_it_failed():
    media, _, storage, _, _ = make_media()
    row = upload(media)
    storage.files.clear()
    media.process_upload(row.id)
    assert row.status == "failed" and row.error.startswith("FileNotFoundError")


def test_processing_an_unknown_or_done_upload_changes_nothing():
    media, repo, _, _, _ = make_media()
    media.process_upload("missing")
    row = upload(media)
    row.status = domain.PROCESSED
    media.process_upload(row.id)
    assert len(repo.commits) == 1 and repo.rollbacks == 0


def test_rejecting_a_published_image_detaches_it_and_deletes_its_files():
    media, repo, storage, catalog, _ = make_media()
    row = upload(media)
    media.process_upload(row.id)
    media.apply_verdict(row.id, "rejected")
    assert (row.status, row.published, row.variants, row.original_key) == (
        "rejected",
        False,
        {},
        None,
    )
    assert repo.commits[-1] == [("media_rejected", {"media_id": row.id, "product_id": "prod-1"})]
    assert catalog.detached == [("prod-1", row.id)]
    assert storage.files == {}


def test_a_repeated_or_late_verdict_changes_nothing():
    media, repo, _, catalog, _ = make_media(await_moderation=True)
    row = upload(media)
    media.apply_verdict(row.id, "rejected")
    events = repo.committed_events()
    media.apply_verdict(row.id, "approved")
    media.apply_verdict(row.id, "rejected")
    assert repo.committed_events() == events and catalog.detached == []


def test_verdicts_on_other_subjects_or_unknown_media_are_ignored():
    media, repo, _, _, _ = make_media()
    media.apply_moderation("review", "r-1", "rejected")
    media.apply_moderation("media", "missing", "rejected")
    assert repo.commits == []
    with pytest.raises(MediaNotFound):
        media.apply_verdict("missing", "approved")


def test_uploads_pending_too_long_are_announced_again():
    media, repo, _, _, clock = make_media()
    row = upload(media)
    clock.advance(minutes=1)
    assert media.resume_stalled_uploads() == []
    clock.advance(minutes=2)
    assert media.resume_stalled_uploads() == [row]
    assert row.updated_at == clock.now
    assert [t for t, _ in repo.commits[-1]] == ["media_uploaded"]
