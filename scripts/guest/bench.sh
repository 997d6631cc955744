#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, in the guest: run the benchmark of ELF modules
# (tools/testing/selftests/umh_elf/umh_elf_bench.c, installed with the
# kselftests, which run-tests.sh skips) and print its BENCH lines, which
# scripts/bench-report.sh reads from the guest log, then the table.  init
# prints "### END" afterwards.
#
# umh_elf_bench=ARGS on the kernel command line (it reaches init as an
# environment variable) passes ARGS to the program: -q for three rounds
# per measurement, or the sections to run (launch size ready channel
# memory scale device restart); make bench BENCH_ONLY=SECTION sets it.
out=/tmp/bench.out
kmemleak=/sys/kernel/debug/kmemleak

echo "### CPUS $(grep -c '^processor' /proc/cpuinfo) of ${umh_elf_smp:-?}"
echo "### BEGIN"
# kmemleak tracks every allocation: it would weigh on every time, and its
# metadata would count in the memory rows.  Off for the rest of the boot.
if [ -w $kmemleak ] && echo off > $kmemleak 2>/dev/null; then
	echo "BENCHNOTE,kmemleak turned off for the benchmark"
fi
if ! /sbin/modprobe test_umh_elf; then
	echo "BENCHNOTE,modprobe test_umh_elf failed: the rows that need the test driver are missing"
fi
if ! /sbin/modprobe umh_elf_bench_helper; then
	echo "BENCHNOTE,modprobe umh_elf_bench_helper failed: the hash+copy baseline is missing"
fi

# Its progress lines (stderr) take the same way as its rows: with two
# writers on the console, a progress line could land inside a row.
# shellcheck disable=SC2086
{
	timeout 1200 /opt/kselftest/umh_elf/umh_elf_bench ${umh_elf_bench:-} 2>&1
	echo $? > /tmp/bench.rc
} | tee $out
rc=$(cat /tmp/bench.rc 2>/dev/null)
[ "$rc" = 0 ] || echo "BENCHNOTE,umh_elf_bench exited with status ${rc:-unknown}"
/sbin/rmmod test_umh_elf umh_elf_bench_helper 2>/dev/null

echo
echo "ELF modules benchmark (medians; ratio = value / baseline, lower is better)"
awk -F, '
/^BENCHTARGET,/ { target[$2] = $3 ": " $4; next }
/^BENCH,/ {
	n++
	metric[n] = $2; unit[n] = $3; value[n] = $4; base[n] = $5; ratio[n] = $6
}
END {
	fmt = "%-36s %10s %-9s %10s %7s  %s\n"
	printf fmt, "metric", "value", "unit", "baseline", "ratio", "target"
	for (i = 1; i <= n; i++)
		printf fmt, metric[i], value[i], unit[i], base[i], ratio[i], \
			(metric[i] in target) ? target[metric[i]] : ""
}' $out
