#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make run: ELF modules at work, told step by step.
M=/lib/modules/$(uname -r)/extra
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; sh -c "$*"; }

echo "### BEGIN"
say "A .ko that is a plain static executable, signed like any module:"
run "/sbin/modinfo umh_elf_test | grep -v '^\s' | grep -v '^signature'"
run "/bin/busybox file $M/umh_elf_test.ko 2>/dev/null || head -c 4 $M/umh_elf_test.ko | od -c | head -1"

say "modprobe waits until the program says READY=1, then returns 0:"
run "/sbin/modprobe umh_elf_test mode=ready status=serving say=hello-from-user-space"
run "/sbin/lsmod"
run "cat /sys/module/umh_elf_test/initstate; ls /sys/module/umh_elf_test/elf"
run "cd /sys/module/umh_elf_test/elf && for f in pid signed status sha256; do echo \"\$f: \$(cat \$f)\"; done"

say "It is an ordinary process (comm is the module name), cwd /, fds 0-3 are pipes:"
run "ps -o pid,comm,args | grep '[u]mh_elf_test'"
run "ls -l /proc/\$(cat /sys/module/umh_elf_test/elf/pid)/fd /proc/\$(cat /sys/module/umh_elf_test/elf/pid)/cwd"

say "Its stderr and every launch and end are in the kernel log:"
run "dmesg | grep -E 'elf-module|umh_elf_test:' | tail -3"

say "A program that fails makes the load fail with its exit status as errno (19 = ENODEV):"
run "/sbin/modprobe umh_elf_test2 exit=19; echo \"modprobe exit status \$?\""

say "A one-shot job: runs to completion, returns 0, nothing stays loaded:"
run "/sbin/modprobe umh_elf_test2 mode=args a=1 'b=\"x y\"'; dmesg | grep 'umh_elf_test2: argv' | tail -3; grep umh_elf_test2 /proc/modules || echo 'not in /proc/modules'"

say "rmmod stops it (SIGTERM, then SIGKILL after the stop timeout):"
run "/sbin/rmmod umh_elf_test && dmesg | grep elf-module | tail -1; lsmod"

say "Kernel code hands work to an ELF module over its pipes.  The test driver asks"
echo "umh_elf_echo, which is not loaded: umh_elf_get() loads it through request_module()"
echo "and modprobe, then 4 kernel threads make 100 round trips each, every reply checked:"
run "/sbin/modprobe test_umh_elf"
run "echo 'echo umh_elf_echo 4 100 64 5000' > /sys/kernel/debug/test_umh_elf/run && echo '400 replies, all correct'"
run "/sbin/lsmod; dmesg | grep 'elf-module umh_elf_echo' | tail -1"

say "A held reference keeps it from rmmod, as for any module:"
run "echo 'hold umh_elf_echo' > /sys/kernel/debug/test_umh_elf/run; cat /sys/module/umh_elf_echo/refcnt; /sbin/rmmod umh_elf_echo"
run "echo release > /sys/kernel/debug/test_umh_elf/run; /sbin/rmmod umh_elf_echo && echo removed"
