#!/usr/bin/env bash
# The relay: fan-out throughput (flooded) and latency (paced) with 1 sender and 10 and 50
# receivers on loopback, and the memory of 10,000 idle connections. Runs `securechat serve` and
# the protocol-speaking load generator `relay-load` (bench/relay-load), both release builds.
# Standalone: SC=path/to/securechat LOAD=path/to/relay-load bench/relay.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
: "${WORK:=$(mktemp -d)}"
: "${LOAD:=$(dirname "$SC")/relay-load}"
[[ -x "$LOAD" ]] || { echo "relay.sh: build the load generator first: swift build -c release --product relay-load" >&2; exit 1; }
RUNS=${RUNS:-3}
PACED=${PACED:-20}

# start_relay [extra serve flags]: starts a relay on a free port; sets RELAY_PID and URL.
start_relay() {
    rm -f "$WORK"/relay.sqlite*
    "$SC" serve --port 0 --db "$WORK/relay.sqlite" --log-level warning "$@" > "$WORK/serve.out" 2> "$WORK/serve.err" &
    RELAY_PID=$!
    for _ in $(seq 200); do grep -q listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.05; done
    local port
    port=$(grep -m1 -o '127.0.0.1:[0-9]*' "$WORK/serve.out")
    URL="ws://127.0.0.1:${port##*:}/v2/ws"
}

stop_relay() { kill -TERM "$RELAY_PID"; wait "$RELAY_PID" || true; }

# median FIELD DECIMALS JSON...: the median of one number over several runs' JSON objects.
median() {
    python3 -c '
import json, statistics, sys
field, decimals = sys.argv[1], int(sys.argv[2])
print(f"{statistics.median(json.loads(a)[field] for a in sys.argv[3:]):,.{decimals}f}")' "$@"
}

# runs N ARGS...: the load generator N times, one JSON object per line.
runs() { local n=$1; shift; for _ in $(seq "$n"); do "$LOAD" "$@"; done; }

# The benchmark lifts the per-connection rate limit: it measures the relay, not the limit.
bench_flags=(--rate 1000000 --burst 1000000 --max-members 64 --connections-per-address 20000)

echo "## Relay fan-out on loopback"
echo
echo "One sender floods an open room (at most 200 messages unacknowledged) or sends at a paced"
echo "rate for $PACED seconds; every message is a real Fernet token of a 100-byte plaintext,"
echo "committed to SQLite before it is acknowledged and forwarded. Latency runs from the sender's"
echo "event loop writing a message to a receiver's event loop reading it, over every delivery;"
echo "\"first\" and \"last\" are the median over messages of the first and the last receiver's"
echo "latency (the last one waits for the whole fan-out). The load generator runs on the same"
echo "$(nproc) cores as the relay. Each cell is the median of $RUNS runs; load average at the start:"
echo "$(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| receivers | flooded: deliveries/s | messages/s | paced: deliveries/s | p50 | p99 | max | first | last |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for receivers in 10 50; do
    start_relay "${bench_flags[@]}"
    mapfile -t flood < <(runs "$RUNS" fanout --url "$URL" --receivers "$receivers" --messages $((400000 / receivers)))
    first=1
    for rate in 500 5000; do
        mapfile -t paced < <(runs "$RUNS" fanout --url "$URL" --receivers "$receivers" --rate "$rate" --seconds "$PACED")
        lat="$(median p50_ms 2 "${paced[@]}") ms | $(median p99_ms 2 "${paced[@]}") ms | $(median max_ms 1 "${paced[@]}") ms"
        lat+=" | $(median first_receiver_p50_ms 2 "${paced[@]}") ms | $(median last_receiver_p50_ms 2 "${paced[@]}") ms"
        if ((first)); then
            echo "| $receivers | $(median deliveries_per_second 0 "${flood[@]}") | $(median messages_per_second 0 "${flood[@]}") | $rate | $lat |"
            first=0
        else
            echo "| | | | $rate | $lat |"
        fi
    done
    stop_relay
done
start_relay "${bench_flags[@]}"
mapfile -t ping < <(runs "$RUNS" ping --url "$URL" --count 1000)
stop_relay
echo
echo "For scale: a ping/pong round trip between the load generator and the relay (no database, no"
echo "fan-out) takes $(median p50_ms 2 "${ping[@]}") ms at p50 and $(median p99_ms 2 "${ping[@]}") ms at p99 on this machine."
echo "A Flask-SocketIO relay of the kind securechat replaces delivered about 1,400 messages/s"
echo "flooded, with a p99 of 12 ms at 500 deliveries/s."
echo

echo "## Idle connections"
echo
start_relay "${bench_flags[@]}"
base=$(awk '/VmRSS/ {print $2}' "/proc/$RELAY_PID/status")
rm -f "$WORK/hold" && mkfifo "$WORK/hold"
"$LOAD" idle --url "$URL" --connections 10000 < "$WORK/hold" > "$WORK/idle.out" &
load_pid=$!
exec 3> "$WORK/hold"
for _ in $(seq 1200); do grep -q connected "$WORK/idle.out" 2>/dev/null && break; sleep 0.1; done
sleep 2
rss=$(awk '/VmRSS/ {print $2}' "/proc/$RELAY_PID/status")
exec 3>&-
wait "$load_pid" || true
stop_relay
connected=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["connected"])' "$(cat "$WORK/idle.out")")
echo "Each connection has authenticated (signed the challenge) and then stays idle."
echo
echo "| connections | relay resident memory | per connection |"
echo "|---:|---:|---:|"
echo "| 0 | $((base / 1024)) MiB | |"
echo "| $connected | $((rss / 1024)) MiB | $(( (rss - base) / connected )) KiB |"
