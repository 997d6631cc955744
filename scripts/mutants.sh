#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make mutants: break the implementation one line at a time and check that
# a test named for the behaviour catches it.
#
#   scripts/mutants.sh [ID...]
#
# scripts/mutants.txt lists the mutants, one per line:
#
#   ID|FILE|SED|TESTS|WHAT
#
# FILE is an overlay file or a patch of patches/ (the sed expression then
# edits a '+' line of it), SED a sed expression that must change exactly
# one line, TESTS the CHECK_ONLY value whose boot must catch it (a test
# program such as umh_elf_channel or a kselftest name, see scripts/check.sh),
# and WHAT says what the fault breaks.  Each mutant is applied alone, the
# kernel is rebuilt incrementally and that one boot runs; the mutant is
# caught if a test fails by name ("not ok N NAME", not a timeout), and
# survives if everything passes.  The tree is put back after each one,
# also on Ctrl-C.  Results go to out/mutants/results.txt, then a score.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
LIST="$TOP/scripts/mutants.txt"
OUT="$TOP/out/mutants"
mkdir -p "$OUT"
RESULTS="$OUT/results.txt"
: > "$RESULTS"

backup=""
restore() {
	[ -n "$backup" ] && [ -f "$backup" ] && cp "$backup" "$file" && rm -f "$backup"
	backup=""
}
trap 'restore; exit 130' INT TERM
trap 'restore' EXIT

wanted() {
	[ $# -eq 0 ] && return 0
	id=$1; shift
	for w in "$@"; do [ "$w" = "$id" ] && return 0; done
	return 1
}

caught=0 survived=0 broken=0
while IFS='|' read -r id file sed tests what; do
	case "$id" in ''|'#'*) continue ;; esac
	# shellcheck disable=SC2086
	wanted "$id" ${MUTANTS:-} || continue
	file="$TOP/$file"
	backup="$OUT/backup.$$"
	cp "$file" "$backup"
	sed -i "$sed" "$file"
	changed=$(diff "$backup" "$file" | grep -c '^>')
	if [ "$changed" != 1 ]; then
		echo "BROKEN $id: the expression changed $changed lines of $file" | tee -a "$RESULTS"
		broken=$((broken + 1))
		restore
		continue
	fi
	log="$OUT/$id.log"
	printf '%-28s %s ... ' "$id" "$what"
	(cd "$TOP" && CHECK_ONLY=$tests make check >"$log" 2>&1)
	rc=$?
	restore
	failed=$(grep '^not ok' "$log" | grep -v '# SKIP' | sed 's/^not ok [0-9]* //' |
		 tr '\n' ' ')
	if [ $rc != 0 ] && [ -n "$failed" ] && ! grep -q 'terminated by timeout' "$log"; then
		echo "caught by $failed"
		echo "CAUGHT $id by $failed" >> "$RESULTS"
		caught=$((caught + 1))
	elif [ $rc != 0 ]; then
		echo "caught, but not by name (build failure or timeout): see $log"
		echo "NOT-BY-NAME $id" >> "$RESULTS"
		survived=$((survived + 1))
	else
		echo "SURVIVED"
		echo "SURVIVED $id: $what" >> "$RESULTS"
		survived=$((survived + 1))
	fi
done < "$LIST"

total=$((caught + survived))
echo "mutants: $caught of $total caught by name, $survived not, $broken broken expressions" |
	tee -a "$RESULTS"
[ $survived = 0 ] && [ $broken = 0 ]
