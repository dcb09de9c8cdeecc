"""Compare the payment provider's intents with our payments and the orders; list every mismatch.

    python scripts/reconcile.py            (or `make reconcile`; needs the payments and orders
                                            services running)
    python scripts/reconcile.py --json     the raw report

The same check from `nameko shell`: `n.rpc.payments.reconcile()`. Exit status 1 when any
mismatch is found, so a scheduler can alert on it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.common.config import AMQP_URI, load_config  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)

    from nameko.standalone.rpc import ClusterRpcProxy

    config = load_config()
    with ClusterRpcProxy(
        {AMQP_URI: config[AMQP_URI], "serializer": "json"}, timeout=args.timeout
    ) as rpc:
        report = rpc.payments.reconcile()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        mismatches = report["mismatches"]
        print(f"checked {report['checked']} payments: {len(mismatches)} mismatch(es)")
        for item in mismatches:
            extra = ", ".join(
                f"{k}={v}" for k, v in item.items() if k not in ("kind", "order_id", "intent_id")
            )
            print(
                f"  {item['kind']:<32} order={item.get('order_id')} "
                f"intent={item.get('intent_id')} {extra}"
            )
    return 1 if report["mismatches"] else 0


if __name__ == "__main__":
    sys.exit(main())
