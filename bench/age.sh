#!/usr/bin/env bash
# age format: encrypting and decrypting 256 MiB as a whole process, and peak memory, against
# Debian's age in the same run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

age-keygen -o "$WORK/id.txt" 2>/dev/null
chmod 600 "$WORK/id.txt"
r=$(age-keygen -y "$WORK/id.txt")
head -c $((256 << 20)) /dev/urandom > "$WORK/data"
age -r "$r" -o "$WORK/data.age" "$WORK/data"

echo "## age format: 256 MiB, whole process"
echo
hyper -r 5 \
    -n "securechat encrypt -r" "$SC encrypt -r $r -o /dev/null $WORK/data" \
    -n "age -r" "age -r $r -o /dev/null $WORK/data" \
    -n "securechat decrypt -i" "$SC decrypt -i $WORK/id.txt -o /dev/null $WORK/data.age" \
    -n "age -d -i" "age -d -i $WORK/id.txt -o /dev/null $WORK/data.age"
echo
echo "| command | peak memory |"
echo "|:---|---:|"
echo "| \`securechat encrypt -r\` | $(( $(peak_kib "$SC encrypt -r $r $WORK/data > /dev/null") / 1024 )) MiB |"
echo "| \`age -r\` | $(( $(peak_kib "age -r $r $WORK/data > /dev/null") / 1024 )) MiB |"
echo "| \`securechat decrypt -i\` | $(( $(peak_kib "$SC decrypt -i $WORK/id.txt $WORK/data.age > /dev/null") / 1024 )) MiB |"
echo "| \`age -d -i\` | $(( $(peak_kib "age -d -i $WORK/id.txt $WORK/data.age > /dev/null") / 1024 )) MiB |"
rm -f "$WORK/data" "$WORK/data.age"
