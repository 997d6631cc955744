// SPDX-License-Identifier: GPL-2.0
/*
 * The echo service of echo.c built into the kernel (elfmod-y) as
 * umh_sample_boot: it starts at boot, before any root file system.
 */
#include <elfmod.h>

ELF_MODULE_START("boot");
