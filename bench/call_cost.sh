#!/bin/bash
# Benchmark: the exact cost of one drop-in call (SPEC "Speed budget"): the
# instructions (callgrind) and system calls (strace -c) of one staged
# `install -m 644 SRC DEST` on a stage of E records, and of GNU's install of
# the same file, and its minor page faults (/usr/bin/time). Counts, not
# times: they repeat to within a few hundred instructions, whatever the load.
# Each LABEL=DROPIN_DIR adds another build's drop-ins (BUILD/libexec/stage/bin).
# Prints the median over three stages of each count.
# Usage: bench/call_cost.sh [E=200] [LABEL=DROPIN_DIR...]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
E=${1:-200}
shift $(($# < 1 ? $# : 1))
labels=(gnu active)
declare -A dropins=([active]=$top/build/libexec/stage/bin)
for spec in "$@"; do dropins[${spec%%=*}]=$(realpath "${spec#*=}"); labels+=("${spec%%=*}"); done
command -v valgrind >/dev/null || { echo "call_cost.sh: valgrind is not installed" >&2; exit 1; }
command -v strace >/dev/null || { echo "call_cost.sh: strace is not installed" >&2; exit 1; }
w=$(mktemp -d /tmp/stage-bench.XXXXXX)
trap 'rm -rf "$w"' EXIT
head -c 20000 /dev/urandom >"$w/src"

# A stage of E records (E/100 batches of `install -t` under one directory),
# then one warm-up call: the measured call finds the database as any later
# call of a build does (WAL checkpointed and truncated by the last close).
make_stage() {  # make_stage DIR DROPINS
  local s=$1/stage A=$2 b i
  mkdir -p "$s"
  STAGE_DESTDIR=$s "$A/mkdir" -p /usr/pkg/share
  for ((b = 0; b * 100 < E; b++)); do
    local files=()
    for ((i = 0; i < 100 && b * 100 + i < E; i++)); do files+=("$w/src"); done
    STAGE_DESTDIR=$s "$A/mkdir" -p "/usr/pkg/share/b$b"
    for ((i = 0; i < ${#files[@]}; i++)); do ln -sf "$w/src" "$w/l$i"; done
    STAGE_DESTDIR=$s "$A/install" -m 644 -t "/usr/pkg/share/b$b" $(for ((i = 0; i < ${#files[@]}; i++)); do echo "$w/l$i"; done)
  done
  STAGE_DESTDIR=$s "$A/install" -m 644 "$w/src" /usr/pkg/share/warm
}

ir() {  # ir CMD...: the instructions callgrind counts for CMD
  local out=$w/cg.$RANDOM
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1
  awk '/^(summary|totals):/ {print $2; exit}' "$out"
  rm -f "$out"
}
syscalls() {  # syscalls CMD...: the system calls strace counts for CMD
  local out=$w/st.$RANDOM
  strace -f -c -o "$out" "$@" >/dev/null 2>&1
  awk '$NF == "total" {print $(NF-2) ; exit}' "$out"
  rm -f "$out"
}
faults() {  # faults CMD...: the minor page faults of CMD (each about 1-2 us here)
  local out=$w/pf.$RANDOM
  /usr/bin/time -o "$out" -f %R "$@" >/dev/null 2>&1
  cat "$out"
  rm -f "$out"
}

# The three counts measure the same transition: the database files are
# copied back before each measured call. Whether that one insert splits a
# B-tree page (moving the counts by 4%: 21k instructions, 9 system calls)
# depends on the records' sizes, so each count is the median over 3 stages.
snapshot() { (cd "$1" && for f in stage.stagedb*; do cp -p "$f" "snap.$f"; done); }
restore() {
  (cd "$1" && rm -f stage.stagedb* && for f in snap.stage.stagedb*; do cp -p "$f" "${f#snap.}"; done)
  rm -f "$1/stage/usr/pkg/share/f1"
}

med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%-12s %14s %10s %10s %8s\n' "kind" "instructions" "vs GNU" "syscalls" "faults"
g=""
for label in "${labels[@]}"; do
  ns="" ss="" fs=""
  for ((r = 0; r < 3; r++)); do
    dir=$w/$label.$r
    mkdir -p "$dir/out"
    if [ "$label" = gnu ]; then
      ns+="$(ir /usr/bin/install -m 644 "$w/src" "$dir/out/f1") "
      ss+="$(syscalls /usr/bin/install -m 644 "$w/src" "$dir/out/f2") "
      fs+="$(faults /usr/bin/install -m 644 "$w/src" "$dir/out/f3") "
      continue
    fi
    A=${dropins[$label]}
    make_stage "$dir" "$A"
    snapshot "$dir"
    restore "$dir"
    ns+="$(STAGE_DESTDIR="$dir/stage" ir "$A/install" -m 644 "$w/src" /usr/pkg/share/f1) "
    restore "$dir"
    ss+="$(STAGE_DESTDIR="$dir/stage" syscalls "$A/install" -m 644 "$w/src" /usr/pkg/share/f1) "
    restore "$dir"
    fs+="$(STAGE_DESTDIR="$dir/stage" faults "$A/install" -m 644 "$w/src" /usr/pkg/share/f1) "
    # The measured call must have recorded its file.
    "$top/build/bin/stage-ls" --destdir "$dir/stage" 2>/dev/null | grep -q '/usr/pkg/share/f1' ||
      { echo "call_cost.sh: $label: the measured call recorded nothing" >&2; exit 1; }
  done
  n=$(echo $ns | tr ' ' '\n' | med) s=$(echo $ss | tr ' ' '\n' | med) f=$(echo $fs | tr ' ' '\n' | med)
  [ "$label" = gnu ] && g=$n
  awk -v n="$n" -v g="$g" -v s="$s" -v f="$f" -v k="$label" 'BEGIN {printf "%-12s %14d %10.3f %10d %8d\n", k, n, n / g, s, f}'
done
