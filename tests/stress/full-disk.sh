# stress/full-disk: a full or read-only filesystem, for the stage and for the
# database separately (small tmpfs mounts; needs root, as CI is). Each failure
# exits 1 with a message (naming the database when it is the database), and
# leaves the stage and the database as they were: no new file, no replaced
# content, no record, no temporary file.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/stress/stress_lib.bash"
command -v sqlite3 >/dev/null || { echo "skip: sqlite3 (scripts/setup) is missing"; exit 77; }
[ "$MY_UID" = 0 ] || { echo "skip: mounting tmpfs needs root"; exit 77; }
mkdir sfs dfs
mount -t tmpfs -o size=2m,mode=755 tmpfs sfs || { echo "skip: cannot mount tmpfs here"; exit 77; }
mount -t tmpfs -o size=2m,mode=755 tmpfs dfs || { umount sfs; echo "skip: cannot mount tmpfs here"; exit 77; }
trap 'umount "$T/sfs" "$T/dfs" 2>/dev/null; rm -rf "$T"' EXIT
export STAGE_DESTDIR=$T/sfs/stage STAGE_DB=$T/dfs/db
mkdir "$STAGE_DESTDIR"
echo old >old; echo new >new; head -c 3000000 /dev/zero >big
"$D/install" -D -m 644 old "$STAGE_DESTDIR/usr/share/kept"
"$D/install" -d "$STAGE_DESTDIR/usr/bin"
# What ln, chmod and install-info replace or change: a symlink, a file, a dir file.
"$D/ln" -s old-target "$STAGE_DESTDIR/usr/share/link"
"$D/install" -m 644 old "$STAGE_DESTDIR/usr/share/victim"
# Enough records for chmod -R's commit to update them as one range (64 or more).
mkdir many; for i in $(seq 100 179); do echo $i >many/f$i; done
"$D/install" -d "$STAGE_DESTDIR/usr/share/many"
"$D/install" -m 644 -t "$STAGE_DESTDIR/usr/share/many" many/f*
for m in zed yak; do
  printf 'INFO-DIR-SECTION Animals\nSTART-INFO-DIR-ENTRY\n* %s: (%s).  An animal.\nEND-INFO-DIR-ENTRY\n' $m $m >$m.info
  "$D/install" -D -m 644 $m.info "$STAGE_DESTDIR/usr/share/info/$m.info"
done
"$D/install-info" "$STAGE_DESTDIR/usr/share/info/zed.info" "$STAGE_DESTDIR/usr/share/info/dir"
# The stage's objects (symlink texts too) and contents, and the database's bytes (its main file and WAL).
snapshot() { (cd "$STAGE_DESTDIR" && find . -printf '%p %y %m %s %l\n' -type f -exec cksum {} + | sort); cksum <"$STAGE_DB"; cksum <"$STAGE_DB-wal"; }
before=$(snapshot)

# try NAME EXPECTED-MESSAGE-PART CMD...: must fail, say so, change nothing.
try() {
  local name=$1 msg=$2 out rc
  shift 2
  out=$("$@" 2>&1); rc=$?
  expect_eq "$name: exit status" 1 "$rc"
  case $out in *"$msg"*) pass "$name: message";; *) fail "$name: message: [$out] lacks [$msg]";; esac
  expect_eq "$name: stage and database unchanged" "$before" "$(snapshot)"
  expect_eq "$name: no temporary file" "" "$(temporaries "$T/sfs" "$T/dfs")"
}

check "the database is sound" db_ok "$STAGE_DB"
# The stage's filesystem is full.
try "stage full: install of a large file" "No space left on device" "$D/install" big "$STAGE_DESTDIR/usr/bin/big"

# The database's filesystem is full: the files are written, the commit fails, they are taken back.
head -c 4000000 /dev/zero >"$T/dfs/fill" 2>/dev/null
try "database full: install of a new file" "database '$STAGE_DB'" "$D/install" new "$STAGE_DESTDIR/usr/bin/new"
try "database full: install over a file" "database '$STAGE_DB'" "$D/install" -m 600 new "$STAGE_DESTDIR/usr/share/kept"
try "database full: install -D" "database '$STAGE_DB'" "$D/install" -D new "$STAGE_DESTDIR/usr/lib/x/y/new"
try "database full: mkdir -p" "database '$STAGE_DB'" "$D/mkdir" -p "$STAGE_DESTDIR/usr/share/d/e"
S=$STAGE_DESTDIR
try "database full: ln -s" "database '$STAGE_DB'" "$D/ln" -s x "$S/usr/bin/newlink"
try "database full: ln (hard link)" "database '$STAGE_DB'" "$D/ln" "$S/usr/share/kept" "$S/usr/bin/hard"
try "database full: ln -sf over a symlink" "database '$STAGE_DB'" "$D/ln" -sf new-target "$S/usr/share/link"
try "database full: ln -sf over a file" "database '$STAGE_DB'" "$D/ln" -sf new-target "$S/usr/share/victim"
try "database full: ln -f over a file" "database '$STAGE_DB'" "$D/ln" -f "$S/usr/share/kept" "$S/usr/share/victim"
try "database full: ln -sf --backup" "database '$STAGE_DB'" "$D/ln" -sf --backup=numbered x "$S/usr/share/link"
try "database full: chmod" "database '$STAGE_DB'" "$D/chmod" 600 "$S/usr/share/kept"
try "database full: chmod -R" "database '$STAGE_DB'" "$D/chmod" -R go-rx "$S/usr"
try "database full: install-info (dir file updated)" "database '$STAGE_DB'" \
  "$D/install-info" "$S/usr/share/info/yak.info" "$S/usr/share/info/dir"
try "database full: install-info (dir file made)" "database '$STAGE_DB'" \
  "$D/install-info" "$S/usr/share/info/yak.info" "$S/usr/share/info/dir2"
rm -f "$T/dfs/fill"

# The database's filesystem is read-only: refused before the stage changes.
mount -o remount,ro "$T/dfs"
try "database read-only: install" "database '$STAGE_DB'" "$D/install" new "$STAGE_DESTDIR/usr/bin/new"
try "database read-only: mkdir" "database '$STAGE_DB'" "$D/mkdir" "$STAGE_DESTDIR/usr/share/d"
mount -o remount,rw "$T/dfs"

# A database file the user may not write (as nobody; root may write anything).
chmod 444 "$STAGE_DB"
chmod 777 "$STAGE_DESTDIR" "$STAGE_DESTDIR/usr/bin" "$T/dfs"
before=$(snapshot)
try "database not writable (nobody): install" "database '$STAGE_DB'" \
  as_nobody env STAGE_DESTDIR="$STAGE_DESTDIR" STAGE_DB="$STAGE_DB" "$D/install" new "$STAGE_DESTDIR/usr/bin/new"
chmod 644 "$STAGE_DB"
chmod 755 "$STAGE_DESTDIR" "$STAGE_DESTDIR/usr/bin" "$T/dfs"
before=$(snapshot)

# The stage's filesystem is read-only.
mount -o remount,ro "$T/sfs"
try "stage read-only: install" "Read-only file system" "$D/install" new "$STAGE_DESTDIR/usr/bin/new"
try "stage read-only: chmod" "Read-only file system" "$D/chmod" 600 "$STAGE_DESTDIR/usr/share/kept"
mount -o remount,rw "$T/sfs"
check "the database is still sound" db_ok "$STAGE_DB"
done_testing
