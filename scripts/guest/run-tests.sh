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

# Upstream's kmod.sh, one test case at a time, as TAP.  DEFAULT_KMOD_FS is
# configfs (modular here) instead of xfs.  KMOD_TESTS lists the cases run.
KMOD_TESTS="0001 0002 0003 0004 0005 0006 0007 0008 0009 0010 0011 0012 0013"
echo "### TEST kmod.sh"
echo "TAP version 13"
echo "1..$(echo $KMOD_TESTS | wc -w)"
n=0
for id in $KMOD_TESTS; do
	n=$((n + 1))
	out=$(cd /opt/kselftest/kmod && DEFAULT_KMOD_FS=configfs \
		timeout 300 /bin/bash ./kmod.sh -s $id 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	if [ $rc = 0 ]; then
		echo "ok $n kmod.$id"
	else
		echo "not ok $n kmod.$id (exit $rc)"
	fi
done
echo "### EXIT kmod.sh 0"

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
