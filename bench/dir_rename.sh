#!/bin/bash
# dir_rename: what a rename of a host directory costs under union capture
# (stage-run --root --map P -- mv P/share/big P/share/big2; the supervisor
# moves the tree through the build's view), against the same stage-run
# running `true` (the set-up alone) and against `cp -a` + `rm -r` of the
# same tree on one file system (what mv does when rename(2) says EXDEV).
# The tree: 20 directories of 100 files of 4 KiB. Medians of R interleaved
# runs, wall milliseconds. Usage: bench/dir_rename.sh [R] (default 5); as
# root it runs the builds as nobody (CI's case that matters); from a build
# tree (STAGE_BIN defaults to ./build/bin).
set -u
runs=${1:-5}
bin=${STAGE_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}
w=$(mktemp -d /var/tmp/stage-bench-mv.XXXXXX)
host=$(mktemp -d /var/lib/stage-bench-prefix.XXXXXX 2>/dev/null || mktemp -d "$HOME/stage-bench-prefix.XXXXXX")
trap 'rm -rf "$w" "$host"' EXIT
chmod 755 "$w" "$host"
P=$host/pkg
for d in $(seq 1 20); do
  mkdir -p "$P/share/big/d$d"
  for f in $(seq 1 100); do head -c 4096 /dev/zero >"$P/share/big/d$d/f$f"; done
done
as_user=()
if [ "$(id -u)" -eq 0 ]; then chown nobody "$w"; as_user=(runuser -u nobody --); fi
declare -A times
ms() { echo $(( ($2 - $1) / 1000000 )); }
for ((i = 0; i < runs; i++)); do
  rm -rf "$w/s" "$w/s.stagedb"* "$w/t" "$w/t.stagedb"* "$w/copy"
  a=$(date +%s%N)
  "${as_user[@]}" "$bin/stage-run" -q --root --map "$P" --destdir "$w/s" -- mv "$P/share/big" "$P/share/big2" ||
    { echo "captured mv failed" >&2; exit 1; }
  b=$(date +%s%N)
  "${as_user[@]}" "$bin/stage-run" -q --root --map "$P" --destdir "$w/t" -- true || exit 1
  c=$(date +%s%N)
  "${as_user[@]}" cp -a "$P/share/big" "$w/copy" && "${as_user[@]}" rm -r "$w/copy"
  d=$(date +%s%N)
  times[mv]+="$(ms "$a" "$b") " times[true]+="$(ms "$b" "$c") " times[cp]+="$(ms "$c" "$d") "
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '| what | ms |\n|---|---|\n'
printf '| stage-run --root --map P -- mv (2,000 files) | %s |\n' "$(echo "${times[mv]}" | median)"
printf '| stage-run --root --map P -- true | %s |\n' "$(echo "${times[true]}" | median)"
printf '| cp -a + rm -r of the tree | %s |\n' "$(echo "${times[cp]}" | median)"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
