# SPDX-License-Identifier: GPL-2.0
#
# ELF modules for Linux: build, boot and test harness.
# `make help` lists the entry points.

TOP      := $(abspath .)
BUILD    := $(TOP)/build
OUT      := $(TOP)/out
KOUT     := $(OUT)/linux
JOBS     ?= $(shell nproc)
FRAGMENT := $(TOP)/tools/testing/selftests/umh_elf/config

ifdef KSRC
PRISTINE := $(abspath $(KSRC))
else
PRISTINE := $(BUILD)/pristine/linux-source-6.12
endif
SRC      := $(BUILD)/src

KMAKE = $(MAKE) -C $(SRC) O=$(KOUT) -j$(JOBS) -s

export TOP BUILD OUT KOUT SRC PRISTINE JOBS


export EXTRA_FRAGMENT QEMU_TIMEOUT QEMU_SMP GUEST_APPEND

.PHONY: help deps tree kernel kernel-nomod check check-debug series-check run shell series bench profile profile-run mutants clean distclean elfmod-run

help:
	@echo "ELF modules for Linux"
	@echo
	@echo "  make run      build, boot the patched kernel in QEMU, show ELF modules at work"
	@echo "  make check    build and run every test in QEMU (TAP, then 'N passed, N failed')"
	@echo "  make check-debug  the same tests on a KASAN/lockdep/kmemleak/fault-injection kernel"
	@echo "  make shell    boot the test guest to an interactive shell"
	@echo "  make kernel   build out/bzImage and the build tree out/linux"
	@echo "  make kernel-nomod  the second test kernel, without CONFIG_MODULES, in out/nomod"
	@echo "  make series   the patch series under out/series/, checkpatch --strict clean"
	@echo "  make series-check  apply the series patch by patch, building after each"
	@echo "  make bench    the benchmark table"
	@echo "  make profile  the load path under the function graph tracer, phase by phase"
	@echo "  make mutants  break the code one line at a time (scripts/mutants.txt); each must fail a test by name"
	@echo "  make elfmod-run KO=NAME.ko [ARGS=\"p=v ...\"] [RUN_FLAGS=\"-t MS -i FILE\"]  (or M=dir NAME=name)"
	@echo "               run an ELF module as a plain program; see what its load would return"
	@echo "  make clean    remove out/ (distclean: also the build folder)"
	@echo
	@echo "  KSRC=/path/to/linux   use that tree instead of Debian's linux-source-6.12"

deps:
	@KSRC="$(KSRC)" $(TOP)/scripts/install-deps.sh

$(BUILD)/pristine/linux-source-6.12/Makefile:
	@mkdir -p $(BUILD)/pristine
	@echo "  UNPACK  linux-source-6.12"
	@tar -xf /usr/src/linux-source-6.12.tar.xz -C $(BUILD)/pristine
	@touch $@

tree: deps $(PRISTINE)/Makefile
	@echo "  OVERLAY $(SRC)"
	@$(TOP)/scripts/prepare-tree.sh $(PRISTINE) $(SRC) $(TOP)

kernel: tree
	@$(TOP)/scripts/configure.sh
	@echo "  BUILD   bzImage modules"
	@$(KMAKE) bzImage modules
	@cp $(KOUT)/arch/x86/boot/bzImage $(OUT)/bzImage
	@echo "  KERNEL  $(OUT)/bzImage ($$(cat $(KOUT)/include/config/kernel.release))"

# The second test kernel: CONFIG_MODULES=n, the samples and the test
# driver built in (umh_elf/config.nomod), built from the same tree in
# out/nomod/, incrementally.  make check boots it for umh_elf_builtin_test.
NOMOD := $(TOP)/out/nomod
kernel-nomod: tree
	@KOUT=$(NOMOD)/linux EXTRA_FRAGMENT= \
		UMH_ELF_CONFIG=$(TOP)/tools/testing/selftests/umh_elf/config.nomod \
		$(TOP)/scripts/configure.sh
	@echo "  BUILD   bzImage (CONFIG_MODULES=n)"
	@$(MAKE) -C $(SRC) O=$(NOMOD)/linux -j$(JOBS) -s bzImage
	@cp $(NOMOD)/linux/arch/x86/boot/bzImage $(NOMOD)/bzImage
	@echo "  KERNEL  $(NOMOD)/bzImage (CONFIG_MODULES=n)"

# CHECK_ONLY=NAME (development) leaves the kernel without modules out,
# unless NAME is builtin.
CHECK_NOMOD := $(if $(CHECK_ONLY),$(filter builtin,$(CHECK_ONLY)),yes)
check: kernel $(if $(CHECK_NOMOD),kernel-nomod)
	@$(if $(CHECK_NOMOD),NOMOD_KERNEL=$(NOMOD)/bzImage) $(TOP)/scripts/check.sh

