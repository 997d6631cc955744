#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot out/bzImage with an initramfs in QEMU (TCG, QEMU_SMP vCPUs, default
# 2, serial console).
#
#   qemu.sh JOB INITRAMFS [extra kernel parameters...]
#
# JOB is check, demo, bench or shell.  All but shell run without a
# terminal, under a hard time limit (QEMU_TIMEOUT seconds, default 1500).
# GUEST_APPEND adds kernel parameters to every boot (make check-debug:
# the stress loops and the longer fuzzer run).  Every boot has QEMU's edu
# PCI device, for the sample PCI driver in user space (umh_elf_edu_test).
# KERNEL boots another kernel than out/bzImage (the CONFIG_MODULES=n one).
set -eu

job=$1
initrd=$2
shift 2
append="console=ttyS0 loglevel=3 log_buf_len=16M tsc=reliable panic=-1 reboot=t harness=$job umh_elf_smp=${QEMU_SMP:-2} module_blacklist=umh_elf_blocked ${GUEST_APPEND:-} $*"
set -- qemu-system-x86_64 -accel tcg -cpu max -smp ${QEMU_SMP:-2} -m ${QEMU_MEM:-2048} \
	-device edu -nographic -no-reboot -kernel "${KERNEL:-$OUT/bzImage}" -initrd "$initrd" \
	-append "$append"

if [ "$job" = shell ]; then
	exec "$@"
fi
timeout --kill-after=10 "${QEMU_TIMEOUT:-1500}" "$@" </dev/null
