"""CPU spent per request by each process of the platform while a load command runs.

    .venv/bin/python scripts/cpu_account.py -- .venv/bin/k6 run k6/cart.js

Reads user+system CPU time from /proc for every nameko process (named by its service class),
RabbitMQ, Redis and PostgreSQL before and after the command, then divides by the requests (and
k6 iterations) the command's summary reports. On a machine where the load generator shares the
cores, throughput is bounded by these figures: a request costing C ms of CPU in all processes
together cannot run faster than cores x 1000 / C per second. Linux only.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
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
    found = re.search(rf"{metric}\.*: (\d+)", summary)
    return int(found.group(1)) if found else 0


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        print(__doc__)
        return 2
    before = cpu_by_process()
    run = subprocess.run(argv, capture_output=True, text=True)  # noqa: S603 (the operator's command)
    after = cpu_by_process()
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
    return run.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
