#!/usr/bin/env python3
"""`kill -9` mid-flood: a member floods a room (a `securechat connect` session fed lines), the
relay is killed with SIGKILL while messages are in flight and started again on the same port
and database; the client reconnects, resumes and resends what was not acknowledged. Afterwards
the room's history must hold every message exactly once, in the order sent: acknowledged and
lost 0, duplicated 0 (a resend of a committed message is idempotent), out of order 0. Prints
the figures as JSON per trial and in total; exits 1 when one is wrong.

    bench/reliability/kill9.py --sc .build/release/securechat [--trials 5] [--messages 3000]
"""

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

from relay_process import Member, Relay

FLOOD = ("--rate", "100000", "--burst", "100000")


def committed(path):
    """Messages in the relay's database (its WAL included)."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT count(*) FROM history WHERE client_id IS NOT NULL").fetchone()[0]
    except sqlite3.Error:
        return 0


def trial(sc, work, n, messages, kill_after):
    relay = Relay(sc, *FLOOD)
    ada = Member(sc, os.path.join(work, f"ada-{n}"), "ada")
    room = ada.create_room(relay.url)
    texts = [f"t{n}-m{i:05d}" for i in range(messages)]
    session = subprocess.Popen([sc, "connect", "--room", room, "--json"], env=ada.env, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines, err = [], []  # the session's output, read as it comes so that its pipes never fill
    readers = [threading.Thread(target=lambda: lines.extend(session.stdout)),
               threading.Thread(target=lambda: err.extend(session.stderr))]
    for r in readers:
        r.start()
    session.stdin.write("".join(t + "\n" for t in texts))
    session.stdin.close()
    # Mid-flood: once a share of the messages is committed (or after 60 s), SIGKILL.
    deadline = time.time() + 60
    while time.time() < deadline and committed(relay.db) < kill_after * messages:
        time.sleep(0.01)
    relay.proc.send_signal(signal.SIGKILL)
    relay.proc.wait()
    killed_at = time.time()
    # What the killed relay had committed: its database and WAL as SIGKILL left them.
    committed_before_kill = committed(relay.db)
    relay = Relay(sc, *FLOOD, db=relay.db, port=relay.port)
    try:
        session.wait(timeout=180)
    except subprocess.TimeoutExpired:
        session.kill()
        session.wait()
    for r in readers:
        r.join()
    recovered = time.time() - killed_at
    acked_texts = [json.loads(l).get("text") for l in lines if l.startswith("{") and json.loads(l).get("type") == "sent"]
    read, why = ada.history(room)
    relay.stop()
    got = [t for _, t in (read or [])]
    seqs = [s for s, _ in (read or [])]
    return {
        "messages": messages,
        "session_exit": session.returncode,
        "acknowledged": len(acked_texts),
        "committed_before_kill": committed_before_kill,
        "in_history": len(got),
        "lost": len([t for t in texts if t not in set(got)]),
        "acknowledged_lost": len([t for t in acked_texts if t not in set(got)]),
        "duplicated": len(got) - len(set(got)),
        "out_of_order": sum(1 for a, b in zip(got, got[1:]) if a > b) + sum(1 for a, b in zip(seqs, seqs[1:]) if a >= b),
        "seconds_to_recover": round(recovered, 1),
        "history_error": why,
        "client_stderr": [l.strip() for l in err[-1:]] if session.returncode else [],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sc", required=True, help="the securechat binary")
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--messages", type=int, default=3000, help="messages flooded per trial")
    ap.add_argument("--kill-after", type=float, default=0.3, help="share of the messages committed before SIGKILL")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="securechat-kill9-")
    results = [trial(args.sc, work, n, args.messages, args.kill_after) for n in range(args.trials)]
    for r in results:
        print(json.dumps(r))
    total = {k: sum(r[k] for r in results) for k in ("messages", "acknowledged", "committed_before_kill", "lost", "acknowledged_lost", "duplicated", "out_of_order")}
    total["trials"] = len(results)
    print(json.dumps(total))
    bad = [r for r in results if r["session_exit"] != 0 or not 0 < r["committed_before_kill"] < r["messages"] or r["lost"] or r["acknowledged_lost"] or r["duplicated"]
           or r["out_of_order"] or r["history_error"]]
    for r in bad:
        print(f"kill9: a trial went wrong: {json.dumps(r)}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
