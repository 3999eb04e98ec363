"""Small versions of the relay's reliability benchmarks (bench/reliability, docs/reliability.md),
run by the test suite: many clients and `kill -9` mid-flood, each through the benchmark's own
script or function with a size that takes seconds, each failing on the same correctness
figures. (The stalled reader, connection churn and the full disk have their small versions in
the Swift suites: SlowReaderTests, ConnectionLifetimeTests, ShutdownCheckpointTests.) Against the debug build: SECURECHAT_BINARY and SECURECHAT_LOAD name the
binaries (default .build/debug/securechat and .build/debug/relay-load).

    python3 -m unittest discover -s Tests/Reliability -v
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BENCH = os.path.join(ROOT, "bench", "reliability")
SC = os.environ.get("SECURECHAT_BINARY", os.path.join(ROOT, ".build", "debug", "securechat"))
LOAD = os.environ.get("SECURECHAT_LOAD", os.path.join(ROOT, ".build", "debug", "relay-load"))

sys.path.insert(0, BENCH)
import kill9  # noqa: E402  (bench/reliability/kill9.py)


def bench(script, *args, timeout=300):
    """Runs bench/reliability/SCRIPT; its exit status and the JSON lines it printed."""
    p = subprocess.run([sys.executable, os.path.join(BENCH, script), "--sc", SC, *args], capture_output=True, text=True,
                       timeout=timeout)
    figures = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
    return p.returncode, figures, p.stderr[-2000:]


class ReliabilityTests(unittest.TestCase):
    def test_many_clients_lose_duplicate_and_reorder_nothing(self):
        status, figures, err = bench("many.py", "--load", LOAD, "--clients", "30", "--messages", "20", "--rooms", "3")
        self.assertEqual(status, 0, err)
        m = figures[-1]
        self.assertEqual((m["sent"], m["acknowledged"]), (600, 600), m)
        self.assertEqual(m["delivered"], m["expected_deliveries"], m)
        self.assertEqual((m["lost"], m["duplicated"], m["out_of_order"]), (0, 0, 0), m)

    def test_kill_9_mid_flood_loses_no_acknowledged_message_and_resends_idempotently(self):
        with tempfile.TemporaryDirectory(prefix="securechat-kill9-") as work:
            r = kill9.trial(SC, work, 0, 300, 0.3)
        self.assertEqual(r["session_exit"], 0, r)
        self.assertTrue(0 < r["committed_before_kill"] < r["messages"], r)
        self.assertEqual((r["acknowledged"], r["in_history"]), (300, 300), r)
        self.assertEqual((r["lost"], r["acknowledged_lost"], r["duplicated"], r["out_of_order"]), (0, 0, 0, 0), r)
        self.assertFalse(r["history_error"], r)


if __name__ == "__main__":
    unittest.main()
