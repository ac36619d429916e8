#!/bin/bash
# namespace_setup: what the one namespace sequence costs per stage-run call,
# for each combination: plain, --root, --root --map (an overlay over an
# existing prefix), --sandbox, --sandbox --root, --sandbox --root --map.
# Each runs `true`; medians of N interleaved runs, wall milliseconds.
# Usage: bench/namespace_setup.sh [RUNS] (default 15); run as root or a user,
# from a build tree (STAGE_BIN defaults to ./build/bin).
set -u
runs=${1:-15}
bin=${STAGE_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}
w=$(mktemp -d /var/tmp/stage-bench-ns.XXXXXX)
prefix=$(mktemp -d /var/lib/stage-bench-prefix.XXXXXX 2>/dev/null || mktemp -d "$HOME/stage-bench-prefix.XXXXXX")
trap 'rm -rf "$w" "$prefix"' EXIT
mkdir -p "$prefix/bin" "$prefix/share/doc" "$w/build" && chmod -R 755 "$w" "$prefix"
modes=("plain:" "root:--root" "root-map:--root --map $prefix" "sandbox:--sandbox" "sandbox-root:--sandbox --root"
       "sandbox-root-map:--sandbox --root --map $prefix")
declare -A times
for ((i = 0; i < runs; i++)); do
  for m in "${modes[@]}"; do
    name=${m%%:*}; args=${m#*:}
    rm -rf "$w/d-$name" "$w/d-$name.stagedb"*
    start=$(date +%s%N)
    (cd "$w/build" && "$bin/stage-run" -q $args --destdir "$w/d-$name" -- true) || { echo "$name failed" >&2; exit 1; }
    end=$(date +%s%N)
    times[$name]+="$(( (end - start) / 1000 )) "
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(echo "${times[plain]}" | median)
printf '| mode | ms | vs plain |\n|---|---|---|\n'
for m in "${modes[@]}"; do
  name=${m%%:*}
  t=$(echo "${times[$name]}" | median)
  awk -v n="$name" -v t="$t" -v b="$base" 'BEGIN {printf "| %s | %.1f | %.2f |\n", n, t / 1000, t / b}'
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
