#!/usr/bin/env bash
# Fernet: one short message as a whole process, and 64 MiB throughput and peak memory,
# against Python's cryptography.fernet and age.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

key=$(python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
export SECURECHAT_KEY="$key"
age-keygen -o "$WORK/age.key" 2>/dev/null
recipient=$(age-keygen -y "$WORK/age.key")
printf 'hello, room' > "$WORK/short"
cat > "$WORK/fernet.py" <<PY
import sys
from cryptography.fernet import Fernet
sys.stdout.buffer.write(Fernet(sys.argv[1].encode()).encrypt(sys.stdin.buffer.read()) + b"\n")
PY

echo "## One short message, whole process"
echo
hyper -N \
    -n "securechat encrypt" "$SC encrypt $WORK/short" \
    -n "age -r" "age -r $recipient $WORK/short" \
    -n "python3 cryptography.fernet" "python3 $WORK/fernet.py $key < $WORK/short"
echo

head -c $((64 << 20)) /dev/urandom > "$WORK/big"
sc_t=$(seconds "$SC encrypt $WORK/big > $WORK/big.sc")
py_t=$(seconds "python3 $WORK/fernet.py $key < $WORK/big > $WORK/big.py")
sc_m=$(peak_kib "$SC encrypt $WORK/big > /dev/null")
py_m=$(peak_kib "python3 $WORK/fernet.py $key < $WORK/big > /dev/null")
echo "## Fernet-encrypting 64 MiB"
echo
echo "| command | wall time | peak memory |"
echo "|:---|---:|---:|"
echo "| \`securechat encrypt\` | ${sc_t} s | $((sc_m / 1024)) MiB |"
echo "| python3 \`cryptography.fernet\` | ${py_t} s | $((py_m / 1024)) MiB |"
echo
echo "Speed-up: $(ratio "$py_t" "$sc_t")x."
rm -f "$WORK/big" "$WORK/big.sc" "$WORK/big.py"
