// SPDX-License-Identifier: GPL-2.0
/*
 * Containment tests for ELF modules: a module's processes, privileges,
 * image and outcome belong to the kernel, whatever the program does
 * (SPEC sections 2 to 5, Documentation/admin-guide/elf-modules.rst).
 *
 * Each test feeds a hostile or sloppy program, or a hostile bystander,
 * and checks what an administrator would check: the load's errno, the
 * kernel log, /proc/modules, /sys/module/NAME/elf/ and the processes
 * left in /proc.  Every test ends with nothing of the test modules
 * loaded or running, also after a failed assertion.
 *
 * The sections below are grouped by the promise they check: process
 * membership, privileges, the image, and the outcome of a load.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The harness is not -Wextra clean; keep that out of this file's build. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop
#include "umh_elf_util.h"

#pragma GCC diagnostic ignored "-Wclobbered"

#define MOD		"umh_elf_test"
#define MOD2		"umh_elf_test2"

/* ---- Outcomes that tell the truth (SPEC section 4) ---- */

/* ---- The image is out of reach (SPEC section 2) ---- */

/* ---- Process membership (SPEC section 3, Containment) ---- */

/* ---- capabilities= is a privilege boundary (SPEC section 3) ---- */

TEST_HARNESS_MAIN
