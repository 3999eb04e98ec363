#!/usr/bin/env python3
"""Many clients: N clients in R open rooms of one relay, each sending M messages at once
(`relay-load many`). Prints sent, acknowledged, delivered, lost, duplicated and out of order as
JSON; exits 1 when a message was lost, duplicated, reordered or never acknowledged.

    bench/reliability/many.py --sc .build/release/securechat --load .build/release/relay-load
"""

import argparse
import subprocess
import sys

from relay_process import Relay


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sc", required=True, help="the securechat binary")
    ap.add_argument("--load", required=True, help="the relay-load binary")
    ap.add_argument("--clients", type=int, default=1000)
    ap.add_argument("--messages", type=int, default=100)
    ap.add_argument("--rooms", type=int, default=20)
    args = ap.parse_args()
    # The per-connection rate and the per-address connection limits are lifted: every client
    # comes from this machine's one address, and the limits are not what is measured.
    relay = Relay(args.sc, "--rate", "1000000", "--burst", "1000000", "--connections-per-address", "20000",
                  "--max-members", "1000")
    try:
        p = subprocess.run([args.load, "many", "--url", f"ws://127.0.0.1:{relay.port}/v2/ws", "--clients", str(args.clients),
                            "--messages", str(args.messages), "--rooms", str(args.rooms)], capture_output=True, text=True)
    finally:
        status = relay.stop()
    sys.stdout.write(p.stdout)
    sys.stderr.write(p.stderr)
    if status != 0:
        print(f"many: the relay exited with {status}: {relay.log()[-500:]}", file=sys.stderr)
    return 1 if p.returncode != 0 or status != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
