#!/usr/bin/env bash
# Times `securechat connect LINK --send TEXT` as a whole process on loopback: start, connect,
# authenticate, join, seal and sign the message, send it, wait for the relay's acknowledgement,
# exit. The relay is a real `securechat serve` on port 0 with its database in a temporary
# directory. Prints a markdown fragment (a table and a verdict) on stdout; progress on stderr.
#
#   SC=.build/release/securechat bench/connect.sh      (SC defaults to that path)
#   RUNS=300 bench/connect.sh                           (runs per command, default 200)
#
# Needs hyperfine and jq.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

sc=${SC:-.build/release/securechat}
runs=${RUNS:-200}
for tool in hyperfine jq; do
    command -v "$tool" >/dev/null || { echo "bench/connect.sh: $tool is not installed" >&2; exit 1; }
done
[ -x "$sc" ] || { echo "bench/connect.sh: $sc is not executable; build it with 'swift build -c release'" >&2; exit 1; }
sc=$(realpath "$sc")

work=$(mktemp -d)
relay_pid=
cleanup() {
    [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

"$sc" serve --port 0 --db "$work/relay.sqlite" --log-level error > serve.out 2>serve.err &
relay_pid=$!
for _ in $(seq 100); do grep -q 'listening on' serve.out 2>/dev/null && break; sleep 0.05; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' serve.out | head -1)
[ -n "$url" ] || { echo "bench/connect.sh: the relay did not start: $(cat serve.err)" >&2; exit 1; }

# The owner makes the room; the sender has its own identity and data directory.
owner() { HOME="$work/owner" XDG_DATA_HOME="$work/owner/data" XDG_CONFIG_HOME="$work/owner/config" USER=owner "$@"; }
mkdir -p "$work/owner" "$work/sender"
owner "$sc" keygen -o "$work/owner/id.txt" >/dev/null 2>&1
link=$(owner "$sc" room create --server "$url" -i "$work/owner/id.txt" bench)
export HOME="$work/sender" XDG_DATA_HOME="$work/sender/data" XDG_CONFIG_HOME="$work/sender/config" USER=sender
export SECURECHAT_IDENTITY="$work/sender/id.txt"
"$sc" keygen -o "$SECURECHAT_IDENTITY" >/dev/null 2>&1
# The first message joins the room (a new member reads the history for its counter); every
# later one is what a script sending messages does.
"$sc" connect "$link" --send "first" >/dev/null

hf_measure 'securechat --version (start-up alone)' "$sc --version"
hf_measure 'securechat connect LINK --send TEXT' "$sc connect $link --send hello"

sent=$("$sc" connect "$link" --history --json | jq -s 'map(select(.type == "message")) | length')

echo "## Chat: connect --send on loopback ($runs runs, $(nproc) cores)"
echo
hf_table
echo
runtime=$(runtime_kind "$sc")
echo "Binary: \`$sc\` ($runtime). Relay: \`securechat serve\` with SQLite on the same machine;"
echo "$sent messages were committed and acknowledged, each read back and verified at the end."
echo
send=$(hf_ms 'securechat connect LINK --send TEXT' mean)
verdict=$(awk -v a="$send" 'BEGIN { print (a < 30) ? "met" : "not met" }')
echo "- connect --send, whole process: $(fmt "$send") ms (target < 30 ms: $verdict)"
