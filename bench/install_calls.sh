#!/bin/bash
# Benchmark: the cost of one drop-in call (SPEC "Speed budget").
# N calls of `install -m 644 SRC DST_i`, each kind timed R times; prints the
# median wall time per call and its ratio to GNU install measured in the same
# run. Each LABEL=DIR adds an active kind run with the drop-ins of DIR (a
# build's libexec/stage/bin), interleaved with the others, for comparing builds.
# Usage: bench/install_calls.sh [N=300] [R=7] [LABEL=DROPIN_DIR...]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-300}
R=${2:-7}
shift $(($# < 2 ? $# : 2))
D=$top/build/libexec/stage/bin
declare -A dropins=([active]=$D)
kinds="gnu inactive active"
for spec in "$@"; do dropins[${spec%%=*}]=$(realpath "${spec#*=}"); kinds+=" ${spec%%=*}"; done
w=$(mktemp -d /tmp/stage-bench.XXXXXX)
trap 'rm -rf "$w"' EXIT
head -c 20000 /dev/urandom >"$w/src"

run() {  # run gnu|inactive: prints microseconds for N calls
  local kind=$1 dir="$w/out-$RANDOM$RANDOM"
  mkdir -p "$dir"
  local start end
  case $kind in
    gnu)      start=$(date +%s%N); for ((i = 0; i < N; i++)); do /usr/bin/install -m 644 "$w/src" "$dir/f$i"; done; end=$(date +%s%N) ;;
    inactive) start=$(date +%s%N); for ((i = 0; i < N; i++)); do "$D/install" -m 644 "$w/src" "$dir/f$i"; done; end=$(date +%s%N) ;;
  esac
  echo $(( (end - start) / 1000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# The stage needs its parent directory once (install -D would add mkdir work per call).
prime() { mkdir -p "$1/stage"; STAGE_DESTDIR=$1/stage "$2/mkdir" -p /usr/pkg/share; }

declare -A t
for kind in $kinds; do t[$kind]=""; done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < R; r++)); do
  for kind in $kinds; do
    if [ $kind != gnu ] && [ $kind != inactive ]; then
      dir="$w/$kind$r"; A=${dropins[$kind]}; prime "$dir" "$A"
      s=$(date +%s%N); for ((i = 0; i < N; i++)); do STAGE_DESTDIR=$dir/stage "$A/install" -m 644 "$w/src" "/usr/pkg/share/f$i"; done; e=$(date +%s%N)
      t[$kind]+="$(( (e - s) / 1000 )) "
    else
      t[$kind]+="$(run $kind) "
    fi
  done
done
g=$(echo ${t[gnu]} | tr ' ' '\n' | median)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %10s %8s\n' "kind ($N calls, median of $R)" "us/call" "vs GNU"
for kind in $kinds; do
  m=$(echo ${t[$kind]} | tr ' ' '\n' | median)
  awk -v m="$m" -v g="$g" -v n="$N" -v k="$kind" 'BEGIN {printf "%-28s %10.1f %8.2f\n", k, m / n, m / g}'
done