# The same tests on a fully preemptible kernel with KASAN, lockdep,
# kmemleak and fault injection, built apart in out/debug/, on 4 vCPUs
# (more than the host has cores), with the concurrency tests looped for
# DEBUG_STRESS_S seconds each and DEBUG_FUZZ_ITERS fuzzed images.
# no5lvl: with QEMU's -cpu max the guest runs 5-level paging, and there
# KASAN reports a wild-memory-access in handle_edge_irq() at 0.008 s of
# about one boot in three (an early legacy timer interrupt, in 6.12's own
# boot code, before any ELF module code runs); 4-level paging avoids it.
# acpi=noirq: under KASAN and lockdep, the AML While loop of QEMU's
# \_SB.PCI0._PRT runs past ACPICA's 30 s loop timeout
# (AE_AML_LOOP_TIMEOUT), so the edu device got no INTx route and every
# edu test failed; the BIOS's PCI routing table routes it instead.
# umh_elf_suite_timeout: the security suite, with its fuzzer's
# DEBUG_FUZZ_ITERS loads, outlasts the 600 s a test program gets in make
# check, and was killed in its fuzzer (exit 143) with 51 of its 67 tests
# not run; an hour per program, and QEMU's bound raised to match.
DEBUG_STRESS_S   ?= 60
DEBUG_FUZZ_ITERS ?= 10000
check-debug:
	@$(MAKE) --no-print-directory OUT=$(TOP)/out/debug \
		EXTRA_FRAGMENT=$(TOP)/tools/testing/selftests/umh_elf/config.debug \
		QEMU_TIMEOUT=9000 QEMU_SMP=4 \
		GUEST_APPEND="no5lvl acpi=noirq umh_elf_stress=$(DEBUG_STRESS_S) UMH_ELF_FUZZ_ITERS=$(DEBUG_FUZZ_ITERS) umh_elf_suite_timeout=3600" \
		check

# Not part of check: one incremental build and one boot per mutant.
# MUTANTS="ID ..." runs only those.
mutants: kernel
	@KSRC="$(KSRC)" MUTANTS="$(MUTANTS)" $(TOP)/scripts/mutants.sh

run: kernel
	@$(TOP)/scripts/run.sh demo

shell: kernel
	@$(TOP)/scripts/run.sh shell

series: tree
	@$(TOP)/scripts/series.sh

series-check: series
	@$(TOP)/scripts/series-check.sh

# UMH_ELF_BENCH: build-tests.sh adds the padded images only the bench uses.
bench: kernel
	@UMH_ELF_BENCH=1 $(TOP)/scripts/run.sh bench
	@$(TOP)/scripts/bench-report.sh

# The load path of ELF modules under the function graph tracer, on a
# kernel built apart in out/trace/ (umh_elf/config.trace): the guest
# traces finit_module() of the tiny module and of umh_elf_test mode=ready
# (scripts/guest/profile.sh), scripts/profile-report.sh sums up each
# load by phase.  The whole trace is in out/trace/profile.log.
# PROFILE_DEPTH: how deep the graph goes below each traced entry;
# PROFILE_BENCH=SECTION: then run that section of make bench untraced.
PROFILE_DEPTH ?= 4
profile:
	@$(MAKE) --no-print-directory OUT=$(TOP)/out/trace \
		EXTRA_FRAGMENT=$(TOP)/tools/testing/selftests/umh_elf/config.trace \
		profile-run
profile-run: kernel
	@UMH_ELF_BENCH=1 GUEST_APPEND="$(GUEST_APPEND) profile_depth=$(PROFILE_DEPTH) profile_bench=$(PROFILE_BENCH)" \
		$(TOP)/scripts/run.sh profile >/dev/null
	@$(TOP)/scripts/profile-report.sh $(OUT)/profile.log

# The module authors' runner (tools/elfmod/elfmod-run.c), on the host:
#   make elfmod-run KO=path/NAME.ko ARGS="count=3" RUN_FLAGS="-t 1000"
#   make elfmod-run M=dir NAME=name		(dir/name.ko)
KO ?= $(if $(M),$(M)/$(NAME).ko)
elfmod-run:
	@mkdir -p $(OUT)/elfmod-run
	@$(MAKE) -s -C $(TOP)/tools/elfmod OUTPUT=$(OUT)/elfmod-run/
	@$(if $(KO),$(OUT)/elfmod-run/elfmod-run $(RUN_FLAGS) $(KO) $(ARGS),echo "make elfmod-run: say KO=NAME.ko, or M=dir NAME=name" >&2; false)

clean:
	rm -rf $(OUT)

distclean: clean
	rm -rf $(BUILD)
