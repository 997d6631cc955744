#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Make the guest's initramfs: busybox, Debian's kmod with its libraries,
# /lib/modules/$KREL as modules_install lays it out (plus the test
# modules under extra/) indexed by depmod, the tests, and /init.
#
#   mkinitramfs.sh OUTPUT.cpio.gz
set -eu

cpio_out=$1
R="$OUT/initramfs"
T="$OUT/tests"
KREL=$(cat "$KOUT/include/config/kernel.release")

rm -rf "$R"
mkdir -p "$R"/bin "$R"/sbin "$R"/usr/bin "$R"/usr/sbin "$R"/etc "$R"/proc \
	"$R"/sys "$R"/dev "$R"/tmp "$R"/run "$R"/root "$R"/opt/umh_elf \
	"$R"/lib/modules

# busybox, statically linked (busybox-static), with every applet.
cp /bin/busybox "$R/bin/busybox"
for a in $(/bin/busybox --list); do
	[ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"
done

# Copy a Debian binary to $R/$2 with the shared libraries it needs.
add_binary() {
	cp "$1" "$R/$2"
	ldd "$1" | grep -o '/[^ ]*' | while read -r lib; do
		mkdir -p "$R$(dirname "$lib")"
		cp -L "$lib" "$R$lib"
	done
}

# Debian's kmod; its tools in /sbin as Debian installs them (busybox's own
# applets of the same names are dropped).  bash and capsh for kmod.sh.
add_binary /usr/bin/kmod bin/kmod
for t in modprobe rmmod lsmod insmod depmod modinfo; do
	rm -f "$R/bin/$t" "$R/sbin/$t"
	ln -s /bin/kmod "$R/sbin/$t"
done
add_binary /usr/bin/bash bin/bash
add_binary /usr/sbin/capsh sbin/capsh
if [ -d /lib64 ] && [ ! -e "$R/lib64" ]; then
	mkdir -p "$R/lib64"
	cp -L /lib64/ld-linux-x86-64.so.2 "$R/lib64/"
fi

# Modules, as modules_install lays them out, and the test modules.
make -s -C "$SRC" O="$KOUT" INSTALL_MOD_PATH="$R" INSTALL_MOD_STRIP= \
	DEPMOD=/bin/true modules_install >/dev/null
mkdir -p "$R/lib/modules/$KREL/extra"
if [ -d "$T" ]; then
	cp "$T"/extra/*.ko "$R/lib/modules/$KREL/extra/"
	cp -r "$T"/modroot/lib/modules/"$KREL"/updates "$R/lib/modules/$KREL/"
	cp "$T"/opt/* "$R/opt/umh_elf/"
	mkdir -p "$R/opt/kselftest/umh_elf"
	cp "$T"/kselftest/* "$R/opt/kselftest/umh_elf/"
	mkdir -p "$R/opt/kselftest/kmod"
	cp "$T"/kselftest-kmod/* "$R/opt/kselftest/kmod/"
fi
depmod -b "$R" "$KREL"

# modprobe.d as on a real system: Debian kmod's aliases.conf, lines that
# distributions and admins commonly write, and the lines the kmod tests
# resolve (umh_elf_kmod_test.c).  None of them may make request_module()
# warn at boot or under the tests (scripts/check.sh fails on that).
mkdir -p "$R/lib/modprobe.d" "$R/etc/modprobe.d"
cp /lib/modprobe.d/aliases.conf "$R/lib/modprobe.d/"
cat > "$R/etc/modprobe.d/real-world.conf" <<'EOF'
# Common lines of distributions' and admins' modprobe.d files.
blacklist pcspkr
blacklist floppy
alias char-major-10-175 agpgart
alias net-pf-10 ipv6
alias block-major-7-* loop
options loop max_loop=8
install cramfs /bin/false
install usb-storage /sbin/modprobe --ignore-install usb-storage $CMDLINE_OPTS
EOF
cat > "$R/etc/modprobe.d/umh_elf_kmod.conf" <<'EOF'
# Names the kmod tests request: each loads a module under another name.
alias umh_elf_conf_alias umh_elf_regular
alias umh_elf_conf_echo umh_elf_echo
install umh_elf_conf_install /sbin/modprobe --ignore-install umh_elf_regular && /bin/true
install umh_elf_conf_gone /sbin/modprobe --ignore-install umh_elf_regular && /sbin/rmmod umh_elf_regular
EOF

cp "$TOP/scripts/guest/init" "$R/init"
cp "$TOP/scripts/guest/"*.sh "$R/opt/umh_elf/" 2>/dev/null || true
chmod +x "$R/init" "$R"/opt/umh_elf/*.sh 2>/dev/null || true
echo "root:x:0:0:root:/root:/bin/sh" > "$R/etc/passwd"
echo "root:x:0:" > "$R/etc/group"

(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 > "$cpio_out"
