#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make profile, on the host after the guest run: sum up the function
# graph traces of the guest log (scripts/guest/profile.sh) by phase.
#
#   profile-report.sh [LOG]		(default $OUT/profile.log)
#
# For each kind of load, the mean over its traced runs of every call
# below each traced entry (the caller's finit_module(), the user-mode
# helper's worker and new process, the event work, the reaper), as a
# tree down to the depth the guest traced: ms of wall time (sleeps
# included) and share of the entry.  Calls under MIN_SHARE percent of
# their parent (default 2) are folded into "(other)", and "(self)" is
# the parent's time outside its traced children.  Then the BENCH lines
# of the untraced benchmark, if the guest ran one (PROFILE_BENCH).
set -eu
OUT=${OUT:-$(cd "$(dirname "$0")/.." && pwd)/out}
log=${1:-$OUT/profile.log}
[ -f "$log" ] || { echo "profile-report: no $log: run make profile" >&2; exit 1; }

python3 - "$log" "${MIN_SHARE:-2}" <<'PY'
import re
import sys
from collections import defaultdict

log, min_share = sys.argv[1], float(sys.argv[2])
line_re = re.compile(r'^\s*([\d.]+)\s*\|\s*(\d+)\)\s*(\S+)\s*\|\s*([^|]*?)\s*\|(\s*)(.*)$')
dur_re = re.compile(r'([\d.]+) us')
runs = defaultdict(list)		# label -> [per run: {path: us}]
label = None
for raw in open(log, errors='replace'):
    raw = raw.rstrip('\r\n')
    if raw.startswith('PROFILETRACE '):
        parts = raw.split()
        if parts[1] == 'end':
            runs[label].append(cur)
            label = None
        else:
            label = parts[1]
            cur = defaultdict(float)
            stacks = defaultdict(list)
        continue
    if label is None:
        continue
    m = line_re.match(raw)
    if not m:
        continue
    task, dur, indent, func = m.group(3), m.group(4), m.group(5), m.group(6)
    depth = max(0, (len(indent) - 2) // 2)
    stack = stacks[task]
    if func.endswith('{'):
        name = func[:-1].strip().rstrip('()').strip()
        del stack[depth:]
        stack.append(name)
        continue
    d = dur_re.search(dur)
    if not d:
        continue
    if func.startswith('}'):
        t = re.search(r'/\* (\S+) \*/', func)
        name = t.group(1) if t else (stack[depth] if depth < len(stack) else '?')
    elif func.endswith('();'):
        name = func[:-3]
    else:
        continue
    path = tuple(stack[:depth]) + (name,)
    # The entries by what runs them: a new process has its own name.
    kind = re.sub(r'-\d+$', '', task)
    if depth == 0:
        cur[('#' + kind,) + path] += float(d.group(1))
    cur[(kind,) + path] += float(d.group(1))
    if func.startswith('}'):
        del stack[depth:]

def show(label, per_run):
    n = len(per_run)
    mean = defaultdict(float)
    for r in per_run:
        for k, v in r.items():
            mean[k] += v / n
    print(f'\n{label}: mean of {n} traced runs (ms of wall time; share of the entry)')
    entries = sorted((k for k in mean if k[0].startswith('#')), key=lambda k: -mean[k])
    for e in entries:
        kind, root = e[0][1:], e[1:]
        tot = mean[e]
        print(f'  {root[0]} in {kind}: {tot / 1000:.3f} ms')
        def walk(path, us, depth):
            kids = sorted((k for k in mean if k[0] == kind and len(k) == len(path) + 2
                           and k[1:-1] == path), key=lambda k: -mean[k])
            shown = other = 0.0
            for k in kids:
                v = mean[k]
                shown += v
                if v * 100 < min_share * us:
                    other += v
                    continue
                print(f'  {"  " * depth}{k[-1]:<{46 - 2 * depth}} {v / 1000:9.3f} {100 * v / tot:6.1f}%')
                walk(k[1:], v, depth + 1)
            if kids and other:
                print(f'  {"  " * depth}{"(other)":<{46 - 2 * depth}} {other / 1000:9.3f} {100 * other / tot:6.1f}%')
            if kids and us - shown > 0:
                print(f'  {"  " * depth}{"(self)":<{46 - 2 * depth}} {(us - shown) / 1000:9.3f} {100 * (us - shown) / tot:6.1f}%')
        walk(root, tot, 2)

for label, per_run in runs.items():
    show(label, per_run)
PY
echo
grep -aE '^(BENCH,launch|PROFILENOTE|BENCHNOTE)' "$log" || true
