#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make run: ELF modules at work, told step by step, with the samples of
# samples/umh_elf.
M=/lib/modules/$(uname -r)/kernel/samples/umh_elf
say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; sh -c "$*"; }

echo "### BEGIN"
say "An ELF module is a .ko holding a plain static executable, built by Kbuild (elfmod-m),
installed and signed by modules_install like any module:"
run "head -c 4 $M/umh_sample_service.ko | od -c | head -1"
run "/sbin/modinfo umh_sample_service | grep -Ev '^(sig|signature|\s)'"

say "modprobe waits until the program says READY=1, then returns 0:"
run "/sbin/modprobe umh_sample_service && echo 'modprobe returned 0'"
run "/sbin/lsmod"
run "cd /sys/module/umh_sample_service && cat initstate && for f in elf/*; do echo \"\$f: \$(cat \$f)\"; done"

say "It is an ordinary process: comm is the module name, cwd /, fds 0-3 are pipes,"
echo "and its capabilities are the ones its .modinfo asked for (cap_net_admin, bit 12):"
run "P=\$(cat /sys/module/umh_sample_service/elf/pid); ps -o pid,comm | grep ' umh_sample'; ls -l /proc/\$P/fd /proc/\$P/cwd; grep Cap /proc/\$P/status"

say "Every launch is in the kernel log:"
run "dmesg | grep 'elf-module umh_sample_service' | tail -1"

say "A one-shot job runs to completion; its stderr lines land in the log; nothing stays:"
run "/sbin/modprobe umh_sample_oneshot count=3 && dmesg | grep 'umh_sample_oneshot' | tail -4"
say "A job that fails makes the load fail with its exit status as errno (22 = EINVAL):"
run "/sbin/modprobe umh_sample_oneshot count=x; echo \"modprobe exit status \$?\""

say "A classic forking daemon: the parent exits 0, the child (holding fd 3) keeps it loaded:"
run "/sbin/modprobe umh_sample_daemon && grep umh_sample_daemon /proc/modules && ps -o pid,ppid,comm | grep ' umh_sample_daem'"

say "rmmod stops a module (SIGTERM, then SIGKILL after the stop timeout):"
run "/sbin/rmmod umh_sample_service umh_sample_daemon && dmesg | grep -E 'umh_sample_service: stopping|elf-module umh_sample_(service|daemon): stopped' | tail -3"

say "Kernel code hands work to an ELF module over its pipes.  The test driver asks"
echo "umh_sample_echo, which is not loaded: umh_elf_get() loads it through request_module()"
echo "and modprobe, then 4 kernel threads make 100 round trips each, every reply checked:"
run "/sbin/modprobe test_umh_elf"
run "echo 'echo umh_sample_echo 4 100 64 5000' > /sys/kernel/debug/test_umh_elf/run && echo '400 replies, all correct'"
run "/sbin/lsmod"

say "A reference held by kernel code keeps it from rmmod, as for any module:"
run "echo 'hold umh_sample_echo' > /sys/kernel/debug/test_umh_elf/run; cat /sys/module/umh_sample_echo/refcnt; /sbin/rmmod umh_sample_echo"
run "echo release > /sys/kernel/debug/test_umh_elf/run; /sbin/rmmod umh_sample_echo && echo removed"

say "The whole story, as an administrator reads it:"
run "dmesg | grep 'elf-module' | sed 's/sha256 \([0-9a-f]\{12\}\)[0-9a-f]*/sha256 \1.../'"
