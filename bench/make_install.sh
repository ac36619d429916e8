#!/bin/bash
# Benchmark: a whole `make install` of a generated package with F files
# (one `install -m 644` per file, as automake's install rules run them, plus
# mkdir -p per directory), three ways in the same run:
#   plain    GNU tools, `make install DESTDIR=...` (the anchor; root's install)
#   staged   `stage-run -- make install` (the drop-ins first on PATH)
#   fakeroot `fakeroot make install DESTDIR=...`
#   root     `stage-run --root -- make install` (also given against staged:
#            the supervisor's cost, budget 1.02x)
# Prints the median seconds of R runs and the ratio to plain.
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
declare -A t
for ((r = 0; r < R; r++)); do
  rm -rf "$w/d"*
  t[plain]+="$(time_it make install DESTDIR="$w/dplain$r") "
  t[staged]+="$(time_it "$top/build/bin/stage-run" -q --destdir "$w/dstaged$r" -- make install) "
  t[fakeroot]+="$(time_it fakeroot make install DESTDIR="$w/dfake$r") "
  t[root]+="$(time_it "$top/build/bin/stage-run" -q --root --destdir "$w/droot$r" -- make install) "
done
p=$(echo ${t[plain]} | tr ' ' '\n' | median)
printf '%-34s %9s %8s\n' "make install, $F files (median of $R)" seconds "vs plain"
for kind in plain staged fakeroot root; do
  m=$(echo ${t[$kind]} | tr ' ' '\n' | median)
  awk -v m="$m" -v p="$p" -v k="$kind" 'BEGIN {printf "%-34s %9.3f %8.2f\n", k, m, m / p}'
done
s=$(echo ${t[staged]} | tr ' ' '\n' | median)
m=$(echo ${t[root]} | tr ' ' '\n' | median)
awk -v m="$m" -v s="$s" 'BEGIN {printf "%-34s %9.3f %8.2f\n", "root vs staged", m, m / s}'
