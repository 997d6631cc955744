#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check: build the tests, boot the guest, run them, report.
# Prints the TAP of every test, then "N passed, N failed[, N skipped]".
# Exits non-zero on any failure, a guest that did not finish, or any
# oops, warning, BUG or kmemleak report in a guest log (out/guest*.log),
# and on a request_module() "no module provides" warning that no test
# announced.
#
# Three boots: every test without signature enforcement (out/guest.log),
# then the security tests again with module.sig_enforce=1, with the
# user-space PCI driver's signature test (out/guest-enforce.log), and with
# lockdown=integrity (out/guest-lockdown.log).  A fourth boots the kernel
# without CONFIG_MODULES (NOMOD_KERNEL, make kernel-nomod) for the tests of
# built-in ELF modules (out/guest-nomod.log), the test driver using one
# from its initcall (test_umh_elf.boot_get=).  Before them, on the host:
# the module authors' runner, tools/elfmod/elfmod-run, against the same
# modules (scripts/check-elfmod-run.sh, out/host.log; CHECK_ONLY=host
# runs only that).
set -eu

initrd="$OUT/initramfs-check.cpio.gz"

echo "  TESTS   $OUT/tests"
"$TOP/scripts/build-tests.sh"
if [ "${CHECK_ONLY:-}" != host ]; then
	echo "  INITRD  $initrd"
	"$TOP/scripts/mkinitramfs.sh" "$initrd"
fi

passed=0 failed=0 skipped=0
report=""

# boot NAME LOG [kernel parameters...]: boot, print the TAP, tally.
boot() {
	name=$1 log=$2
	shift 2
	echo "  QEMU    $name (guest log: $log)"
	rc=0
	"$TOP/scripts/qemu.sh" check "$initrd" "$@" > "$log" 2>&1 || rc=$?
	tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"

	awk '/### BEGIN/ { on = 1; next }
	     /^### (KMEMLEAK|DMESG)/ { on = 0 }
	     on && !/^### / { print }' "$log"

	problems=""
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		problems="$problems\n$name: guest timed out (hard limit ${QEMU_TIMEOUT:-1500} s) and was killed"
	elif ! grep -q '^### END' "$log"; then
		problems="$problems\n$name: guest did not finish (exit $rc)"
	fi
	if grep -nE 'BUG:|WARNING:|Oops|general protection|unreferenced object|Kernel panic' "$log" > "$log.problems"; then
		problems="$problems\n$name: kernel problems in the guest log:\n$(head -20 "$log.problems")"
	fi
	# request_module()'s "no module provides" warning is a bug on a valid
	# system.  Only a warning that a test announced first is expected
	# (umh_elf_kmod_test.c, expect_warning()).
	awk '/umh_elf_kmod_test: a warning for [^ ]* is expected/ {
		sub(/.*umh_elf_kmod_test: a warning for /, "")
		expected[$1] = 1
		next
	     }
	     /request_module: modprobe [^ ]* exited 0, but no module provides/ {
		line = $0
		sub(/.*request_module: modprobe /, "")
		if (!($1 in expected))
			print line
	     }' "$log" > "$log.provides"
	if [ -s "$log.provides" ]; then
		problems="$problems\n$name: request_module() warned on a valid system:\n$(head -5 "$log.provides")"
	fi
	cpus=$(sed -n 's/.*### CPUS \([0-9]*\) of.*/\1/p' "$log")
	if [ "${cpus:-0}" -lt "${QEMU_SMP:-2}" ]; then
		problems="$problems\n$name: the guest brought up ${cpus:-no} CPUs of the ${QEMU_SMP:-2} vCPUs QEMU gave it"
	fi
	crashed=$(awk '/^### EXIT / && $4 != 0 && $4 != 1 { print $3 " exited " $4 }' "$log")
	[ -z "$crashed" ] || problems="$problems\n$name: test program crashed: $crashed"

	p=$(grep -cE '^ok [0-9]+' "$log") || true
	s=$(grep -E '^ok [0-9]+' "$log" | grep -c '# SKIP') || true
	f=$(grep -cE '^not ok [0-9]+' "$log") || true
	[ "$p$f" != 00 ] || problems="$problems\n$name: no test ran"
	[ -z "$problems" ] || f=$((f + 1))
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
	report="$report$problems"
}

# host: the runner's table, tallied as a boot's TAP is.
host() {
	log="$OUT/host.log"
	echo "  HOST    elfmod-run (log: $log)"
	rc=0
	"$TOP/scripts/check-elfmod-run.sh" > "$log" 2>&1 || rc=$?
	grep -E '^(not )?ok [0-9]+|^#' "$log" || true
	p=$(grep -cE '^ok [0-9]+' "$log") || true
	s=$(grep -E '^ok [0-9]+' "$log" | grep -c '# SKIP') || true
	f=$(grep -cE '^not ok [0-9]+' "$log") || true
	problems=""
	[ "$rc" = 0 ] || problems="\nhost: scripts/check-elfmod-run.sh exited $rc:\n$(tail -5 "$log")"
	[ "$p$f" != 00 ] || problems="$problems\nhost: no test ran"
	[ -z "$problems" ] || f=$((f + 1))
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
	report="$report$problems"
}

# CHECK_ONLY=NAME (development): one boot running umh_elf_NAME_test (or
# the program NAME) only; CHECK_ONLY=host: the runner's table only.
if [ "${CHECK_ONLY:-}" = host ]; then
	host
elif [ -n "${CHECK_ONLY:-}" ]; then
	boot check "$OUT/guest.log" umh_elf_tests="$CHECK_ONLY"
else
host
boot check "$OUT/guest.log"
boot enforce "$OUT/guest-enforce.log" module.sig_enforce=1 umh_elf_tests=security,edu
boot lockdown "$OUT/guest-lockdown.log" lockdown=integrity umh_elf_tests=security
fi
if [ -n "${NOMOD_KERNEL:-}" ] &&
   { [ -z "${CHECK_ONLY:-}" ] || [ "$CHECK_ONLY" = builtin ]; }; then
	export KERNEL="$NOMOD_KERNEL"
	boot nomod "$OUT/guest-nomod.log" umh_elf_tests=builtin \
		test_umh_elf.boot_get=umh_sample_builtin
	unset KERNEL
fi

if [ -n "$report" ]; then
	printf "# %b\n" "$report" | sed 's/^\([^#]\)/# \1/'
fi
if [ "$skipped" != 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
