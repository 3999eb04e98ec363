#!/usr/bin/env python3
"""A stalled reader (`relay-load stall`): one member of a busy room stops reading. The other
members must get every message, the relay's memory must stay bounded (it cuts the stalled one
off instead of buffering for it), and the stalled member must be told `slow_reader` and be able
to resume from the last message it saw. Prints the figures as JSON; exits 1 when one is wrong.

    bench/reliability/stall.py --sc .build/release/securechat --load .build/release/relay-load
"""

import argparse
import json
import subprocess
import sys

from relay_process import Relay


def peak_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sc", required=True, help="the securechat binary")
    ap.add_argument("--load", required=True, help="the relay-load binary")
    ap.add_argument("--messages", type=int, default=5000)
    ap.add_argument("--limit-mib", type=float, default=64, help="growth of the relay's peak memory allowed (MiB)")
    args = ap.parse_args()
    relay = Relay(args.sc, "--rate", "1000000", "--burst", "1000000", "--connections-per-address", "20000")
    base = relay.rss_kib()
    try:
        p = subprocess.run([args.load, "stall", "--url", f"ws://127.0.0.1:{relay.port}/v2/ws", "--messages", str(args.messages)],
                           capture_output=True, text=True)
        peak = peak_kib(relay.pid)
    finally:
        status = relay.stop()
    sys.stderr.write(p.stderr)
    try:
        figures = json.loads(p.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        print(f"stall: no figures from relay-load: {p.stdout[-500:]}", file=sys.stderr)
        return 1
    figures["relay_rss_before_kib"], figures["relay_peak_kib"] = base, peak
    print(json.dumps(figures))
    problems = []
    if p.returncode != 0:
        problems.append("a receiver missed messages or the stalled member could not resume")
    if peak - base > args.limit_mib * 1024:
        problems.append(f"the relay's memory grew by {(peak - base) // 1024} MiB for one stalled reader (limit {args.limit_mib})")
    if not figures.get("stalled_told_slow_reader"):
        problems.append("the stalled member was not told slow_reader")
    if status != 0:
        problems.append(f"the relay exited with {status}")
    for pr in problems:
        print(f"stall: {pr}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
