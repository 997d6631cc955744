#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Configure $KOUT from tinyconfig plus the selftests' config fragment, once
# per change of the fragment, and check that every option took.
set -eu

# UMH_ELF_CONFIG (make kernel-nomod: config.nomod) replaces the base
# fragment; EXTRA_FRAGMENT (make check-debug: config.debug) is merged on top.
base="${UMH_ELF_CONFIG:-$TOP/tools/testing/selftests/umh_elf/config}"
frag="$KOUT/.umh_elf_fragment.new"
stamp="$KOUT/.umh_elf_fragment"

mkdir -p "$KOUT"
cat "$base" ${EXTRA_FRAGMENT:+"$EXTRA_FRAGMENT"} > "$frag"
if [ -f "$KOUT/.config" ] && [ -f "$stamp" ] && cmp -s "$frag" "$stamp"; then
	exit 0
fi
echo "  CONFIG  tinyconfig + umh_elf/$(basename "$base")${EXTRA_FRAGMENT:+ + $(basename "$EXTRA_FRAGMENT")}"
make -C "$SRC" O="$KOUT" -s tinyconfig >/dev/null
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$KOUT" "$KOUT/.config" "$frag" >/dev/null
make -C "$SRC" O="$KOUT" -s olddefconfig >/dev/null

# CONFIG_LENIENT (make series-check): options of patches not applied yet
# cannot take.
if [ -n "${CONFIG_LENIENT:-}" ]; then
	mv "$frag" "$stamp"
	exit 0
fi

bad=0
grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while IFS= read -r want; do
	sym=${want%%=*}
	val=${want#*=}
	if [ "$val" = n ]; then
		if grep -q "^$sym=" "$KOUT/.config"; then
			echo "configure: $sym should be off" >&2
			exit 1
		fi
	elif ! grep -qx "$want" "$KOUT/.config"; then
		echo "configure: $want did not take ($(grep "^$sym=" "$KOUT/.config" || echo unset))" >&2
		exit 1
	fi
done || bad=1
mv "$frag" "$stamp"
[ "$bad" = 0 ] || { rm -f "$stamp"; exit 1; }
