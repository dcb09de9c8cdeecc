"""Measure the moderation models on this machine: `python -m scripts.bench_moderation`.

Prints the time of one review (all its segments in one call), of 100 reviews batched into one
call, of one image (decode + detect) at two sizes, and the longest stall of the eventlet hub while
inference runs in `tpool` (what AMQP heartbeats would see).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import eventlet
import numpy as np
from eventlet import tpool
from PIL import Image

from services.moderation.classifiers import load_image_model, predict_profanity, read_image
from services.moderation.domain import TextRules, Thresholds, moderate_texts

REVIEW = (
    "Great kettle",
    "Boils quickly and looks nice on the counter. The lid is a bit stiff. Would buy again!",
)


def timed(fn, repeat: int) -> tuple[float, float]:
    """(median, p95) milliseconds of `fn()` over `repeat` runs."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    rules, thresholds = TextRules(), Thresholds()
    started = time.perf_counter()
    predict_profanity(["warm up"])
    print(f"text model load: {(time.perf_counter() - started) * 1000:.0f} ms")
    one = timed(lambda: moderate_texts([REVIEW], predict_profanity, rules, thresholds), 200)
    print(f"text, one review (5 segments, one call): median {one[0]:.2f} ms, p95 {one[1]:.2f} ms")
    many = timed(lambda: moderate_texts([REVIEW] * 100, predict_profanity, rules, thresholds), 20)
    print(f"text, 100 reviews in one call: {many[0]:.1f} ms ({many[0] / 100:.3f} ms a review)")

    started = time.perf_counter()
    detector = load_image_model(1)
    print(f"image model load: {(time.perf_counter() - started) * 1000:.0f} ms")
    rng = np.random.default_rng(3)
    with tempfile.TemporaryDirectory() as tmp:
        for size in ((800, 600), (4000, 3000)):
            path = Path(tmp) / f"{size[0]}x{size[1]}.jpg"
            pixels = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
            Image.fromarray(pixels).save(path, quality=90)
            result = timed(lambda p=path: detector.detect(read_image(p, 50_000_000, 640)), 20)
            print(
                f"image {size[0]}x{size[1]} jpeg (decode + detect, 1 thread): "
                f"median {result[0]:.1f} ms, p95 {result[1]:.1f} ms"
            )

        ticks: list[float] = []

        def ticker():
            while True:
                ticks.append(time.perf_counter())
                eventlet.sleep(0.01)

        clock = eventlet.spawn(ticker)
        eventlet.sleep(0.05)
        big = Path(tmp) / "4000x3000.jpg"
        pool = eventlet.GreenPool(8)
        for _ in range(16):
            pool.spawn(tpool.execute, lambda: detector.detect(read_image(big, 50_000_000, 640)))
            pool.spawn(tpool.execute, predict_profanity, [REVIEW[1]] * 50)
        pool.waitall()
        clock.kill()
        gaps = np.diff(ticks) * 1000
        print(
            f"hub during 16 images + 16 text batches in tpool: longest tick gap {gaps.max():.1f}"
            f" ms (ticker sleeps 10 ms)"
        )


if __name__ == "__main__":
    main()
