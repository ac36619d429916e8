#!/bin/bash
# Benchmark: the same `make install` (make_install.sh's generated package, F
# files) under `stage-run -q` of several builds, interleaved with a plain root
# `make install` in each of R rounds; medians of wall time and of CPU time
# (user+sys of the whole tree, /usr/bin/time), each against plain. For
# finding a regression between commits: build each into its own directory
# (cmake -S . -B /tmp/b-old -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
# ninja -C /tmp/b-old stage-dropin stage-run dropin-links).
# Usage: bench/compare_builds.sh F R LABEL=STAGE_RUN_PATH...
set -eu
F=$1 R=$2
shift 2
[ $# -ge 1 ] || { echo "usage: $0 F R LABEL=STAGE_RUN..." >&2; exit 2; }
specs=()
for spec in "$@"; do specs+=("${spec%%=*}=$(realpath "${spec#*=}")"); done
set -- "${specs[@]}"
w=$(mktemp -d /tmp/stage-bench.XXXXXX)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/pkg"
cd "$w/pkg"
{
  echo "PREFIX = /usr/pkg"
  echo "install:"
  for ((d = 0; d < F / 50; d++)); do
    printf '\tmkdir -p $(DESTDIR)$(PREFIX)/share/pkg/d%d\n' "$d"
    for ((i = 0; i < 50; i++)); do
      printf '\tinstall -m 644 src $(DESTDIR)$(PREFIX)/share/pkg/d%d/f%d\n' "$d" "$i"
    done
  done
  printf '\tinstall -m 4755 src $(DESTDIR)$(PREFIX)/bin-suid\n'
} >Makefile
head -c 20000 /dev/urandom >src
declare -A W C
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < R; r++)); do
  for spec in plain "$@"; do
    label=${spec%%=*} bin=${spec#*=}
    rm -rf "$w/d" "$w/d.stagedb"*
    s=$(date +%s%N)
    if [ "$label" = plain ]; then
      /usr/bin/time -o "$w/t" -f '%U %S' make install DESTDIR="$w/d" >/dev/null 2>&1 || echo "$label: make install failed" >&2
    else
      /usr/bin/time -o "$w/t" -f '%U %S' "$bin" -q --destdir "$w/d" -- make install >/dev/null 2>&1 || echo "$label: make install failed" >&2
    fi
    e=$(date +%s%N)
    W[$label]+="$(((e - s) / 1000000)) "
    C[$label]+="$(awk '{printf "%d", ($1 + $2) * 1000}' "$w/t") "
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
pw=$(echo ${W[plain]} | median) pc=$(echo ${C[plain]} | median)
printf '%-12s %9s %8s %9s %8s\n' "$F files, $R" "wall ms" "vs plain" "cpu ms" "vs plain"
for spec in plain "$@"; do
  label=${spec%%=*}
  awk -v l="$label" -v w="$(echo ${W[$label]} | median)" -v c="$(echo ${C[$label]} | median)" -v pw="$pw" -v pc="$pc" \
    'BEGIN {printf "%-12s %9d %8.2f %9d %8.2f\n", l, w, w / pw, c, c / pc}'
done
