#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make series: two patch series as `git format-patch` output, one commit
# per NN-*.txt, then checkpatch --strict on every patch:
#   out/series/kmod/         series/kmod/*.txt, request_module(), against
#                            the pristine tree;
#   out/series/elf-modules/  series/*.txt, the ELF modules, on top of it.
# Applied in that order with `git am` on the pristine tree, they give the
# tree `make kernel` builds.
set -eu
# series/NN-*.txt and NNx-*.txt (03a-, 03b-: after 03-), in byte order.
export LC_ALL=C

S="$BUILD/series"
O="$OUT/series"
rm -rf "$S" "$O"
mkdir -p "$S" "$O/kmod" "$O/elf-modules"
SERIES="$TOP/series/kmod $TOP/series"

field() { sed -n "s/^$1: *//p" "$2" | head -1; }
body() { awk 'f { print } /^Files:/ { f = 1 }' "$1" | sed '1{/^$/d}'; }

# The base: pristine copies of every file the series changes (a patch may
# also change a file that an earlier patch of the series adds).
files="MAINTAINERS"
for t in "$TOP"/series/kmod/[0-9][1-9]*-*.txt "$TOP"/series/[0-9][1-9]*-*.txt; do
	for p in $(field Patches "$t"); do
		files="$files $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$TOP/$p")"
	done
done
for f in $files; do
	[ -e "$PRISTINE/$f" ] || continue
	mkdir -p "$S/$(dirname "$f")"
	cp "$PRISTINE/$f" "$S/$f"
done
cd "$S"
git init -q .
git config user.name "$(git -C "$TOP" config user.name)"
git config user.email "$(git -C "$TOP" config user.email)"
git add -A
git commit -qm "base: pristine $(basename "$PRISTINE")"
sob="Signed-off-by: $(git config user.name) <$(git config user.email)>"

# The MAINTAINERS entry of MAINTAINERS.patch, with the F: lines of the
# files added so far: each patch that adds files lists them there.
maintainers() {
	python3 - "$TOP/MAINTAINERS.patch" "$@" <<'PY'
import sys
from fnmatch import fnmatch
patch = open(sys.argv[1]).read().splitlines()
added = sys.argv[2:]
entry = [l[1:] for l in patch if l.startswith("+") and not l.startswith("+++")]
anchor = next(l[1:] for l in patch if l.startswith(" ") and l[1:].strip()
              and patch.index(l) > patch.index("+" + entry[-1]))
keep = [l for l in entry if not l.startswith("F:\t") or
        any(f == l[3:] or f.startswith(l[3:]) or fnmatch(f, l[3:])
            for f in added)]
if not any(l.startswith("F:\t") for l in keep):
    sys.exit(0)
text = open("MAINTAINERS").read()
start = text.find(entry[0] + "\n")
if start >= 0:
    text = text[:start] + text[text.index(anchor + "\n", start):]
pos = text.index(anchor + "\n")
text = text[:pos] + "\n".join(keep) + "\n" + text[pos:]
open("MAINTAINERS", "w").write(text)
PY
}

# commit_series DIR: one commit per DIR/NN-*.txt.
added=""
commit_series() {
	for t in "$1"/[0-9][1-9]*-*.txt; do
		for p in $(field Patches "$t"); do
			git apply "$TOP/$p"
		done
		for f in $(field Files "$t"); do
			mkdir -p "$(dirname "$f")"
			cp "$TOP/$f" "$f"
			added="$added $f"
		done
		# shellcheck disable=SC2086
		[ -f MAINTAINERS ] && maintainers $added
		git add -A
		printf '%s\n\n%s\n\n%s\n' "$(field Subject "$t")" "$(body "$t")" "$sob" |
			git commit -q -F -
	done
}

# format_series RANGE OUTDIR COVER: the commits of RANGE as patches, with
# COVER's subject and text in the cover letter.
format_series() {
	git format-patch -q --cover-letter -o "$2" "$1"
	python3 - "$2/0000-cover-letter.patch" "$3" <<'PY'
import re, sys
cover, text = sys.argv[1], open(sys.argv[2]).read()
subject, _, blurb = text.partition("\n\n")
subject = re.sub(r"^Subject: (\[[^]]*\] )?", "", subject)
s = open(cover).read()
s = s.replace("*** SUBJECT HERE ***", subject)
s = s.replace("*** BLURB HERE ***", blurb.strip())
open(cover, "w").write(s)
PY
	echo "  SERIES  $2 ($(ls "$2" | wc -l) files)"
}

base=$(git rev-parse HEAD)
commit_series "$TOP/series/kmod"
kmod=$(git rev-parse HEAD)
commit_series "$TOP/series"
format_series "$base..$kmod" "$O/kmod" "$TOP/series/kmod/00-cover-letter.txt"
format_series "$kmod..HEAD" "$O/elf-modules" "$TOP/series/00-cover-letter.txt"

# checkpatch, from within the full tree so that it knows its identifiers.
bad=0
for p in "$O"/*/*.patch; do
	case "$p" in *0000-cover-letter.patch) continue ;; esac
	res=$(cd "$SRC" && ./scripts/checkpatch.pl --strict --quiet "$p" 2>&1 || true)
	if [ -n "$res" ]; then
		echo "checkpatch: $(basename "$p"):"
		echo "$res" | sed 's/^/  /'
		bad=1
	fi
done
[ "$bad" = 0 ] && echo "  CHECK   checkpatch --strict: clean"

# The series gives exactly the tree make kernel builds.
for f in $(git diff --name-only "$base" HEAD); do
	if ! cmp -s "$f" "$SRC/$f"; then
		echo "series: $f differs from $SRC/$f" >&2
		bad=1
	fi
done
exit $bad
