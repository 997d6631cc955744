#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make profile, in the guest: trace the load path of ELF modules with the
# function graph tracer (the kernel of make profile has it:
# tools/testing/selftests/umh_elf/config.trace) and print the trace of
# each load, which scripts/profile-report.sh sums up by phase.
#
# Traced: finit_module() of the unsigned and of the signed tiny module
# (launch.fixed: it exits at once), and of the signed umh_elf_test
# mode=ready (ready.finit), each PROFILE_RUNS times after two untraced
# warm-up loads.  The graph starts at the entries below, in whichever
# task runs them: the caller's system call, the user-mode-helper worker
# and the new process up to its exec, the event work that follows the
# module's processes, and the exit of the process.  profile_depth=N on
# the kernel command line (make profile PROFILE_DEPTH=N) sets how deep
# the graph goes below each entry (default 4), profile_runs=N how many
# loads of each kind are traced (default 3).
T=/sys/kernel/tracing
X=/lib/modules/$(uname -r)/extra
O=/opt/umh_elf
runs=${profile_runs:-3}
entries="__x64_sys_finit_module call_usermodehelper_exec_work
call_usermodehelper_exec_async umh_elf_event elfmod_reap
__x64_sys_exit_group __x64_sys_delete_module"

echo "### BEGIN"
mount -t tracefs tracefs $T 2>/dev/null
if [ ! -w $T/current_tracer ]; then
	echo "PROFILENOTE,no tracefs: boot the kernel of make profile"
	exit 0
fi
kmemleak=/sys/kernel/debug/kmemleak
[ -w $kmemleak ] && echo off > $kmemleak 2>/dev/null

echo 0 > $T/tracing_on
echo 16384 > $T/buffer_size_kb
echo mono > $T/trace_clock
echo function_graph > $T/current_tracer
for o in funcgraph-abstime funcgraph-proc funcgraph-tail; do
	echo 1 > $T/options/$o
done
echo "${profile_depth:-4}" > $T/max_graph_depth
for f in $entries; do
	echo "$f" >> $T/set_graph_function 2>/dev/null ||
		echo "PROFILENOTE,cannot trace $f"
done

# profile_one LABEL UNLOAD FILE [PARAMS]: warm up, then trace RUNS loads.
profile_one() {
	label=$1 unload=$2 file=$3
	shift 3
	for i in 1 2; do
		insmod "$file" "$@" 2>/dev/null
		[ "$unload" = - ] || rmmod "$unload"
	done
	i=0
	while [ $i -lt "$runs" ]; do
		i=$((i + 1))
		echo > $T/trace
		echo 1 > $T/tracing_on
		echo "PROFILE $label $i start" > $T/trace_marker
		insmod "$file" "$@"
		echo "PROFILE $label $i loaded rc=$?" > $T/trace_marker
		[ "$unload" = - ] || rmmod "$unload"
		echo "PROFILE $label $i end" > $T/trace_marker
		echo 0 > $T/tracing_on
		echo "PROFILETRACE $label $i"
		cat $T/trace
		echo "PROFILETRACE end"
	done
}

profile_one launch.fixed - $O/umh_elf_tiny.unsigned.ko
profile_one launch.fixed.signed - "$X/umh_elf_tiny.ko"
profile_one ready.finit umh_elf_test "$X/umh_elf_test.ko" mode=ready
if [ -f $O/umh_elf_tiny_16m.ko ]; then
	profile_one launch.16m.signed - $O/umh_elf_tiny_16m.ko
fi
echo nop > $T/current_tracer

# profile_bench=SECTION (make profile PROFILE_BENCH=launch): then that
# section of the benchmark, the tracer off, for the untraced times of the
# same boot.
if [ -n "${profile_bench:-}" ]; then
	umh_elf_bench=$profile_bench /opt/umh_elf/bench.sh
fi
