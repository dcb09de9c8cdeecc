"""The real offline models: clean, rude and borderline texts; generated images; the hub stays free.

These load the models bundled in the wheels (nothing is downloaded: sockets are refused here).
"""

import socket

import eventlet
import numpy as np
import pytest
from PIL import Image

from services.moderation import classifiers
from services.moderation.classifiers import (
    ImageDetector,
    RemoteImage,
    TextClassifier,
    UnreadableImage,
    predict_profanity,
)
from services.moderation.dependencies import policy_from_config
from services.moderation.domain import (
    APPROVED,
    FLAGGED,
    REJECTED,
    TextRules,
    Thresholds,
    decide_image,
    moderate_texts,
)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"the moderation models tried to reach the network: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


class FakeContainer:
    """Enough of a nameko container for a SharedExtension: config and managed threads."""

    def __init__(self, config):
        self.config = config
        self.threads = []
        self.shared_extensions = {}

    def spawn_managed_thread(self, fn, identifier=None):
        thread = eventlet.spawn(fn)
        self.threads.append(thread)
        return thread


def bound(extension, config):
    container = FakeContainer(config)
    extension = extension.bind(container)
    extension.test_container = container  # extensions hold their container weakly
    return extension


def moderate(title, content):
    policy = policy_from_config({})
    [decision] = moderate_texts([(title, content)], predict_profanity, policy.rules, policy.text)
    return decision


def test_a_clean_review_is_approved():
    decision = moderate(
        "Lovely kettle", "Boils quickly, looks nice on the counter. Would buy again."
    )
    assert decision.verdict == APPROVED
    assert decision.scores["profanity"] < 0.5


def test_a_rude_review_is_rejected():
    decision = moderate("Garbage", "This is fucking shit and the seller is an asshole.")
    assert decision.verdict == REJECTED
    assert decision.scores["profanity"] >= 0.9


def test_a_borderline_review_waits_for_an_admin():
    decision = moderate("Meh", "This design is dumb")
    assert decision.verdict == FLAGGED
    assert 0.5 <= decision.scores["profanity"] < 0.9


def test_spam_with_a_link_waits_for_an_admin():
    decision = moderate("Cheaper elsewhere", "Get it for half price at http://deals.example.com")
    assert decision.verdict == FLAGGED
    assert decision.reasons == ["links"]


def test_thresholds_come_from_config():
    policy = policy_from_config({"MODERATION": {"text": {"reject": 0.99, "flag": 0.95}}})
    [decision] = moderate_texts(
        [("Meh", "This design is dumb")], predict_profanity, policy.rules, policy.text
    )
    assert decision.verdict == APPROVED


def test_texts_arriving_together_are_classified_in_one_batch_off_the_hub(monkeypatch):
    # Off the hub means the hub keeps running while the model computes. Each model call waits
    # (in its own OS thread) for a greenthread to run meanwhile: that can only happen if the
    # call is not blocking the hub. No timing is measured, so a slow machine cannot fail it.
    threading = eventlet.patcher.original("threading")
    batches, waiting, progressed = [], [], []
    real = classifiers.predict_profanity

    def slow_model(texts):
        batches.append(len(texts))
        ran = threading.Event()
        waiting.append(ran)
        progressed.append(ran.wait(10))
        return real(texts)

    classifier = bound(TextClassifier(), {})
    classifier.setup()  # warms the real model up
    monkeypatch.setattr(classifiers, "predict_profanity", slow_model)
    classifier.start()

    def hub_work():
        while True:
            while waiting:
                waiting.pop().set()
            eventlet.sleep(0.005)

    worker = eventlet.spawn(hub_work)
    try:
        texts = [f"review number {i}, works fine" for i in range(12)]
        pool = eventlet.GreenPool()
        results = list(pool.imap(lambda text: classifier.classify([text]), texts))
    finally:
        worker.kill()
        classifier.stop()
    assert all(len(r) == 1 and 0 <= r[0] < 0.5 for r in results)
    assert sum(batches) == 12
    assert len(batches) < 12
    assert progressed and all(progressed), "the model ran on the hub"


# -- images ---------------------------------------------------------------------------------


@pytest.fixture
def detector(tmp_path):
    extension = bound(
        ImageDetector(), {"MODERATION": {"image": {"media_root": str(tmp_path), "threads": 1}}}
    )
    extension.setup()
    return extension


def generated_images(root):
    rng = np.random.default_rng(7)
    images = {
        "solid.jpg": Image.new("RGB", (640, 480), (200, 30, 30)),
        "noise.png": Image.fromarray(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)),
        "alpha.png": Image.new("RGBA", (300, 300), (0, 0, 255, 128)),
        "grey.webp": Image.new("L", (400, 800), 128),
        "huge.jpg": Image.new("RGB", (4000, 3000), (20, 120, 20)),
    }
    paths = []
    for name, image in images.items():
        path = root / "products" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path)
        paths.append(path)
    return paths


def test_generated_product_images_are_approved(detector, tmp_path):
    thresholds = Thresholds(reject=0.6, flag=0.35)
    for path in generated_images(tmp_path):
        detections = eventlet.spawn(detector.detect, str(path)).wait()
        assert decide_image(detections, thresholds).verdict == APPROVED, path.name


def test_a_file_that_is_not_an_image_is_unreadable(detector, tmp_path):
    path = tmp_path / "fake.jpg"
    path.write_bytes(b"definitely not a jpeg")
    with pytest.raises(UnreadableImage):
        detector.detect(str(path))


def test_a_path_outside_the_media_root_is_refused(detector, tmp_path):
    with pytest.raises(UnreadableImage, match="outside the media root"):
        detector.detect("/etc/passwd")
    with pytest.raises(UnreadableImage, match="outside the media root"):
        detector.detect(str(tmp_path / ".." / "elsewhere.png"))


def test_a_missing_file_is_unreadable(detector, tmp_path):
    with pytest.raises(UnreadableImage, match="does not exist"):
        detector.detect(str(tmp_path / "gone.png"))


def test_the_detector_reports_its_model_and_version(detector):
    assert detector.model == "nudenet"
    assert detector.model_version.startswith("3.4.2")


def test_rules_from_config_keep_their_types():
    rules = policy_from_config(
        {"MODERATION": {"text": {"rules": {"repeat_run": "4", "link_score": 1}}}}
    ).rules
    assert rules == TextRules(repeat_run=4, link_score=1.0)


def test_an_object_storage_url_is_not_fetched(detector):
    with pytest.raises(RemoteImage):
        detector.detect("https://bucket.example/originals/m-1.jpg")


def test_the_media_root_defaults_to_the_media_services_root(tmp_path):
    extension = bound(ImageDetector(), {"MEDIA": {"root": str(tmp_path)}})
    extension.setup()
    assert extension.media_root == tmp_path.resolve()
