#!/usr/bin/env bash
# Times `securechat invite-qr -o invite.png LINK` against `qrencode -o invite.png LINK` in the
# same run, and `securechat room create`, as whole processes (hyperfine, no shell in between).
# Prints a markdown fragment (a table and a verdict) on stdout; progress goes to stderr.
#
#   SC=.build/release/securechat bench/invite.sh      (SC defaults to that path)
#   RUNS=300 bench/invite.sh                           (runs per command, default 200)
#
# Needs hyperfine, qrencode and jq. Room files go to a temporary XDG_DATA_HOME, removed at exit.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

sc=${SC:-.build/release/securechat}
runs=${RUNS:-200}
for tool in hyperfine qrencode jq; do
    command -v "$tool" >/dev/null || { echo "bench/invite.sh: $tool is not installed" >&2; exit 1; }
done
[ -x "$sc" ] || { echo "bench/invite.sh: $sc is not executable; build it with 'swift build -c release'" >&2; exit 1; }
sc=$(realpath "$sc")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work" XDG_DATA_HOME="$work/data"
cd "$work"

# A real open-room invite (99 bytes), the link both tools encode.
link=$("$sc" room create bench)

hf_measure 'securechat --version (start-up alone)' "$sc --version"
hf_measure 'securechat invite-qr -o invite.png LINK' "$sc invite-qr -o invite.png $link"
hf_measure 'qrencode -o invite.png LINK' "qrencode -o invite.png $link"
hf_measure 'securechat room create NAME' "$sc room create bench"


echo "## Invites: invite-qr and room create ($runs runs each, $(nproc) cores)"
echo
hf_table
echo
runtime=$(runtime_kind "$sc")
echo "Binary: \`$sc\` ($runtime)."
echo

qr=$(hf_ms 'securechat invite-qr -o invite.png LINK' mean)
ref=$(hf_ms 'qrencode -o invite.png LINK' mean)
create=$(hf_ms 'securechat room create NAME' mean)
verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "met" : "not met" }'; }
echo "- invite-qr vs qrencode: $(fmt "$qr") ms vs $(fmt "$ref") ms, $(awk -v a="$qr" -v b="$ref" 'BEGIN { printf "%.1f", a / b }')× (target ≤ 1×: $(verdict "$qr" "$ref"))"
echo "- room create: $(fmt "$create") ms (target < 10 ms: $(verdict "$create" 10))"
