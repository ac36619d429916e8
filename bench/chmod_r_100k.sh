#!/bin/bash
# Benchmark: `chmod -R` over N staged entries (SPEC "Speed budget": linear,
# 100,000 entries under 2 s, and issue 9: within 1.5x GNU `chmod -R` over the
# same tree on disk). Also `chown -R` and GNU's. Interleaved runs; medians.
# Usage: bench/chmod_r_100k.sh [N=100000] [R=9]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-100000}
R=${2:-9}
D=$top/build/libexec/stage/bin
w=$(mktemp -d /tmp/stage-bench.XXXXXX)
trap 'rm -rf "$w"' EXIT

# N entries: 100 directories of N/100 - 1 files each, staged (and recorded)
# by one install -d and one install -t per directory, and the same tree on
# disk for GNU.
S=$w/stage
per=$((N / 100 - 1))
mkdir -p "$S" "$w/gnu/t" "$w/src"
for ((f = 0; f < per; f++)); do : >"$w/src/f$f"; done
for ((d = 0; d < 100; d++)); do
  STAGE_DESTDIR=$S "$D/install" -d "$S/t/d$d"
  STAGE_DESTDIR=$S "$D/install" -m 644 -t "$S/t/d$d" "$w"/src/f*
  mkdir "$w/gnu/t/d$d"; cp "$w"/src/f* "$w/gnu/t/d$d/"
done
entries=$(sqlite3 "$S.stagedb" 'select count(*) from entries')

time_of() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A t=([gnu_chmod]="" [chmod]="" [gnu_chown]="" [chown]="")
for ((r = 0; r < R; r++)); do
  m=$([ $((r % 2)) = 0 ] && echo g+w || echo g-w)
  t[gnu_chmod]+="$(time_of /bin/chmod -R "$m" "$w/gnu/t") "
  t[chmod]+="$(time_of env STAGE_DESTDIR="$S" "$D/chmod" -R "$m" "$S/t") "
  o=$([ $((r % 2)) = 0 ] && echo daemon || echo bin)
  t[gnu_chown]+="$(time_of /bin/chown -R "$o" "$w/gnu/t") "
  t[chown]+="$(time_of env STAGE_DESTDIR="$S" "$D/chown" -R "$o" "$S/t") "
done
printf '%-34s %10s %8s\n' "$entries staged entries, median of $R" "ms" "vs GNU"
for k in chmod chown; do
  g=$(echo ${t[gnu_$k]} | tr ' ' '\n' | median); m=$(echo ${t[$k]} | tr ' ' '\n' | median)
  printf '%-34s %10d %8s\n' "GNU $k -R (tree on disk)" "$g" ""
  awk -v m="$m" -v g="$g" -v k="$k" 'BEGIN {printf "%-34s %10d %8.2f\n", "staged " k " -R", m, m / g}'
done
