"""CPU spent per request by each process of the platform while a load command runs.

    .venv/bin/python scripts/cpu_account.py -- .venv/bin/k6 run k6/cart.js

Reads user+system CPU time from /proc for every nameko process (named by its service class),
RabbitMQ, Redis and PostgreSQL before and after the command, then divides by the requests (and
k6 iterations) the command's summary reports. On a machine where the load generator shares the
cores, throughput is bounded by these figures: a request costing C ms of CPU in all processes
together cannot run faster than cores x 1000 / C per second. Linux only.

It also counts the work done per request, which does not depend on how fast or how shared the
machine is: messages published and delivered by RabbitMQ (management API), transactions in the
platform's PostgreSQL databases, and commands run by Redis. CPU seconds on a shared virtual
machine vary from run to run; these counts compare two versions of the code exactly. The
counters are server-wide (test databases aside): run it with nothing else using the servers.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HZ = os.sysconf("SC_CLK_TCK")


def _name(cmdline: str) -> str | None:
    if "nameko run" in cmdline:
        return cmdline.split(":")[-1].strip() or "nameko"
    if "beam.smp" in cmdline:
        return "rabbitmq"
    if "redis-server" in cmdline:
        return "redis"
    if cmdline.startswith("postgres"):
        return "postgres"
    return None


def cpu_by_process() -> dict[str, float]:
    """Seconds of CPU used so far, summed by process name."""
    totals: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = _name(cmdline)
        if name:
            totals[name] = totals.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / HZ
    return totals


def count(summary: str, metric: str) -> int:
    found = re.search(rf"(?<![\w]){metric}\.*: (\d+)", summary)  # not dropped_iterations
    return int(found.group(1)) if found else 0


def _rabbitmq() -> dict[str, float]:
    url = os.environ.get("RABBIT_MANAGEMENT_URL", "http://127.0.0.1:15672")
    request = urllib.request.Request(f"{url}/api/overview")  # noqa: S310 (local management API)
    token = base64.b64encode(b"guest:guest").decode()
    request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        stats = json.load(response).get("message_stats", {})
    return {
        "RabbitMQ messages published": stats.get("publish", 0),
        "RabbitMQ messages delivered": stats.get("deliver_get", 0),
    }


def _postgres() -> dict[str, float]:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(xact_commit + xact_rollback), 0) FROM pg_stat_database "
                "WHERE datname LIKE 'bazaar%%' AND datname NOT LIKE '%%\\_test'"
            )
            return {"PostgreSQL transactions": float(cursor.fetchone()[0])}
    finally:
        conn.close()


def _redis() -> dict[str, float]:
    import redis

    info = redis.Redis(host="127.0.0.1", port=6379).info("stats")
    return {"Redis commands": info["total_commands_processed"]}


def work_done() -> dict[str, float]:
    """Cumulative counters of the shared servers; a server that cannot be read is left out."""
    totals: dict[str, float] = {}
    for source in (_rabbitmq, _postgres, _redis):
        try:
            totals.update(source())
        except Exception as exc:
            print(f"cpu_account: {source.__name__[1:]} not counted: {exc}", file=sys.stderr)
    return totals


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        print(__doc__)
        return 2
    # RabbitMQ refreshes its message statistics every 5 s: wait them out on both sides
    time.sleep(6)
    work_before = work_done()
    before = cpu_by_process()
    run = subprocess.run(argv, capture_output=True, text=True)  # noqa: S603 (the operator's command)
    after = cpu_by_process()
    time.sleep(6)
    work_after = work_done()
    summary = run.stdout + run.stderr
    sys.stdout.write(summary)
    requests = count(summary, "http_reqs")
    iterations = count(summary, "iterations")
    if not requests:
        print("cpu_account: no http_reqs in the command's output", file=sys.stderr)
        return run.returncode or 1
    used = {name: after[name] - before.get(name, 0.0) for name in after}
    total = sum(used.values())
    print(f"\nCPU per request ({requests} requests, {iterations} iterations):")
    for name, seconds in sorted(used.items(), key=lambda item: -item[1]):
        if seconds >= 0.05:
            print(f"  {name:24s} {seconds:7.2f} s  {1000 * seconds / requests:6.2f} ms/request")
    print(f"  {'all':24s} {total:7.2f} s  {1000 * total / requests:6.2f} ms/request")
    if iterations:
        print(f"  {'':24s} {'':9s}  {1000 * total / iterations:6.1f} ms/iteration")
    print("\nWork per request" + (" (and per iteration)" if iterations else "") + ":")
    for name, value in work_after.items():
        done = value - work_before.get(name, 0)
        line = f"  {name:30s} {done / requests:8.2f}"
        if iterations:
            line += f"  {done / iterations:8.2f}"
        print(line)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
