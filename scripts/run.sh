#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make run / make shell / make bench: build the tests and samples, boot the
# guest for that job.
set -eu

job=$1
initrd="$OUT/initramfs-$job.cpio.gz"
"$TOP/scripts/build-tests.sh"
"$TOP/scripts/mkinitramfs.sh" "$initrd"
if [ "$job" = shell ]; then
	exec "$TOP/scripts/qemu.sh" shell "$initrd"
fi
# BENCH_ONLY=SECTION (make bench): run one section of the benchmark.
set --
[ "$job" != bench ] || [ -z "${BENCH_ONLY:-}" ] || set -- umh_elf_bench="$BENCH_ONLY"
"$TOP/scripts/qemu.sh" "$job" "$initrd" "$@" 2>&1 | tr -d '\r' | tee "$OUT/$job.log" |
	awk '/### BEGIN/ { on = 1; next } /^### END/ { on = 0 } on'
