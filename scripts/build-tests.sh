#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build what the guest tests need, into $OUT/tests:
#   - the kselftests of tools/testing/selftests/umh_elf (static);
#   - the selftests' ELF modules (static executables with a .modinfo),
#     signed with the build's key, plus an unsigned copy and its SHA-256;
#   - the regular test module, built against $KOUT and signed.
set -eu

T="$OUT/tests"
ST="$TOP/tools/testing/selftests/umh_elf"
KREL=$(cat "$KOUT/include/config/kernel.release")
SIGN="$KOUT/scripts/sign-file sha256 $KOUT/certs/signing_key.pem $KOUT/certs/signing_key.x509"
CC=${CC:-gcc}
CFLAGS="-O2 -Wall -Wextra -static"

rm -rf "$T"
mkdir -p "$T/extra" "$T/opt" "$T/kselftest"

# The uapi headers of the test kernel, for <linux/elf_module.h>.
make -s -C "$SRC" O="$KOUT" headers >/dev/null
CFLAGS="$CFLAGS -isystem $KOUT/usr/include"

# The kselftests, through the selftests' own Makefile.
make -s -C "$SRC/tools/testing/selftests/umh_elf" \
	OUTPUT="$T/kselftest" KHDR_INCLUDES="-isystem $KOUT/usr/include" \
	all >/dev/null
for p in "$T"/kselftest/*; do
	[ -x "$p" ] && [ -f "$p" ] || rm -rf "$p"
done

# ELF modules: NAME.ko for each name the tests load; umh_elf_echo serves
# the channel when loaded without parameters.
for name in umh_elf_test umh_elf_test2 umh_elf_echo; do
	mode=oneshot
	[ $name = umh_elf_echo ] && mode=echo
	$CC $CFLAGS -DMODNAME="\"$name\"" -DDEFAULT_MODE="\"$mode\"" \
		-o "$T/opt/$name.unsigned.ko" "$ST/test_module.c"
	sha256sum "$T/opt/$name.unsigned.ko" | cut -d' ' -f1 > "$T/opt/$name.sha256"
	cp "$T/opt/$name.unsigned.ko" "$T/extra/$name.ko"
	$SIGN "$T/extra/$name.ko"
done
gzip -9 -c "$T/extra/umh_elf_test.ko" > "$T/opt/umh_elf_test.ko.gz"

# The regular module, as an external module of the test kernel.
rm -rf "$T/regular" && cp -r "$ST/regular" "$T/regular"
make -s -C "$KOUT" M="$T/regular" modules >/dev/null
cp "$T/regular/umh_elf_regular.ko" "$T/extra/"
$SIGN "$T/extra/umh_elf_regular.ko"

# Upstream's kmod.sh regression test: lib/test_kmod.c and lib/test_module.c
# as external modules (CONFIG_TEST_KMOD would select XFS and Btrfs).
mkdir -p "$T/kmod"
cp "$SRC/lib/test_kmod.c" "$SRC/lib/test_module.c" "$T/kmod/"
# They are the tree's own modules: mark them so (modpost does it for a
# module built in the tree), or the taint flag (O) would land in
# /proc/modules where kmod.sh case 0012 expects the address.
for f in "$T"/kmod/*.c; do
	echo 'MODULE_INFO(intree, "Y");' >> "$f"
done
echo 'obj-m += test_kmod.o test_module.o' > "$T/kmod/Kbuild"
make -s -C "$KOUT" M="$T/kmod" modules >/dev/null
for m in test_kmod test_module; do
	cp "$T/kmod/$m.ko" "$T/extra/"
	$SIGN "$T/extra/$m.ko"
done
mkdir -p "$T/kselftest-kmod"
cp "$SRC/tools/testing/selftests/kmod/kmod.sh" "$SRC/tools/testing/selftests/kmod/config" \
	"$T/kselftest-kmod/"

echo "$KREL" > "$T/kernel.release"
