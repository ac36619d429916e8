#!/bin/bash
# Benchmark: a whole `make install` of a generated package with F files
# (one `install -m 644` per file, as automake's install rules run them, plus
# mkdir -p per directory), three ways in the same run:
#   plain    GNU tools, `make install DESTDIR=...` (the anchor; root's install)
#   staged   `stage-run -- make install` (the drop-ins first on PATH)
#   fakeroot `fakeroot make install DESTDIR=...`
#   root     `stage-run --root -- make install` (also given against staged:
#            the supervisor's cost, budget 1.02x)
# Prints the median seconds of R runs and the ratio to plain. Each run starts
# with the previous run's tree removed and written back (sync, untimed).
# Usage: bench/make_install.sh [F=1000] [R=5]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
F=${1:-1000}
R=${2:-5}
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

time_it() {  # time_it CMD...: prints seconds
  local s e
  s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
  awk -v d=$((e - s)) 'BEGIN {printf "%.3f\n", d / 1e9}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
one_run() {  # one_run KIND: prints seconds; its output is gone afterwards
  case $1 in
    plain) time_it make install DESTDIR="$w/d" ;;
    staged) time_it "$top/build/bin/stage-run" -q --destdir "$w/d" -- make install ;;
    fakeroot) time_it fakeroot make install DESTDIR="$w/d" ;;
    root) time_it "$top/build/bin/stage-run" -q --root --destdir "$w/d" -- make install ;;
  esac
  rm -rf "$w/d" "$w/d.stagedb"*
}
# Every run starts alike: the previous run's tree removed and written back
# (sync, untimed), so no run pays for another's writeback; and each round
# starts with the next kind, so no kind always follows the same one.
kinds=(plain staged fakeroot root)
declare -A t
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < R; r++)); do
  for ((k = 0; k < 4; k++)); do
    kind=${kinds[(r + k) % 4]}
    sync
    t[$kind]+="$(one_run "$kind") "
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
p=$(echo ${t[plain]} | tr ' ' '\n' | median)
printf '%-34s %9s %8s\n' "make install, $F files (median of $R)" seconds "vs plain"
for kind in plain staged fakeroot root; do
  m=$(echo ${t[$kind]} | tr ' ' '\n' | median)
  awk -v m="$m" -v p="$p" -v k="$kind" 'BEGIN {printf "%-34s %9.3f %8.2f\n", k, m, m / p}'
done
s=$(echo ${t[staged]} | tr ' ' '\n' | median)
m=$(echo ${t[root]} | tr ' ' '\n' | median)
awk -v m="$m" -v s="$s" 'BEGIN {printf "%-34s %9.3f %8.2f\n", "root vs staged", m, m / s}'
