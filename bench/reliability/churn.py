#!/usr/bin/env python3
"""Connection churn: a relay that clients connect to and leave all day must not grow. Runs
--warmup WebSocket cycles (upgrade, read `hello`, close handshake), measures the relay's resident
memory and open file descriptors, runs --cycles more, waits until it is idle, and measures again.
Prints the figures as JSON; exits 1 when memory grew by more than --limit-mib, a descriptor was
left open, or a cycle failed.

    bench/reliability/churn.py --sc .build/release/securechat [--cycles 20000]
"""

import argparse
import json
import sys
import time

from relay_process import Relay, hello_and_close, health


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sc", required=True, help="the securechat binary")
    ap.add_argument("--cycles", type=int, default=20_000, help="measured connect/hello/close cycles")
    ap.add_argument("--warmup", type=int, default=2_000, help="cycles before the first measurement")
    ap.add_argument("--limit-mib", type=float, default=2.0, help="growth allowed over the measured cycles (MiB)")
    ap.add_argument("--settle", type=float, default=3.0, help="seconds idle before each measurement")
    args = ap.parse_args()

    relay = Relay(args.sc, "--connections-per-address", "1000")
    failed = 0
    try:
        for _ in range(args.warmup):
            failed += not hello_and_close(relay.port)
        time.sleep(args.settle)
        rss0, fds0 = relay.rss_kib(), relay.fds()
        started = time.perf_counter()
        for _ in range(args.cycles):
            failed += not hello_and_close(relay.port)
        elapsed = time.perf_counter() - started
        # Plain HTTP on fresh connections, for comparison with the upgraded ones.
        bad_health = sum(health(relay.port) != 200 for _ in range(1000))
        time.sleep(args.settle)
        rss1, fds1 = relay.rss_kib(), relay.fds()
    finally:
        status = relay.stop()
    grown = rss1 - rss0
    figures = {
        "cycles": args.cycles, "failed_cycles": failed, "seconds": round(elapsed, 1),
        "rss_before_kib": rss0, "rss_after_kib": rss1, "grown_kib": grown,
        "bytes_per_cycle": round(grown * 1024 / args.cycles, 1),
        "fds_before": fds0, "fds_after": fds1, "health_failures": bad_health, "relay_exit": status,
    }
    print(json.dumps(figures))
    problems = []
    if grown > args.limit_mib * 1024:
        problems.append(f"resident memory grew by {grown} KiB over {args.cycles} cycles (limit {args.limit_mib} MiB)")
    if fds1 > fds0:
        problems.append(f"{fds1 - fds0} file descriptors left open")
    if failed or bad_health:
        problems.append(f"{failed} cycles and {bad_health} health checks failed")
    if status != 0:
        problems.append(f"the relay exited with {status} on SIGTERM")
    for p in problems:
        print(f"churn: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
