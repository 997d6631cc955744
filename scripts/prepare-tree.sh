#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Lay the project's overlay and patches over a copy of the pristine tree.
#
#   prepare-tree.sh PRISTINE SRC REPO
#
# SRC starts as a hard-linked copy of PRISTINE.  The new files of the
# overlay and the patched versions of existing files are staged in a
# temporary folder, then copied into SRC only where their content differs,
# so an unchanged file keeps its timestamp and the kernel build stays
# incremental.  Files that an earlier run changed but this one does not
# are put back to their pristine content.
set -eu

pristine=$1
src=$2
repo=$3
overlay_dirs="kernel include lib drivers samples tools Documentation"
touched="$src/.umh_elf_touched"

if [ ! -d "$src" ]; then
	cp -al "$pristine" "$src.tmp"
	mv "$src.tmp" "$src"
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# 1. The overlay: every file of the repo below the overlay folders.
for d in $overlay_dirs; do
	[ -d "$repo/$d" ] || continue
	(cd "$repo" && find "$d" -type f ! -name '*.o' ! -name '.*') | while read -r f; do
		mkdir -p "$stage/$(dirname "$f")"
		cp "$repo/$f" "$stage/$f"
	done
done

# The kernel's own build files among the harness's scripts: scripts/Makefile.*
for f in "$repo"/scripts/Makefile.*; do
	[ -f "$f" ] || continue
	mkdir -p "$stage/scripts"
	cp "$f" "$stage/scripts/"
done

# 2. The patches, applied in order to pristine copies of the files they touch:
# first the request_module() series (patches/kmod/), which applies to the
# pristine tree alone, then the ELF module series on top of it.
for p in "$repo"/patches/kmod/*.patch "$repo"/patches/*.patch "$repo"/MAINTAINERS.patch; do
	[ -f "$p" ] || continue
	for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p"); do
		[ -e "$stage/$f" ] && continue
		mkdir -p "$stage/$(dirname "$f")"
		if [ -e "$pristine/$f" ]; then
			cp "$pristine/$f" "$stage/$f"
		fi
	done
	if ! patch -s -p1 -d "$stage" --no-backup-if-mismatch -r - < "$p"; then
		echo "prepare-tree: $p does not apply" >&2
		exit 1
	fi
done

# 3. Put back what an earlier run touched and this one does not.
(cd "$stage" && find . -type f | sed 's|^\./||' | sort) > "$stage/.list"
if [ -f "$touched" ]; then
	comm -23 "$touched" "$stage/.list" | while read -r f; do
		if [ -e "$pristine/$f" ]; then
			cp "$pristine/$f" "$src/$f.tmp" && mv "$src/$f.tmp" "$src/$f"
		else
			rm -f "$src/$f"
		fi
	done
fi

# 4. Copy what differs (a new inode: the pristine hard link is kept intact).
while read -r f; do
	if ! cmp -s "$stage/$f" "$src/$f"; then
		mkdir -p "$src/$(dirname "$f")"
		cp "$stage/$f" "$src/$f.tmp" && mv "$src/$f.tmp" "$src/$f"
	fi
done < "$stage/.list"
mv "$stage/.list" "$touched"
