# Shared by the bench/*.sh scripts: hyperfine to a markdown table, peak memory of a command.

# hyper NAME... -- runs hyperfine on the given commands and prints its markdown table.
hyper() {
    local md="$WORK/hyperfine.md"
    hyperfine --style none --warmup 3 --export-markdown "$md" "$@" >/dev/null 2>&1
    cat "$md"
}

# peak_kib COMMAND: maximum resident set size in KiB (GNU time).
peak_kib() {
    /usr/bin/time -f "%M" -o "$WORK/mem" bash -c "$1" >/dev/null 2>&1
    cat "$WORK/mem"
}

# ratio A B: A / B with one decimal.
ratio() { python3 -c "print(f'{$1 / $2:.1f}')"; }

# seconds COMMAND: wall time of one run, in seconds with milliseconds.
seconds() {
    python3 - "$1" <<'PY'
import subprocess, sys, time
t = time.perf_counter()
subprocess.run(["bash", "-c", sys.argv[1]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(f"{time.perf_counter() - t:.3f}")
PY
}

# hf_measure NAME COMMAND: hyperfine on one command, run directly (no shell in between) $runs
# times, its result appended as a JSON line to results.jsonl in the current directory.
hf_measure() {
    hyperfine -N --style basic --warmup 10 --runs "$runs" --export-json one.json -n "$1" "$2" >&2
    jq -c '.results[0]' one.json >> results.jsonl
}

# hf_ms NAME FIELD: a field (mean, stddev, min, median) of a measured command, in milliseconds.
hf_ms() { jq -r --arg n "$1" "select(.command == \$n) | .$2 * 1000" results.jsonl; }

# hf_table: every result in results.jsonl as a markdown table.
hf_table() {
    echo "| command | mean (ms) | σ (ms) | min (ms) | median (ms) |"
    echo "|---|---:|---:|---:|---:|"
    jq -r '[.command, .mean, .stddev, .min, .median] | @tsv' results.jsonl |
        awk -F '\t' '{ printf "| `%s` | %.2f | %.2f | %.2f | %.2f |\n", $1, $2 * 1000, $3 * 1000, $4 * 1000, $5 * 1000 }'
}

# fmt N: two decimals.
fmt() { printf '%.2f' "$1"; }

# runtime_kind BINARY: whether it carries the Swift runtime or loads it.
runtime_kind() { ldd "$1" 2>/dev/null | grep -q libswiftCore && echo "dynamic Swift runtime" || echo "static Swift runtime"; }
