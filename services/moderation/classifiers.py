"""The offline classifiers, loaded once per process and run off the eventlet hub.

`TextClassifier` wraps alt-profanity-check's bundled scikit-learn model; `ImageDetector` wraps
nudenet's bundled ONNX detector. Both ship their weights inside the wheel: nothing is downloaded.
Inference is CPU work that would block the hub (and starve AMQP heartbeats), so it runs in
`eventlet.tpool` threads. Texts are batched: while one batch is being classified, texts from other
workers queue up and go together in the next call (one vectorizer + predict call for many texts is
two orders of magnitude cheaper per text than one call each).
"""

from __future__ import annotations

import functools
import logging
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from eventlet import tpool
from eventlet.event import Event
from eventlet.queue import LightQueue
from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider, SharedExtension

from services.common.config import MEDIA, MODERATION
from services.moderation import domain
from services.moderation.domain import RemoteImage, UnreadableImage

log = logging.getLogger(__name__)


TEXT_MODEL = "alt-profanity-check"
IMAGE_MODEL = "nudenet"


def settings(config: dict) -> dict[str, Any]:
    return config.get(MODERATION) or {}


# -- text ------------------------------------------------------------------------------------


@functools.cache
def load_text_model():
    """alt-profanity-check loads its vectorizer and model at import: once per process."""
    started = time.perf_counter()
    from profanity_check import predict_prob

    log.info("loaded %s in %.2fs", TEXT_MODEL, time.perf_counter() - started)
    return predict_prob


def predict_profanity(texts: list[str]) -> list[float]:
    """Profanity probability of each text (blocking: call it in a thread)."""
    return [float(p) for p in load_text_model()(texts)]


class TextClassifier(SharedExtension, domain.TextClassifier):
    """One batching queue per container in front of the process-wide text model."""

    model = TEXT_MODEL

    def setup(self):
        predict_profanity(["warm up"])  # loads the model once per process; first call is slower
        self.model_version = version(TEXT_MODEL)
        self.max_batch = int(
            (settings(self.container.config).get("text") or {}).get("batch_size", 256)
        )
        self.queue: LightQueue = LightQueue()
        self._runner = None

    def start(self):
        self._runner = self.container.spawn_managed_thread(self._run)

    def stop(self):
        if self._runner is not None:
            self._runner.kill()
            self._runner = None

    kill = stop

    def classify(self, texts: list[str]) -> list[float]:
        """Profanity probabilities for `texts`; waits (cooperatively) for the batch holding them."""
        if not texts:
            return []
        if self._runner is None:  # not started (a bare extension in a test): classify directly
            return tpool.execute(predict_profanity, list(texts))
        done = Event()
        self.queue.put((list(texts), done))
        return done.wait()

    def _run(self):
        while True:
            requests = [self.queue.get()]
            size = len(requests[0][0])
            while size < self.max_batch and self.queue.qsize():
                request = self.queue.get_nowait()
                requests.append(request)
                size += len(request[0])
            self._classify_batch(requests)

    @staticmethod
    def _classify_batch(requests):
        flat = [text for texts, _ in requests for text in texts]
        try:
            probabilities = tpool.execute(predict_profanity, flat)
        except Exception as exc:
            for _, done in requests:
                done.send_exception(exc)
            return
        start = 0
        for texts, done in requests:
            done.send(probabilities[start : start + len(texts)])
            start += len(texts)


# -- images ----------------------------------------------------------------------------------


@functools.cache
def load_image_model(threads: int):
    """nudenet's bundled 320n ONNX detector, with a bounded thread count (2 cores are shared)."""
    import nudenet
    import onnxruntime
    from nudenet import NudeDetector

    started = time.perf_counter()
    model_path = Path(nudenet.__file__).parent / "320n.onnx"
    detector = NudeDetector(model_path=str(model_path))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    detector.onnx_session = onnxruntime.InferenceSession(
        str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
    )
    log.info("loaded %s (%s) in %.2fs", IMAGE_MODEL, model_path.name, time.perf_counter() - started)
    return detector


def read_image(path: Path, max_pixels: int, max_side: int):
    """Decode with Pillow (more formats than OpenCV, bounded size) into the BGR array nudenet's
    own file reader would produce, downscaled: the detector works at 320 px anyway."""
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            if image.width * image.height > max_pixels:
                raise UnreadableImage(f"image over {max_pixels} pixels")
            image.draft("RGB", (max_side, max_side))
            rgb = image.convert("RGB")
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise UnreadableImage(f"not a readable image: {exc}") from exc
    rgb.thumbnail((max_side, max_side))
    return np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])


class ImageDetector(SharedExtension, domain.ImageDetector):
    """The process-wide image detector, with the media root and size limits from config."""

    model = IMAGE_MODEL

    def setup(self):
        image = settings(self.container.config).get("image") or {}
        self.threads = int(image.get("threads", 1))
        media = self.container.config.get(MEDIA) or {}
        root = image.get("media_root") or media.get("root") or "var/media"
        self.media_root = Path(root).resolve()
        self.max_pixels = int(image.get("max_pixels", 50_000_000))
        self.max_side = int(image.get("max_side", 640))
        # at most this many images in inference at once: the rest wait cooperatively, so a burst
        # of uploads cannot take every core from the other services on the machine
        self.slots = Semaphore(int(image.get("concurrency", 2)))
        self.detector = load_image_model(self.threads)
        self.detector.detect(np.zeros((32, 32, 3), dtype=np.uint8))  # warm up the ONNX session
        self.model_version = f"{version(IMAGE_MODEL)}/320n"

    def resolve(self, path: str) -> Path:
        """The stored original, which must be a file under the media root."""
        if "://" in path:
            raise RemoteImage(f"{path} is not a local file")
        resolved = Path(path).resolve()
        if not resolved.is_relative_to(self.media_root):
            raise UnreadableImage(f"{path} is outside the media root")
        if not resolved.is_file():
            raise UnreadableImage(f"{path} does not exist")
        return resolved

    def detect(self, path: str) -> list[dict[str, Any]]:
        """Detections [{class, score, box}] of the image at `path`; raises UnreadableImage."""
        resolved = self.resolve(path)
        with self.slots:
            return tpool.execute(self._detect, resolved)

    def _detect(self, path: Path) -> list[dict[str, Any]]:
        pixels = read_image(path, self.max_pixels, self.max_side)
        return self.detector.detect(pixels)


# -- what services get -------------------------------------------------------------------------


class TextModel(DependencyProvider):
    """Injects the container's `TextClassifier` (classify, model, model_version)."""

    classifier = TextClassifier()

    def get_dependency(self, worker_ctx):
        return self.classifier


class ImageModel(DependencyProvider):
    """Injects the container's `ImageDetector` (detect, model, model_version)."""

    detector = ImageDetector()

    def get_dependency(self, worker_ctx):
        return self.detector
