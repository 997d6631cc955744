#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build what the guest tests need, into $OUT/tests:
#   - the kselftests of tools/testing/selftests/umh_elf (static);
#   - the selftests' ELF modules (static executables with a .modinfo),
#     signed with the build's key, plus an unsigned copy and its SHA-256;
#   - the regular test module, built against $KOUT and signed;
#   - with UMH_ELF_BENCH set (make bench), the padded images the
#     benchmark umh_elf_bench loads, and its kernel module
#     (bench/umh_elf_bench_helper.c).
set -eu

T="$OUT/tests"
ST="$TOP/tools/testing/selftests/umh_elf"
KREL=$(cat "$KOUT/include/config/kernel.release")
SIGN="$KOUT/scripts/sign-file sha256 $KOUT/certs/signing_key.pem $KOUT/certs/signing_key.x509"
CC=${CC:-gcc}
CFLAGS="-O2 -Wall -Wextra -static"

rm -rf "$T"
mkdir -p "$T/extra" "$T/opt" "$T/kselftest"

# The uapi headers of the test kernel, for <linux/elf_module.h>, and the
# helpers for module authors, <elfmod.h>.
make -s -C "$SRC" O="$KOUT" headers >/dev/null
CFLAGS="$CFLAGS -isystem $KOUT/usr/include -I $SRC/tools/lib/elfmod"

# The kselftests, through the selftests' own Makefile.
make -s -C "$SRC/tools/testing/selftests/umh_elf" \
	OUTPUT="$T/kselftest" KHDR_INCLUDES="-isystem $KOUT/usr/include" \
	all >/dev/null
