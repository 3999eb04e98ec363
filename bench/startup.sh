#!/usr/bin/env bash
# Short commands as whole processes, against their peer tools in the same run: wall time as the
# median of interleaved rounds (hyperfine, no shell in between), and instruction counts from
# callgrind, which repeat exactly for the same binary and inputs however busy the machine is.
# Prints a markdown fragment on stdout; progress goes to stderr.
#
#   SC=.build/release/securechat bench/startup.sh     (SC defaults to that path)
#   ROUNDS=7 RUNS=40 bench/startup.sh                 (defaults 5 rounds of 30 runs per command)
#
# Needs hyperfine, jq, valgrind, age, age-keygen and qrencode. Valgrind 3.19 cannot read the
# DWARF 5 debug information of Swift binaries, so callgrind runs a stripped copy.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

sc=${SC:-.build/release/securechat}
rounds=${ROUNDS:-5}
runs=${RUNS:-30}
for tool in hyperfine jq valgrind age age-keygen qrencode; do
    command -v "$tool" >/dev/null || { echo "bench/startup.sh: $tool is not installed" >&2; exit 1; }
done
[ -x "$sc" ] || { echo "bench/startup.sh: $sc is not executable; build it with 'swift build -c release'" >&2; exit 1; }
sc=$(realpath "$sc")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
cd "$work"
strip -o "$work/securechat-stripped" "$sc"
scs="$work/securechat-stripped"

printf 'hello\n' > msg.txt
age-keygen -o id.txt 2>/dev/null
recipient=$(age-keygen -y id.txt)
export SECURECHAT_KEY=$(python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')
link=$("$sc" room create bench)

# name|securechat command|peer name|peer command  (no shell: hyperfine -N splits on spaces)
cases=(
    "encrypt -r (6 bytes)|$sc encrypt -r $recipient -o /dev/null msg.txt|age -r|age -r $recipient -o /dev/null msg.txt"
    "encrypt, Fernet key from the environment|$sc encrypt -o /dev/null msg.txt|age -r|age -r $recipient -o /dev/null msg.txt"
    "invite-qr -o FILE.png|$sc invite-qr -o invite.png $link|qrencode -o FILE.png|qrencode -o invite.png $link"
    "room create|$sc room create bench|age-keygen|age-keygen"
    "--version|$sc --version||"
)

# Wall time: every round runs every command, so drift on this noisy machine hits all alike.
: > rounds.jsonl
for ((round = 1; round <= rounds; round++)); do
    echo "round $round of $rounds" >&2
    for c in "${cases[@]}"; do
        IFS='|' read -r name cmd peer pcmd <<< "$c"
        for pair in "securechat $name|$cmd" "$peer|$pcmd"; do
            n=${pair%%|*}; command=${pair#*|}
            [ -n "$command" ] || continue
            hyperfine -N --style none --warmup 3 --runs "$runs" --export-json one.json -n "$n" "$command" >/dev/null 2>&1
            jq -c '{command: .results[0].command, median: .results[0].median}' one.json >> rounds.jsonl
        done
    done
done
median_ms() { jq -r --arg n "$1" 'select(.command == $n) | .median' rounds.jsonl | sort -g |
              awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m * 1000 }'; }

# Instructions: one run each under callgrind (exact, so one is enough). Go's asynchronous
# preemption signals trip callgrind's signal bookkeeping (an assertion in threads.c), so the Go
# peers run with it off; it does not change what they compute.
instructions() {
    GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        awk '/Collected :/ { print $NF }'
}
count() { # name command...
    local name=$1; shift
    local n
    n=$(instructions "$@")
    [ -n "$n" ] || { echo "bench/startup.sh: callgrind did not finish: $*" >&2; exit 1; }
    echo "$name $n" >> counts.txt
}
: > counts.txt
count "securechat encrypt -r (6 bytes)" "$scs" encrypt -r "$recipient" -o /dev/null msg.txt
count "age -r" age -r "$recipient" -o /dev/null msg.txt
count "securechat encrypt, Fernet key from the environment" "$scs" encrypt -o /dev/null msg.txt
count "securechat invite-qr -o FILE.png" "$scs" invite-qr -o invite.png "$link"
count "qrencode -o FILE.png" qrencode -o invite.png "$link"
count "securechat room create" "$scs" room create bench
count "age-keygen" age-keygen
count "securechat --version" "$scs" --version
inst() { awk -v n="$1" '{ c = $NF; $NF = ""; sub(/ $/, ""); if ($0 == n) print c }' counts.txt; }
millions() { awk -v a="$1" 'BEGIN { printf "%.1f M", a / 1e6 }'; }

echo "## Short commands: start-up included ($rounds interleaved rounds of $runs runs, $(nproc) cores)"
echo
echo "Wall time is the median of the rounds' medians; instructions are callgrind's exact count for"
echo "one run (of a stripped copy of the binary). Ratios are securechat over its peer."
echo
echo "| command | median (ms) | peer | peer median (ms) | time ratio | instructions | peer instructions | instruction ratio |"
echo "|---|---:|---|---:|---:|---:|---:|---:|"
for c in "${cases[@]}"; do
    IFS='|' read -r name cmd peer pcmd <<< "$c"
    t=$(median_ms "securechat $name"); i=$(inst "securechat $name")
    if [ -n "$peer" ]; then
        pt=$(median_ms "$peer"); pi=$(inst "$peer")
        echo "| \`securechat $name\` | $t | \`$peer\` | $pt | $(ratio "$t" "$pt")× | $(millions "$i") | $(millions "$pi") | $(ratio "$i" "$pi")× |"
    else
        echo "| \`securechat $name\` | $t | | | | $(millions "$i") | | |"
    fi
done
echo
echo "Binary: \`$sc\` ($(runtime_kind "$sc"))."
