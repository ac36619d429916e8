#!/bin/bash
# Benchmark: stage-ls over a large stage when no file has to be hashed again
# (SPEC "Speed budget": 100,000 entries well under a second).
# Builds a stage of N entries (N/1000 directories of 1000 small files, recorded
# through sqlite3 in one transaction, as if installed), primes the digests with
# one mtree export, then times R interleaved rounds of every export format
# and prints the medians and each format's ratio to the mtree export (SPEC:
# every export within 1.2x of the mtree export).
# Usage: bench/stage_ls_100k.sh [N=100000] [R=9]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-100000}
R=${2:-9}
B=$top/build/bin
D=$top/build/libexec/stage/bin
w=$(mktemp -d /tmp/stage-bench.XXXXXX)
trap 'rm -rf "$w"' EXIT

mkdir "$w/stage"
# One real drop-in call creates the database with its schema.
STAGE_DESTDIR=$w/stage "$D/mkdir" -p /usr/pkg/share
python3 - "$w/stage" "$w/stage.stagedb" "$N" <<'PY'
import os, sqlite3, sys
root, db, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = sqlite3.connect(db)
rows = []
dirs = (n + 999) // 1000
made = 0
for d in range(dirs):
    logical_dir = "/usr/pkg/share/d%03d" % d
    os.mkdir(root + logical_dir)
    st = os.lstat(root + logical_dir)
    rows.append((logical_dir, "dir", 0o755, None, st))
    made += 1
    for f in range(1000):
        if made >= n:
            break
        logical = "%s/f%04d" % (logical_dir, f)
        with open(root + logical, "w") as fh:
            fh.write("file %d %d\n" % (d, f))
        rows.append((logical, "file", 0o644, None, os.lstat(root + logical)))
        made += 1
con.executemany(
    "INSERT OR REPLACE INTO entries(path,type,mode,uname,uid,gname,gid,size,sha256,target,flags,tool,"
    "dev,ino,mtime_ns,ctime_ns,disk_size,rdev) VALUES(?,?,?,'root',0,'root',0,?,NULL,NULL,NULL,'install',?,?,?,?,?,0)",
    [(p, t, m, st.st_size if t == "file" else None, st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns,
      st.st_size) for (p, t, m, _, st) in rows])
con.commit()
PY
entries=$("$B/stage-ls" --destdir "$w/stage" | wc -l)
echo "stage of $entries entries in $w/stage"

# Prime: the first export hashes every file and stores the digests.
s=$(date +%s%N); "$B/stage-ls" --destdir "$w/stage" --format mtree >/dev/null; e=$(date +%s%N)
echo "first mtree export (hashes all files): $(( (e - s) / 1000000 )) ms"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Interleaved runs: each round runs every export once, in turn, so that a
# change in the machine's load falls on all of them alike. Wall and CPU
# (user+sys: on a shared machine the wall time also counts other loads)
# medians, and each export's CPU median against the mtree export's.
formats=(ls mtree json fakeroot sh plist rpm freebsd pacman-mtree)
declare -A walls cpus
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < R; r++)); do
  for f in "${formats[@]}"; do
    s=$(date +%s%N)
    u=$( { /usr/bin/time -f '%U %S' "$B/stage-ls" --destdir "$w/stage" --format "$f" >/dev/null; } 2>&1 | tail -1)
    e=$(date +%s%N)
    walls[$f]+="$(( (e - s) / 1000000 )) "
    cpus[$f]+="$(echo "$u" | awk '{printf "%d", ($1 + $2) * 1000}') "
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
mtree_cpu=$(printf '%s\n' ${cpus[mtree]} | median)
mtree_wall=$(printf '%s\n' ${walls[mtree]} | median)
echo "medians of $R interleaved runs (digests reused):"
for f in "${formats[@]}"; do
  wall=$(printf '%s\n' ${walls[$f]} | median)
  cpu=$(printf '%s\n' ${cpus[$f]} | median)
  printf '  stage-ls --format %-13s %5s ms wall, %5s ms cpu  (%s x mtree cpu, %s x mtree wall)\n' "$f" "$wall" "$cpu" \
    "$(awk -v a="$cpu" -v b="$mtree_cpu" 'BEGIN {printf "%.2f", b ? a / b : 0}')" \
    "$(awk -v a="$wall" -v b="$mtree_wall" 'BEGIN {printf "%.2f", b ? a / b : 0}')"
done
