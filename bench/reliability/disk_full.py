#!/usr/bin/env python3
"""A full disk: the relay's database on a small tmpfs (needs root, for the mount). Fills the
disk, then checks that sends are refused with a clear error and nothing acknowledged is lost,
that history still reads, that sends work again once space returns, and that SIGTERM on a full
disk is a clean exit (0) whose log says the checkpoint could not be written. Prints the figures
as JSON; exits 1 when one is wrong, 2 when no tmpfs can be mounted.

    bench/reliability/disk_full.py --sc .build/release/securechat
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

from relay_process import Member, Relay


def fill(path):
    """Writes zeros to `path` until the file system is full; returns the bytes written."""
    written = 0
    with open(path, "wb", buffering=0) as f:
        block = b"\0" * 4096
        while True:
            try:
                written += f.write(block)
            except OSError:
                return written


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sc", required=True, help="the securechat binary")
    ap.add_argument("--size", default="4m", help="the tmpfs size")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="securechat-diskfull-")
    disk = os.path.join(work, "disk")
    os.makedirs(disk)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={args.size}", "tmpfs", disk], capture_output=True).returncode != 0:
        print("disk_full: cannot mount a tmpfs (run as root)", file=sys.stderr)
        return 2
    problems, figures = [], {}
    relay = None
    try:
        db = os.path.join(disk, "relay.sqlite")
        relay = Relay(args.sc, db=db)
        ada = Member(args.sc, os.path.join(work, "ada"), "ada")
        room = ada.create_room(relay.url)
        before = [f"before-{i}" for i in range(5)]
        if ada.send(room, *before).returncode != 0:
            problems.append("sends failed before the disk was full")

        filler = os.path.join(disk, "filler")
        fill(filler)
        refused, errors = 0, set()
        for i in range(5):
            p = ada.send(room, f"full-{i}-" + "x" * 2000, timeout="10s")
            if p.returncode != 0:
                refused += 1
                errors.add(p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}")
        figures["sends_while_full"] = 5
        figures["refused_while_full"] = refused
        figures["refusal"] = sorted(errors)
        if refused == 0:
            problems.append("no send was refused on a full disk")
        read, why = ada.history(room)
        figures["history_while_full"] = len(read) if read is not None else why
        if read is None or [t for _, t in read][:5] != before:
            problems.append(f"history did not read while the disk was full: {why}")

        os.remove(filler)
        after = [f"after-{i}" for i in range(5)]
        figures["sends_after_space_returned_ok"] = ada.send(room, *after).returncode == 0
        if not figures["sends_after_space_returned_ok"]:
            problems.append("sends still failed once space returned")
        read, why = ada.history(room)
        texts = [t for _, t in read] if read is not None else []
        expected = before + after
        got = [t for t in texts if not t.startswith("full-")]
        figures["acknowledged_lost"] = len([t for t in expected if t not in texts])
        figures["duplicated"] = len(texts) - len(set(texts))
        if got != expected or figures["duplicated"]:
            problems.append(f"history after recovery is not the acknowledged messages once each, in order: {texts}")

        # SIGTERM on a full disk: a clean stop, the checkpoint reported, nothing lost.
        fill(filler)
        status = relay.stop()
        figures["sigterm_exit_on_full_disk"] = status
        figures["shutdown_log_says_checkpoint_failed"] = "without a checkpoint" in relay.log()
        if status != 0:
            problems.append(f"SIGTERM on a full disk exited {status}: {relay.log()[-500:]}")
        if not figures["shutdown_log_says_checkpoint_failed"]:
            problems.append("the shutdown log does not say that the checkpoint could not be written")
        os.remove(filler)
        relay = Relay(args.sc, db=db, port=relay.port)
        read, why = ada.history(room)
        figures["history_after_restart"] = len(read) if read is not None else why
        if read is None or [t for _, t in read if not t.startswith("full-")] != expected:
            problems.append(f"history after the restart differs: {why or read}")
    finally:
        if relay is not None:
            relay.stop()
        subprocess.run(["umount", disk])
    print(json.dumps(figures))
    for p in problems:
        print(f"disk_full: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
