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

# The kselftests, through the selftests' own Makefile.
make -s -C "$SRC/tools/testing/selftests/umh_elf" \
	OUTPUT="$T/kselftest" KHDR_INCLUDES="-isystem $KOUT/usr/include" \
	all >/dev/null
for p in "$T"/kselftest/*; do
	[ -x "$p" ] && [ -f "$p" ] || rm -rf "$p"
done

# ELF modules: NAME.ko for each name the tests load.
for name in umh_elf_test umh_elf_test2; do
	$CC $CFLAGS -DMODNAME="\"$name\"" -o "$T/opt/$name.unsigned.ko" \
		"$ST/test_module.c"
	sha256sum "$T/opt/$name.unsigned.ko" | cut -d' ' -f1 > "$T/opt/$name.sha256"
	cp "$T/opt/$name.unsigned.ko" "$T/extra/$name.ko"
	$SIGN "$T/extra/$name.ko"
done

# The regular module, as an external module of the test kernel.
rm -rf "$T/regular" && cp -r "$ST/regular" "$T/regular"
make -s -C "$KOUT" M="$T/regular" modules >/dev/null
cp "$T/regular/umh_elf_regular.ko" "$T/extra/"
$SIGN "$T/extra/umh_elf_regular.ko"

echo "$KREL" > "$T/kernel.release"
