#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every test in the guest; the host reads the TAP lines between the
# "### BEGIN" and "### END" markers (scripts/check.sh).
kmemleak=/sys/kernel/debug/kmemleak

# umh_elf_tests=security (from the kernel command line) runs only the
# security tests: the boots with module.sig_enforce=1 or lockdown=integrity.
# Any NAME runs umh_elf_NAME_test, or the program NAME itself; several
# names are separated by commas (security,edu).
only=${umh_elf_tests:-}

# umh_elf_suite_timeout=SECONDS: how long one test program may run before
# it is killed (and counted as crashed); make check-debug raises it, since
# its fuzzer makes DEBUG_FUZZ_ITERS loads on a kernel many times slower.
suite_timeout=${umh_elf_suite_timeout:-600}

# Is the test program $1 among those asked for (all if none was)?
wanted() {
	[ -z "$only" ] && return 0
	for w in $(echo "$only" | tr , ' '); do
		[ "$1" = "umh_elf_${w}_test" ] || [ "$1" = "$w" ] && return 0
	done
	return 1
}

# A test killed by its timeout cannot put back what it changed: do it
# here, so that one failure does not fail every program after it.
reset_kmod() {
	[ -e /proc/sys/kernel/modprobe ] || return 0	# CONFIG_MODULES=n
	if [ "$(cat /proc/sys/kernel/modprobe)" != /sbin/modprobe ]; then
		echo "# kernel.modprobe left at $(cat /proc/sys/kernel/modprobe): reset"
		echo /sbin/modprobe > /proc/sys/kernel/modprobe
	fi
	[ -w /proc/sys/kernel/kmod-limit ] &&
		echo 50 > /proc/sys/kernel/kmod-limit
	[ -w /proc/sys/kernel/kmod-strict ] &&
		echo 0 > /proc/sys/kernel/kmod-strict
	[ -w /sys/kernel/uevent_helper ] && echo > /sys/kernel/uevent_helper
}

[ -w $kmemleak ] && echo clear > $kmemleak
# The host checks that every vCPU it gave the guest came up.
echo "### CPUS $(grep -c '^processor' /proc/cpuinfo) of ${umh_elf_smp:-?}"
echo "### BEGIN"
for t in /opt/kselftest/umh_elf/*; do
	[ -x "$t" ] || continue
	case "$t" in *_bench) continue ;; esac
	wanted "$(basename "$t")" || continue
	echo "### TEST $(basename "$t")"
	(cd /opt/kselftest/umh_elf && timeout "$suite_timeout" "$t" 2>&1)
	echo "### EXIT $(basename "$t") $?"
	reset_kmod
done

# Upstream's kmod.sh, one test case at a time, as TAP.  DEFAULT_KMOD_FS is
# configfs (modular here) instead of xfs.  KMOD_TESTS lists the cases run.
KMOD_TESTS="0001 0002 0003 0004 0005 0006 0007 0008 0009 0010 0011 0012 0013"
[ -z "$only" ] || KMOD_TESTS=""
[ -n "$KMOD_TESTS" ] && echo "### TEST kmod.sh" && echo "TAP version 13"
[ -n "$KMOD_TESTS" ] && echo "1..$(echo $KMOD_TESTS | wc -w)"
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
[ -n "$KMOD_TESTS" ] && echo "### EXIT kmod.sh 0"

# umh_elf_stress=SECONDS (make check-debug): run each concurrency test
# again and again for that long, and report one TAP line for each: how
# many runs passed, or the output of the first run that failed.
STRESS_TESTS="umh_elf_test:umh_elf.concurrent_modprobe_one_process
umh_elf_test:umh_elf.caller_killed_while_waiting
umh_elf_test:umh_elf.killed_module_disappears
umh_elf_kmod_test:kmod.concurrent_callers_share_outcome
umh_elf_kmod_test:kmod.limit_raised_and_lowered_under_load
umh_elf_channel_test:channel.sixteen_threads
umh_elf_channel_test:channel.hundred_concurrent_requests
umh_elf_channel_test:channel.killed_mid_call"
stress() {
	n=$1 prog=$2 test=$3 secs=$4
	end=$(($(date +%s) + secs))
	runs=0 skips=0
	while [ "$(date +%s)" -lt $end ]; do
		out=$(cd /opt/kselftest/umh_elf &&
		      timeout 600 ./$prog -r $test 2>&1)
		rc=$?
		reset_kmod >/dev/null
		if [ $rc = 4 ]; then		# KSFT_SKIP: says why
			skips=$((skips + 1))
			continue
		fi
		if [ $rc != 0 ]; then
			echo "$out" | sed 's/^/# /'
			echo "not ok $n stress.$test (run $((runs + 1)) failed)"
			return
		fi
		runs=$((runs + 1))
	done
	echo "ok $n stress.$test # $runs runs in ${secs} s, $skips skipped"
}
if [ -z "$only" ] && [ -n "${umh_elf_stress:-}" ]; then
	echo "### TEST stress"
	echo "TAP version 13"
	echo "1..$(echo "$STRESS_TESTS" | wc -l)"
	n=0
	for st in $STRESS_TESTS; do
		n=$((n + 1))
		stress $n "${st%%:*}" "${st#*:}" "$umh_elf_stress"
	done
	echo "### EXIT stress 0"
fi

# On a kernel with fault injection (make check-debug): load ELF modules
# while slab and page allocations of the loading process fail at random.
# Every load must end in success or a clean error, and leave nothing.
fail_load() {
	d=/sys/kernel/debug/$1
	# A load makes many slab allocations and few page allocations: these
	# rates let some loads through and fail others at varying points.
	echo $3 > $d/probability; echo 1 > $d/interval; echo -1 > $d/times
	echo Y > $d/task-filter; echo 0 > $d/verbose
	[ -f $d/ignore-gfp-wait ] && echo N > $d/ignore-gfp-wait
	[ -f $d/ignore-gfp-highmem ] && echo N > $d/ignore-gfp-highmem
	errs=0
	for i in $(seq 100); do
		sh -c "echo 1 > /proc/self/make-it-fail &&
		       exec /sbin/insmod /lib/modules/$(uname -r)/extra/umh_elf_test.ko mode=oneshot" \
			>/dev/null 2>&1 || errs=$((errs + 1))
	done
	echo 0 > $d/probability
	echo "# $1: $errs of 100 loads failed cleanly"
	sleep 1
	if grep -q '^umh_elf_test ' /proc/modules || pidof umh_elf_test >/dev/null; then
		echo "not ok $2 faults.$1_leaves_nothing"
	else
		echo "ok $2 faults.$1_leaves_nothing"
	fi
}
if [ -z "$only" ] && [ -d /sys/kernel/debug/failslab ]; then
	echo "### TEST faults"
	echo "TAP version 13"
	echo "1..2"
	fail_load failslab 1 2
	fail_load fail_page_alloc 2 20
	echo "### EXIT faults 0"
fi

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
