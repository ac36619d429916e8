#!/bin/bash
# Benchmark: where the wall time of one staged call goes, step by step, and
# what it cannot go below while every call opens SQLite. A small static C
# program (bench/call_floor.c, linked with Debian's libsqlite3 as the
# drop-ins are) does the first K steps of a drop-in's database work on a
# copy of a real stage database; its calls are interleaved call by call
# with GNU install and the drop-in's own calls (inactive and active).
# Prints mean wall time, CPU time (user+sys) and minor page faults per call.
# Usage: bench/call_floor.sh [N=500] [DROPIN_DIR=build/libexec/stage/bin]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-500}
D=$(realpath "${2:-$top/build/libexec/stage/bin}")
command -v cc >/dev/null || { echo "call_floor.sh: no C compiler (cc)" >&2; exit 1; }
w=$(mktemp -d /tmp/stage-bench.XXXXXX)
trap 'rm -rf "$w"' EXIT
cc -O2 -static -o "$w/call_floor" "$top/bench/call_floor.c" -lsqlite3 -lm 2>"$w/cc.log" ||
  { cat "$w/cc.log" >&2; exit 1; }
head -c 20000 /dev/urandom >"$w/src"
mkdir -p "$w/gnu" "$w/inactive" "$w/active" "$w/floor"
STAGE_DESTDIR=$w/active "$D/mkdir" -p /usr/pkg/share
# The floor's database: a stage database made by the drop-ins (its schema,
# 101 records), for the program's own records.
STAGE_DESTDIR=$w/floor "$D/mkdir" -p /usr/pkg/share
for ((i = 0; i < 100; i++)); do STAGE_DESTDIR=$w/floor "$D/install" -m 644 "$w/src" "/usr/pkg/share/p$i"; done
db=$w/floor.stagedb

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$w/call_floor" spawn "$N" \
  "/usr/bin/install -m 644 $w/src $w/gnu/f%d" \
  "$w/call_floor step 0 $db /x%d" \
  "$w/call_floor step 1 $db /x%d" \
  "$w/call_floor step 2 $db /x%d" \
  "$w/call_floor step 3 $db /x%d" \
  "$w/call_floor step 4 $db /x%d" \
  "$D/install -m 644 $w/src $w/inactive/f%d" \
  "STAGE_DESTDIR=$w/active $D/install -m 644 $w/src /usr/pkg/share/f%d" >"$w/out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-50s %9s %9s %7s %7s\n' "kind ($N calls each, interleaved; per call)" "wall us" "CPU us" "faults" "vs GNU"
labels=("GNU install -m 644"
  "static C program: exec and exit"
  "+ sqlite3_open_v2"
  "+ first read (WAL index, PRAGMA user_version)"
  "+ schema (PRAGMA synchronous=OFF, journal_size_limit)"
  "+ one INSERT committed, close (checkpoint)"
  "drop-in install, inactive (no stage)"
  "drop-in install, active (one staged call)")
i=0 g=""
while read -r wall cpu flt; do
  [ -n "$g" ] || g=$wall
  awk -v k="${labels[$i]}" -v w="$wall" -v c="$cpu" -v f="$flt" -v g="$g" \
    'BEGIN {printf "%-50s %9.1f %9.1f %7.1f %7.2f\n", k, w, c, f, w / g}'
  i=$((i + 1))
done <"$w/out"
