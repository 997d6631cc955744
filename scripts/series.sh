#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make series: the patch series as `git format-patch` output under
# out/series/, against the pristine tree, one commit per series/NN-*.txt,
# then checkpatch --strict on every patch.  The result must apply with
# `git am` on the pristine tree and give the tree `make kernel` builds.
set -eu
# series/NN-*.txt and NNx-*.txt (03a-, 03b-: after 03-), in byte order.
export LC_ALL=C

S="$BUILD/series"
O="$OUT/series"
rm -rf "$S" "$O"
mkdir -p "$S" "$O"

field() { sed -n "s/^$1: *//p" "$2" | head -1; }
body() { awk 'f { print } /^Files:/ { f = 1 }' "$1" | sed '1{/^$/d}'; }

# The base: pristine copies of every file the series changes (a patch may
# also change a file that an earlier patch of the series adds).
files="MAINTAINERS"
for t in "$TOP"/series/[0-9][1-9]*-*.txt; do
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
patch = open(sys.argv[1]).read().splitlines()
added = sys.argv[2:]
entry = [l[1:] for l in patch if l.startswith("+") and not l.startswith("+++")]
anchor = next(l[1:] for l in patch if l.startswith(" ") and l[1:].strip()
              and patch.index(l) > patch.index("+" + entry[-1]))
keep = [l for l in entry if not l.startswith("F:\t") or
        any(f == l[3:] or f.startswith(l[3:]) for f in added)]
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

added=""
for t in "$TOP"/series/[0-9][1-9]*-*.txt; do
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

git format-patch -q --cover-letter -o "$O" HEAD~$(git rev-list --count HEAD~1)..HEAD 2>/dev/null ||
	git format-patch -q --cover-letter -o "$O" --root HEAD
# The base commit is not part of the series.
rm -f "$O"/0001-base-pristine-*.patch

# The cover letter's subject and text.
cover=$(ls "$O"/0000-cover-letter.patch)
python3 - "$cover" "$TOP/series/00-cover-letter.txt" <<'PY'
import re, sys
cover, text = sys.argv[1], open(sys.argv[2]).read()
subject, _, blurb = text.partition("\n\n")
subject = re.sub(r"^Subject: (\[[^]]*\] )?", "", subject)
s = open(cover).read()
s = s.replace("*** SUBJECT HERE ***", subject)
s = s.replace("*** BLURB HERE ***", blurb.strip())
open(cover, "w").write(s)
PY
echo "  SERIES  $O ($(ls "$O" | wc -l) files)"

# checkpatch, from within the full tree so that it knows its identifiers.
bad=0
for p in "$O"/*.patch; do
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
for f in $(git diff --name-only HEAD~$(($(git rev-list --count HEAD) - 1)) HEAD); do
	if ! cmp -s "$f" "$SRC/$f"; then
		echo "series: $f differs from $SRC/$f" >&2
		bad=1
	fi
done
exit $bad
