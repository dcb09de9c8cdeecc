"""What a rate-limit check costs Redis: the sliding window's script against the fixed window it
replaced, alone and inside the response cache's lookup.

    .venv/bin/python scripts/bench_ratelimit.py [--requests 200000] [--rounds 3]

Starts a private `redis-server` on a free port (CONFIG RESETSTAT and the figures then concern only
this run), drives each script with `redis-benchmark` (20 clients), and prints Redis's own time per
call (INFO commandstats `usec_per_call`, the CPU a check takes from the single Redis thread) and
the calls per second redis-benchmark saw, the median of the rounds. Needs `redis-server` and
`redis-benchmark` on PATH.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gateway.cache import _GET
from gateway.ratelimit import _HIT

# the fixed one-minute window and its cache lookup as they were before the sliding window
FIXED_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""
FIXED_GET = """
local count = false
if KEYS[2] then
  count = redis.call('INCR', KEYS[2])
  if count == 1 then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
end
local gen = redis.call('GET', KEYS[1]) or '0'
return {gen, redis.call('GET', ARGV[1] .. gen .. ':' .. ARGV[2]), count}
"""
# read: 6000 a minute in buckets of 3 s; the busy client's limit is out of reach, so it is admitted
WINDOW, WIDTH, HIGH = "60000000", "3000000", "1000000000"
RESOURCE = "/api/products?page=1&limit=20"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    port = free_port()
    argv = ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL)  # noqa: S603 (from PATH, by design)
    try:
        client = redis.Redis(port=port)
        for _ in range(50):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        run(client, port, options)
    finally:
        server.terminate()
        server.wait(10)


def run(client, port: int, options) -> None:
    sha = {name: client.script_load(source) for name, source in SCRIPTS.items()}
    client.set(f"cache:catalog:0:{RESOURCE}", "x" * 3800)  # a 20-product page
    # the busy client: 20 buckets of the last minute already hold requests
    now = client.time()[0] * 1_000_000
    for i in range(20):
        at = now - i * 3_000_000
        client.evalsha(sha["sliding"], 1, "rl:read:ip:busy", HIGH, WINDOW, WIDTH, at)
    cases = {
        "fixed window, one busy client": ["fixed", "1", "rl:read:ip:busy:0", "60"],
        "sliding window, one busy client (21 buckets)": [
            "sliding", "1", "rl:read:ip:busy", HIGH, WINDOW, WIDTH, "",
        ],
        "fixed window, 100k clients": ["fixed", "1", "rl:read:ip:__rand_int__:0", "60"],
        "sliding window, 100k clients": [
            "sliding", "1", "rl:read:ip:__rand_int__", HIGH, WINDOW, WIDTH, "",
        ],
        "sliding window, refused": ["sliding", "1", "rl:auth:ip:refused", "10", WINDOW, WIDTH, ""],
        "cache hit + fixed window": [
            "fixed_get", "2", "cache:gen:catalog", "rl:read:ip:busy:0", "cache:catalog:",
            RESOURCE, "60",
        ],
        "cache hit + sliding window": [
            "sliding_get", "2", "cache:gen:catalog", "rl:read:ip:busy", "cache:catalog:",
            RESOURCE, HIGH, WINDOW, WIDTH, "",
        ],
    }  # fmt: skip
    print(f"{'case':48} {'µs/call in Redis':>16} {'calls/s':>9}")
    for name, (script, *args) in cases.items():
        usecs, rates = [], []
        for _ in range(options.rounds):
            client.config_resetstat()
            command = ["redis-benchmark", "-p", str(port), "-n", str(options.requests)]
            command += ["-c", "20", "-r", "100000", "-q", "EVALSHA", sha[script], *args]
            done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
            out = done.stdout
            rates.append(float(re.findall(r"([\d.]+) requests per second", out)[-1]))
            usecs.append(client.info("commandstats")["cmdstat_evalsha"]["usec_per_call"])
        print(f"{name:48} {statistics.median(usecs):16.2f} {statistics.median(rates):9,.0f}")


SCRIPTS = {"fixed": FIXED_HIT, "sliding": _HIT, "fixed_get": FIXED_GET, "sliding_get": _GET}

if __name__ == "__main__":
    main()
