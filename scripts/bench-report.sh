#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, on the host after the guest run: take the BENCH lines of the
# guest log $OUT/bench.log (scripts/guest/bench.sh) and write
#
#   $OUT/bench/results.csv   metric,unit,value,baseline,ratio
#   $OUT/bench/results.md    the table with spread and targets, what each
#                            row measures, and the notes
#
# then print results.md.  Exits non-zero if the log holds no result or the
# guest did not finish (the files are written all the same).
set -eu

OUT=${OUT:-$(cd "$(dirname "$0")/.." && pwd)/out}
KOUT=${KOUT:-$OUT/linux}
log="$OUT/bench.log"
dir="$OUT/bench"
csv="$dir/results.csv"
md="$dir/results.md"

if [ ! -f "$log" ]; then
	echo "bench-report: no $log: run make bench" >&2
	exit 1
fi
mkdir -p "$dir"
lines=$(mktemp)
trap 'rm -f "$lines"' EXIT
tr -d '\r' < "$log" | grep -E '^BENCH(SPREAD|TARGET|DESC|NOTE)?,' > "$lines" || true

finished=yes
grep -q '^### END' "$log" || finished=no

krel=unknown
[ -f "$KOUT/include/config/kernel.release" ] && krel=$(cat "$KOUT/include/config/kernel.release")
when=$(date -u -r "$log" '+%Y-%m-%d %H:%M UTC' 2>/dev/null || date -u '+%Y-%m-%d %H:%M UTC')
cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null | head -1)
# The vCPUs the guest brought up, as it counted them (bench.sh), and
# what QEMU was asked for.
gcpus=$(tr -d '\r' < "$log" | sed -n 's/.*### CPUS \([0-9]*\) of.*/\1/p' | head -1)
machine="$(uname -m), $(nproc) CPUs${cpu:+ ($cpu)}; guest: QEMU TCG (no KVM), ${gcpus:-unknown} vCPUs online of ${QEMU_SMP:-2} given, ${QEMU_MEM:-2048} MiB"

{
	echo "metric,unit,value,baseline,ratio"
	awk -F, '/^BENCH,/ { print $2 "," $3 "," $4 "," $5 "," $6 }' "$lines"
} > "$csv"

awk -F, -v when="$when" -v krel="$krel" -v machine="$machine" \
	-v finished="$finished" '
function rest(line, fields,    i, p) {
	# The text after the first @fields commas of @line.
	p = line
	for (i = 0; i < fields; i++)
		p = substr(p, index(p, ",") + 1)
	return p
}
function cell(v, lo, hi) {
	if (v == "")
		return "—"
	return (lo == "") ? v : v " (" lo "–" hi ")"
}
function nice(t) {
	gsub(/<=/, "≤", t)
	gsub(/>=/, "≥", t)
	return t
}
/^BENCH,/ {
	n++
	metric[n] = $2; unit[n] = $3; value[n] = $4; base[n] = $5
	ratio[n] = $6
	next
}
/^BENCHSPREAD,/ {
	vmin[$2] = $3; vmax[$2] = $6; vn[$2] = $7
	bmin[$2] = $8; bmax[$2] = $11; bn[$2] = $12
	next
}
/^BENCHTARGET,/ {
	target[$2] = nice($3) ": **" $4 "**"
	if ($4 == "met")
		met++
	else
		missed++
	next
}
/^BENCHDESC,/ { desc[$2] = rest($0, 2); next }
/^BENCHNOTE,/ {
	t = rest($0, 1)
	if (t !~ /^target /)	# targets are in the table
		notes[++nnotes] = t
}
END {
	print "# ELF modules: benchmark"
	print ""
	print "- Date: " when
	print "- Kernel: " krel
	print "- Machine: " machine
	print "- Method: every value and baseline is the median of repeated runs in the same boot, the two taken in turn; (min–max) is their spread and Runs the number of runs. Ratio = value / baseline: lower is better in every row. Emulated time: compare ratios, not absolute times."
	if (finished != "yes")
		print "- **The guest did not finish: the results are incomplete.**"
	print ""
	print "| Metric | Unit | Value (min–max) | Baseline (min–max) | Ratio | Runs | Target |"
	print "| --- | --- | --- | --- | --- | --- | --- |"
	for (i = 1; i <= n; i++) {
		m = metric[i]
		v = cell(value[i], vmin[m], vmax[m])
		if (unit[i] == "ms/MiB" && m ~ /^channel\./ && value[i] > 0)
			v = v sprintf("; %.1f MiB/s", 1000 / value[i])
		b = cell(base[i], bmin[m], bmax[m])
		if (unit[i] == "ms/MiB" && m ~ /^channel\./ && base[i] > 0)
			b = b sprintf("; %.1f MiB/s", 1000 / base[i])
		runs = vn[m] (bn[m] != "" ? "/" bn[m] : "")
		printf "| %s | %s | %s | %s | %s | %s | %s |\n", m, unit[i], v, \
			b, ratio[i] == "" ? "—" : ratio[i], \
			runs == "" ? "—" : runs, \
			(m in target) ? target[m] : "—"
	}
	print ""
	printf "Targets: %d met, %d missed (a benchmark: reported, never enforced).\n", met, missed
	print ""
	print "## What each row measures"
	print ""
	for (i = 1; i <= n; i++)
		if (metric[i] in desc)
			print "- `" metric[i] "`: " desc[metric[i]]
	if (nnotes) {
		print ""
		print "## Notes"
		print ""
		for (i = 1; i <= nnotes; i++)
			print "- " notes[i]
	}
}' "$lines" > "$md"

cat "$md"
echo
echo "  BENCH   $csv, $md"
if ! grep -q '^BENCH,' "$lines"; then
	echo "bench-report: no results in $log" >&2
	exit 1
fi
if [ "$finished" != yes ]; then
	echo "bench-report: the guest did not finish (see $log)" >&2
	exit 1
fi
