"""Bytes and CPU of the gateway's gzip (gateway/compression.py), for docs/benchmarks-compression.md.

    .venv/bin/python scripts/bench_compression.py --base http://127.0.0.1:8000 --save DIR
    .venv/bin/python scripts/bench_compression.py --bodies DIR

With --base, asks a running gateway for a page of 20 products, one of 100 and the featured list,
once as identity and once with `Accept-Encoding: gzip`, and prints the bytes each sent (--save
keeps the identity bodies). Then, for each body and zlib level 1, 5, 6 and 9, the compressed size
and the CPU one compression costs (process time over --calls calls, --repeats times: the fastest
and slowest repeat), and the cost of `Compression.negotiate` on a werkzeug response (what a
request pays in the gateway, header parsing included), also for a response-cache answer whose
gzip the process remembers.
"""

from __future__ import annotations

import argparse
import time
import zlib
from functools import partial
from pathlib import Path

PAGES = {
    "products-20": "/api/products?limit=20",
    "products-100": "/api/products?limit=100",
    "featured": "/api/products/featured",
}
LEVELS = (1, 5, 6, 9)


def fetch(base: str, save: Path | None) -> dict[str, bytes]:
    import requests

    bodies = {}
    for name, path in PAGES.items():
        plain = requests.get(base + path, headers={"Accept-Encoding": "identity"}, timeout=10)
        zipped = requests.get(
            base + path, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10
        )
        wire = zipped.raw.read(decode_content=False)
        plain.raise_for_status()
        print(
            f"{name:13} identity {len(plain.content):7,} B   gzip on the wire {len(wire):6,} B"
            f"  ({zipped.headers.get('Content-Encoding', 'identity')},"
            f" Content-Length {zipped.headers.get('Content-Length')})"
        )
        bodies[name] = plain.content
        if save:
            save.mkdir(parents=True, exist_ok=True)
            (save / f"{name}.json").write_bytes(plain.content)
    return bodies


def cpu_per_call(work, calls: int, repeats: int) -> tuple[float, float]:
    """(fastest, slowest) repeat of `calls` calls of `work`, in µs of process time a call."""
    runs = []
    for _ in range(repeats):
        started = time.process_time()
        for _ in range(calls):
            work()
        runs.append((time.process_time() - started) / calls * 1e6)
    return min(runs), max(runs)


def _negotiate(compression, body: bytes, environ: dict, headers: dict | None = None) -> None:
    from werkzeug.wrappers import Request, Response

    response = Response(body, content_type="application/json", headers=headers)
    compression.negotiate(Request(environ), response)


def _build(body: bytes, environ: dict) -> None:
    from werkzeug.wrappers import Request, Response

    Response(body, content_type="application/json")
    Request(environ)


def measure(bodies: dict[str, bytes], calls: int, repeats: int) -> None:
    from werkzeug.test import EnvironBuilder

    from gateway.compression import Compression

    environ = EnvironBuilder(headers={"Accept-Encoding": "gzip, deflate, br"}).get_environ()
    print(f"\nCPU a response, {repeats} repeats of {calls} calls (fastest-slowest, µs)")
    for name, body in bodies.items():
        print(f"\n{name}: {len(body):,} B")
        for level in LEVELS:
            size = len(zlib.compress(body, level, wbits=31))
            work = partial(zlib.compress, body, level, wbits=31)
            low, high = cpu_per_call(work, calls, repeats)
            print(
                f"  level {level}: {size:6,} B ({size / len(body):5.1%})"
                f"  compress {low:6.1f}-{high:6.1f} µs"
            )
        for level in (1, 5, 6):
            work = partial(_negotiate, Compression(level=level), body, environ)
            low, high = cpu_per_call(work, calls, repeats)
            print(f"  negotiate, level {level} (Request + Response made): {low:.1f}-{high:.1f} µs")
        hit = partial(_negotiate, Compression(level=5), body, environ, {"X-Cache": "HIT"})
        low, high = cpu_per_call(hit, calls, repeats)
        print(f"  negotiate, a response-cache hit compressed before: {low:.1f}-{high:.1f} µs")
        low, high = cpu_per_call(partial(_build, body, environ), calls, repeats)
        print(f"  of which Request + Response alone: {low:.1f}-{high:.1f} µs")
        zipped = zlib.compress(body, 5, wbits=31)
        low, high = cpu_per_call(partial(zlib.decompress, zipped, wbits=31), calls, repeats)
        print(f"  the client's gunzip of level 5: {low:.1f}-{high:.1f} µs")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="a running gateway, e.g. http://127.0.0.1:8000")
    parser.add_argument("--save", type=Path, help="keep the identity bodies in this directory")
    parser.add_argument("--bodies", type=Path, help="measure the bodies saved in this directory")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.base:
        bodies = fetch(args.base.rstrip("/"), args.save)
    elif args.bodies:
        bodies = {p.stem: p.read_bytes() for p in sorted(args.bodies.glob("*.json"))}
    else:
        parser.error("give --base or --bodies")
    measure(bodies, args.calls, args.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
