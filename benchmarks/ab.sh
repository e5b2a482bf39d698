#!/bin/bash
# Time `geoevents map` from two commits alternately, in the same minutes (a machine whose speed
# drifts makes runs minutes apart incomparable).
#
#   benchmarks/ab.sh BASE RUNS STORE [map options...]
#   benchmarks/ab.sh HEAD~3 6 benchmarks/data/incidents-1000000-seed42.parquet --timeline
#
# BASE is checked out in a git worktree (removed at the end); "after" is this checkout (each
# side runs with its own tree first on the path: the script checks it). Prints
# each run's wall time and peak RSS, then the medians, and whether the two maps are the same
# bytes.
set -euo pipefail
base=$1; runs=$2; store=$(realpath "$3"); shift 3
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$here/.venv/bin/python}
tree=$(mktemp -d)
git -C "$here" worktree add -q --detach "$tree" "$base"
trap 'git -C "$here" worktree remove --force "$tree"' EXIT
out=$(mktemp -d)
for side in before after; do  # each side imports its own tree, or the comparison is void
  if [ "$side" = before ]; then src=$tree; else src=$here; fi
  got=$(cd "$src" && env PYTHONPATH="$src" "$python" -P -c 'import geoevents; print(geoevents.__file__)')
  case "$got" in "$src"/*) ;; *) echo "$side imports $got, not $src" >&2; exit 1 ;; esac
  # Bytecode, as an installed package has it (see run.py: PYTHONDONTWRITEBYTECODE).
  "$python" -m compileall -q "$src/geoevents" >/dev/null
done
for _ in $(seq "$runs"); do
  for side in before after; do
    if [ "$side" = before ]; then src=$tree; else src=$here; fi
    # -P: the working directory is not put first on the path (it would import this checkout
    # for both sides); PYTHONPATH then comes before the editable install.
    (cd "$src" && /usr/bin/time -f "$side %e %M" env PYTHONPATH="$src" "$python" -P -c \
      $'import sys\ntry: from geoevents.console import main\nexcept ImportError: from geoevents.cli import main  # before session 9\nsys.argv[0] = "geoevents"; main()' \
      -q map "$store" -o "$out/$side.html" --tiles none --force "$@") 2>&1 | grep -E "^(before|after) "
  done
done | tee "$out/times" | awk '{print $1 ": " $2 " s, " int($3 / 1024) " MB"}'
for side in before after; do
  grep "^$side " "$out/times" | sort -k2 -n | awk -v s="$side" \
    '{t[NR] = $2} END {printf "%s: median %.2f s of %d\n", s, (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2), NR}'
done
if cmp -s "$out/before.html" "$out/after.html"; then echo "same bytes"; else echo "the maps differ"; fi
rm -rf "$out"
