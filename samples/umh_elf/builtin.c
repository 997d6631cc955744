// SPDX-License-Identifier: GPL-2.0
/*
 * The echo service of echo.c built into the kernel (elfmod-y) as
 * umh_sample_builtin: it starts on first use of its name or of this alias.
 */
#include <elfmod.h>

ELF_MODULE_ALIAS("umh_sample_builtin_alias");
