#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check: build the tests, boot the guest, run them, report.
# Prints the TAP of every test, then "N passed, N failed[, N skipped]".
# Exits non-zero on any failure, a guest that did not finish, or any
# oops, warning, BUG or kmemleak report in the guest log (out/guest.log).
set -eu

log="$OUT/guest.log"
initrd="$OUT/initramfs-check.cpio.gz"

echo "  TESTS   $OUT/tests"
"$TOP/scripts/build-tests.sh"
echo "  INITRD  $initrd"
"$TOP/scripts/mkinitramfs.sh" "$initrd"
echo "  QEMU    check (guest log: $log)"
rc=0
"$TOP/scripts/qemu.sh" check "$initrd" > "$log" 2>&1 || rc=$?
tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"

awk '/### BEGIN/ { on = 1; next }
     /^### (KMEMLEAK|DMESG)/ { on = 0 }
     on && !/^### / { print }' "$log"

failed=0
problems=""
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	problems="$problems\nguest timed out (hard limit ${QEMU_TIMEOUT:-1500} s) and was killed"
elif ! grep -q '^### END' "$log"; then
	problems="$problems\nguest did not finish (exit $rc)"
fi
if grep -nE 'BUG:|WARNING:|Oops|general protection|unreferenced object|Kernel panic' "$log" > "$OUT/guest.problems"; then
	problems="$problems\nkernel problems in the guest log:\n$(head -20 "$OUT/guest.problems")"
fi
crashed=$(awk '/^### EXIT / && $4 != 0 && $4 != 1 { print $3 " exited " $4 }' "$log")
[ -z "$crashed" ] || problems="$problems\ntest program crashed: $crashed"

passed=$(grep -cE '^ok [0-9]+' "$log" | head -1) || true
skipped=$(grep -E '^ok [0-9]+' "$log" | grep -c '# SKIP') || true
failed=$(grep -cE '^not ok [0-9]+' "$log") || true
passed=$((passed - skipped))
[ -z "$problems" ] || failed=$((failed + 1))
if [ "$passed" = 0 ] && [ "$failed" = 0 ]; then
	problems="$problems\nno test ran"
	failed=1
fi

if [ -n "$problems" ]; then
	printf "# %b\n" "$problems" | sed 's/^\([^#]\)/# \1/'
fi
if [ "$skipped" != 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
