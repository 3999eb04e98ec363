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