for p in "$T"/kselftest/*; do
	[ -x "$p" ] && [ -f "$p" ] || rm -rf "$p"
done

# ELF modules: NAME.ko for each name the tests load, from test_module.c:
#   name:default-mode:capabilities ("-" for no capabilities= tag), and
#   optionally memory_max=, pids_max=, restart=, watchdog_ms= and
#   restart_max= values ("" for none).
# umh_elf_echo serves the channel when loaded without parameters;
# umh_elf_evil is an attacker's image with the name umh_elf_test.
elf_module() {
	file=$1 name=$2 mode=$3 caps=$4 mem=${5:-} pids=${6:-} restart=${7:-}
	wd=${8:-} rmax=${9:-}
	set -- -DMODNAME="\"$name\"" -DDEFAULT_MODE="\"$mode\""
	[ "$caps" = - ] || set -- "$@" -DCAPS="\"$caps\""
	[ -z "$mem" ] || set -- "$@" -DMEMORY_MAX="\"$mem\""
	[ -z "$pids" ] || set -- "$@" -DPIDS_MAX="\"$pids\""
	[ -z "$restart" ] || set -- "$@" -DRESTART="\"$restart\""
	[ -z "$wd" ] || set -- "$@" -DWATCHDOG_MS="\"$wd\""
	[ -z "$rmax" ] || set -- "$@" -DRESTART_MAX="\"$rmax\""
	[ "$file" = umh_elf_evil ] && set -- "$@" -DEVIL
	$CC $CFLAGS "$@" -o "$T/opt/$file.unsigned.ko" "$ST/test_module.c" \
		"$SRC/tools/lib/elfmod/elfmod.c"
	sha256sum "$T/opt/$file.unsigned.ko" | cut -d' ' -f1 > "$T/opt/$file.sha256"
	cp "$T/opt/$file.unsigned.ko" "$T/extra/$file.ko"
	$SIGN "$T/extra/$file.ko"
}
elf_module umh_elf_test umh_elf_test oneshot -
elf_module umh_elf_test2 umh_elf_test2 oneshot -
elf_module umh_elf_echo umh_elf_echo echo -
elf_module umh_elf_blocked umh_elf_blocked ready -
elf_module umh_elf_caps umh_elf_caps ready cap_net_admin,cap_sys_time
elf_module umh_elf_nocaps umh_elf_nocaps ready ""
elf_module umh_elf_badcap umh_elf_badcap ready cap_net_admin,cap_bogus
elf_module umh_elf_limits umh_elf_limits ready - 32M 8
elf_module umh_elf_onfail umh_elf_onfail ready - "" "" on-failure
elf_module umh_elf_always umh_elf_always echo - "" "" always
elf_module umh_elf_badrestart umh_elf_badrestart ready - "" "" sometimes
elf_module umh_elf_badrestartmax umh_elf_badrestartmax ready - "" "" on-failure "" 11
elf_module umh_elf_watchdog umh_elf_watchdog ready - "" "" on-failure 500
elf_module umh_elf_oomer umh_elf_oomer eatmem - 32M "" on-failure
elf_module umh_elf_evil umh_elf_test ready -
mv "$T/extra/umh_elf_evil.ko" "$T/opt/umh_elf_evil.ko"
gzip -9 -c "$T/extra/umh_elf_test.ko" > "$T/opt/umh_elf_test.ko.gz"

# The samples of samples/umh_elf are built by Kbuild with the kernel
# (CONFIG_SAMPLE_UMH_ELF=m) and installed by its modules_install.
# The user-space PCI driver's ELF module unsigned, as Kbuild built it,
# for umh_elf_edu_test under module.sig_enforce=1.
cp "$KOUT/samples/umh_elf/umh_sample_edu.ko" "$T/opt/umh_sample_edu.unsigned.ko"

# An ELF module built by Kbuild as an external module directory (M=) and
# installed, signed, by modules_install: into $T/modroot, which the
# initramfs gets as it is (lib/modules/$KREL/updates/).
rm -rf "$T/kbuild" && cp -r "$ST/kbuild" "$T/kbuild"
make -s -C "$KOUT" M="$T/kbuild" modules >/dev/null
make -s -C "$KOUT" M="$T/kbuild" INSTALL_MOD_PATH="$T/modroot" \
	DEPMOD=/bin/true modules_install >/dev/null

# Kbuild names an ELF module after its file: a program that names itself
# as well is refused at build time, with a message saying why.
mkdir -p "$T/kbuild-badname"
printf 'elfmod-m += umh_elf_badname\n' > "$T/kbuild-badname/Kbuild"
printf '%s\n' '#include <elfmod.h>' 'ELF_MODULE_NAME("x");' \
	'int main(void) { return 0; }' > "$T/kbuild-badname/umh_elf_badname.c"
if make -s -C "$KOUT" M="$T/kbuild-badname" modules \
	> "$T/kbuild-badname/log" 2>&1; then
	echo "build-tests: Kbuild accepted an ELF module with its own name=" >&2
	exit 1
fi
if ! grep -q 'umh_elf_badname.ko: 2 name= tags in .modinfo' \
	"$T/kbuild-badname/log" || [ -e "$T/kbuild-badname/umh_elf_badname.ko" ]; then
	echo "build-tests: Kbuild's refusal of a second name= is not as expected:" >&2
	cat "$T/kbuild-badname/log" >&2
	exit 1
fi
rm -rf "$T/kbuild-badname"

# The tiny module: no libc, a few KiB.
$CC -static -nostdlib -ffreestanding -O2 -fno-asynchronous-unwind-tables \
	-fno-stack-protector -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
	-Wall -Wextra -isystem "$KOUT/usr/include" -I "$SRC/tools/lib/elfmod" \
	-o "$T/opt/umh_elf_tiny.unsigned.ko" "$ST/tiny_module.c"
cp "$T/opt/umh_elf_tiny.unsigned.ko" "$T/extra/umh_elf_tiny.ko"
$SIGN "$T/extra/umh_elf_tiny.ko"

# For make bench only (UMH_ELF_BENCH set): images of MIB MiB made of a
# module and a section of zeros that is not loaded (the program runs
# unchanged): umh_elf_tiny_{1,4,16}m, unsigned and signed, for the cost
# per MiB of a launch, and umh_elf_test_2m for the memory of live modules.
pad_image() {
	src=$1 dst=$2 mib=$3
	pad=$((mib * 1048576 - $(stat -c %s "$src")))
	head -c "$pad" /dev/zero > "$dst.pad"
	${OBJCOPY:-objcopy} --add-section .pad="$dst.pad" \
		--set-section-flags .pad=noload,readonly "$src" "$dst"
	rm -f "$dst.pad"
}
if [ -n "${UMH_ELF_BENCH:-}" ]; then
	for mib in 1 4 16; do
		f="$T/opt/umh_elf_tiny_${mib}m"
		pad_image "$T/opt/umh_elf_tiny.unsigned.ko" "$f.unsigned.ko" $mib
		cp "$f.unsigned.ko" "$f.ko"
		$SIGN "$f.ko"
	done
	pad_image "$T/opt/umh_elf_test.unsigned.ko" \
		"$T/opt/umh_elf_test_2m.unsigned.ko" 2
	# The echo sample twice, with its own name: against the kernel's
	# nolibc (NAME-nolibc := y) and against static glibc, for the row
	# ready.nolibc.
	for libc in nolibc glibc; do
		printf '%s\n' '#include <elfmod.h>' \
			"ELF_MODULE_NAME(\"umh_elf_echo_$libc\");" > "$T/echo_name.c"
		set -- -O2 -Wall -static -isystem "$KOUT/usr/include" \
			-I "$SRC/tools/lib/elfmod"
		[ $libc = glibc ] || set -- "$@" -nostdlib \
			-fno-asynchronous-unwind-tables -fno-ident \
			-include "$SRC/tools/include/nolibc/nolibc.h" \
			-I "$SRC/tools/include/nolibc"
		$CC "$@" -o "$T/opt/umh_elf_echo_$libc.unsigned.ko" \
			"$SRC/samples/umh_elf/echo.c" "$T/echo_name.c" \
			"$SRC/tools/lib/elfmod/elfmod.c" \
			$([ $libc = glibc ] || echo -lgcc)
	done
	rm -f "$T/echo_name.c"
	# The benchmark's kernel-side baselines, a module of their own.
	rm -rf "$T/bench" && cp -r "$ST/bench" "$T/bench"
	make -s -C "$KOUT" M="$T/bench" modules >/dev/null
	cp "$T/bench/umh_elf_bench_helper.ko" "$T/extra/"
	$SIGN "$T/extra/umh_elf_bench_helper.ko"
fi

# A key the kernel does not trust.
if [ ! -f "$OUT/otherkey.pem" ]; then
	openssl req -new -nodes -utf8 -sha256 -days 36500 -batch -x509 \
		-subj "/CN=Untrusted test key/" -outform PEM \
		-out "$OUT/otherkey.pem" -keyout "$OUT/otherkey.pem" 2>/dev/null
fi

# Signature variants: one byte of the signed image changed, and signed
# with the untrusted key.
sig_variants() {
	base=$1 signed=$2
	cp "$T/opt/$base.unsigned.ko" "$T/opt/$base.otherkey.ko"
	"$KOUT/scripts/sign-file" sha256 "$OUT/otherkey.pem" "$OUT/otherkey.pem" \
		"$T/opt/$base.otherkey.ko"
	cp "$signed" "$T/opt/$base.badsig.ko"
	printf 'X' | dd of="$T/opt/$base.badsig.ko" bs=1 seek=1000 conv=notrunc 2>/dev/null
	cp "$T/opt/$base.unsigned.ko" "$T/opt/$base.sha512.ko"
	"$KOUT/scripts/sign-file" sha512 "$KOUT/certs/signing_key.pem" \
		"$KOUT/certs/signing_key.x509" "$T/opt/$base.sha512.ko"
	# Bytes of its own (a section added), signed; the "bin:" description
	# of its SHA-256, and the description signed by the trusted key, as
	# the .blacklist keyring asks of a key added at run time.
	bl="$T/opt/$base.blacklisted"
	printf 'blacklisted\n' > "$bl.section"
	${OBJCOPY:-objcopy} --add-section .blacklisted="$bl.section" \
		"$T/opt/$base.unsigned.ko" "$bl.ko"
	rm -f "$bl.section"
	$SIGN "$bl.ko"
	printf 'bin:%s' "$(sha256sum "$bl.ko" | cut -d' ' -f1)" > "$bl.desc"
	openssl smime -sign -binary -noattr -nocerts -outform DER \
		-in "$bl.desc" -signer "$KOUT/certs/signing_key.pem" \
		-inkey "$KOUT/certs/signing_key.pem" -out "$bl.p7s"
}
sig_variants umh_elf_test "$T/extra/umh_elf_test.ko"

# The regular module, as an external module of the test kernel.
rm -rf "$T/regular" && cp -r "$ST/regular" "$T/regular"
make -s -C "$KOUT" M="$T/regular" modules >/dev/null
cp "$T/regular/umh_elf_regular.ko" "$T/extra/"
cp "$T/regular/umh_elf_regular.ko" "$T/opt/umh_elf_regular.unsigned.ko"
$SIGN "$T/extra/umh_elf_regular.ko"
sig_variants umh_elf_regular "$T/extra/umh_elf_regular.ko"

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
