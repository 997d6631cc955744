#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make series-check: both series are bisectable.  Apply the request_module()
# series (out/series/kmod/), then the ELF modules series on top of it
# (out/series/elf-modules/), one patch at a time to a copy of the pristine
# tree, and build the test kernel (with the selftests' config) after each;
# then check that the last step gives exactly the tree make kernel builds.
# SERIES_CHECK_ONLY=kmod stops after the request_module() series.
# SERIES_CHECK_FROM=SERIES/NNNN (elf-modules/0003, say) applies the patches
# before that one without building them: a quicker check once those have
# passed and not changed.
set -eu

T="$BUILD/series-check"
K="$OUT/series-check"
rm -rf "$T"
cp -al "$PRISTINE" "$T"
# The copy has the pristine tree's old mtimes: objects left in $K by an
# earlier run, built from patched files, would look newer than their
# sources and be linked as they are.
rm -rf "$K"
mkdir -p "$K"

build() {
	# Reconfigure at every step: options appear as patches add them.
	rm -f "$K/.umh_elf_fragment"
	KOUT="$K" SRC="$T" CONFIG_LENIENT=1 "$TOP/scripts/configure.sh"
	make -s -C "$T" O="$K" -j"$JOBS" bzImage modules
}

from=${SERIES_CHECK_FROM:-}
if [ -z "$from" ]; then
	echo "  BUILD   pristine"
	build
fi
patches="$OUT/series/kmod/0*.patch"
[ "${SERIES_CHECK_ONLY:-}" = kmod ] || patches="$patches $OUT/series/elf-modules/0*.patch"
# shellcheck disable=SC2086
for p in $patches; do
	case "$p" in *0000-cover-letter.patch) continue ;; esac
	echo "  APPLY   $(basename "$(dirname "$p")")/$(basename "$p")"
	# patch writes a new file for each one it changes: the hard links to
	# the pristine tree are never written through.
	patch -s -p1 -d "$T" --no-backup-if-mismatch < "$p"
	case "$p" in */"$from"-*) from= ;; esac
	if [ -n "$from" ]; then
		echo "  SKIP    building after $(basename "$p")"
		continue
	fi
	echo "  BUILD   after $(basename "$p")"
	build
done
if [ -n "$from" ]; then
	echo "series-check: no patch $from" >&2
	exit 1
fi

if [ "${SERIES_CHECK_ONLY:-}" = kmod ]; then
	echo "  OK      every step of the request_module() series builds"
	exit 0
fi
bad=0
for f in $(cd "$TOP" && git ls-files kernel include lib samples tools Documentation "scripts/Makefile.*"); do
	if ! cmp -s "$T/$f" "$SRC/$f"; then
		echo "series-check: $f differs from the tree make kernel builds" >&2
		bad=1
	fi
done
[ "$bad" = 0 ] && echo "  OK      every step builds; the series gives the built tree"
exit $bad
