#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every test in the guest; the host reads the TAP lines between the
# "### BEGIN" and "### END" markers (scripts/check.sh).
kmemleak=/sys/kernel/debug/kmemleak

[ -w $kmemleak ] && echo clear > $kmemleak
echo "### BEGIN"
for t in /opt/kselftest/umh_elf/*; do
	[ -x "$t" ] || continue
	echo "### TEST $(basename "$t")"
	(cd /opt/kselftest/umh_elf && timeout 600 "$t" 2>&1)
	echo "### EXIT $(basename "$t") $?"
done

if [ -w $kmemleak ]; then
	echo "### KMEMLEAK"
	# Objects are reported once they are at least 5 s old.
	echo scan > $kmemleak
	sleep 6
	echo scan > $kmemleak
	cat $kmemleak
fi
echo "### DMESG"
dmesg
