#!/bin/bash
# Benchmark: `chmod -R` over N staged entries (SPEC "Speed budget": linear,
# 100,000 entries under 2 s, and issue 9: within 1.5x GNU `chmod -R` over the
# same tree on disk). Also `chown -R` and GNU's. Interleaved runs; medians.
# Each LABEL=DIR adds staged runs with the drop-ins of DIR (a build's
# libexec/stage/bin) over the same stage, interleaved, for comparing builds.
# Usage: bench/chmod_r_100k.sh [N=100000] [R=9] [LABEL=DROPIN_DIR...]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-100000}
R=${2:-9}
shift $(($# < 2 ? $# : 2))
D=$top/build/libexec/stage/bin
declare -A dropins=([staged]=$D)
labels=staged
for spec in "$@"; do dropins[${spec%%=*}]=$(realpath "${spec#*=}"); labels+=" ${spec%%=*}"; done
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
declare -A t=([gnu_chmod]="" [gnu_chown]="")
for l in $labels; do t[${l}_chmod]=""; t[${l}_chown]=""; done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
k=0
for ((r = 0; r < R; r++)); do
  # Each run flips what the one before it did: every run changes every record.
  for l in $labels; do
    k=$((k + 1))
    m=$([ $((k % 2)) = 0 ] && echo g+w || echo g-w)
    t[gnu_chmod]+="$(time_of /bin/chmod -R "$m" "$w/gnu/t") "
    t[${l}_chmod]+="$(time_of env STAGE_DESTDIR="$S" "${dropins[$l]}/chmod" -R "$m" "$S/t") "
    o=$([ $((k % 2)) = 0 ] && echo daemon || echo bin)
    t[gnu_chown]+="$(time_of /bin/chown -R "$o" "$w/gnu/t") "
    t[${l}_chown]+="$(time_of env STAGE_DESTDIR="$S" "${dropins[$l]}/chown" -R "$o" "$S/t") "
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %10s %8s\n' "$entries staged entries, median of $R" "ms" "vs GNU"
for k in chmod chown; do
  g=$(echo ${t[gnu_$k]} | tr ' ' '\n' | median)
  printf '%-34s %10d %8s\n' "GNU $k -R (tree on disk)" "$g" ""
  for l in $labels; do
    m=$(echo ${t[${l}_$k]} | tr ' ' '\n' | median)
    awk -v m="$m" -v g="$g" -v k="$k" -v l="$l" 'BEGIN {printf "%-34s %10d %8.2f\n", l " " k " -R", m, m / g}'
  done
done
