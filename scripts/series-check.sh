#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make series-check: the series is bisectable.  Apply out/series/*.patch one
# at a time to a copy of the pristine tree and build the test kernel (with
# the selftests' config) after each; then check that the last step gives
# exactly the tree make kernel builds.
set -eu

T="$BUILD/series-check"
K="$OUT/series-check"
rm -rf "$T"
cp -al "$PRISTINE" "$T"
mkdir -p "$K"

build() {
	# Reconfigure at every step: options appear as patches add them.
	rm -f "$K/.umh_elf_fragment"
	KOUT="$K" SRC="$T" CONFIG_LENIENT=1 "$TOP/scripts/configure.sh"
	make -s -C "$T" O="$K" -j"$JOBS" bzImage modules
}

echo "  BUILD   pristine"
build
for p in "$OUT"/series/0*.patch; do
	case "$p" in *0000-cover-letter.patch) continue ;; esac
	echo "  APPLY   $(basename "$p")"
	# patch writes a new file for each one it changes: the hard links to
	# the pristine tree are never written through.
	patch -s -p1 -d "$T" --no-backup-if-mismatch < "$p"
	echo "  BUILD   after $(basename "$p")"
	build
done

bad=0
for f in $(cd "$TOP" && git ls-files kernel include lib samples tools Documentation "scripts/Makefile.*"); do
	if ! cmp -s "$T/$f" "$SRC/$f"; then
		echo "series-check: $f differs from the tree make kernel builds" >&2
		bad=1
	fi
done
[ "$bad" = 0 ] && echo "  OK      every step builds; the series gives the built tree"
exit $bad
