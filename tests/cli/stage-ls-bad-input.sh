# Bad input to stage-ls and stage-pack: no stage, a database of a newer
# schema, a corrupt database, a database that is not stage's. Each: a clear
# message naming the problem, exit status 1, nothing on stdout, no archive,
# the database untouched.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
build_stage
mkdir "$T/out" && chmod 777 "$T/out"

# try NAME EXPECTED-MESSAGE ARGS...: runs stage-ls and stage-pack with ARGS.
try() {
  local name=$1 message=$2
  shift 2
  local before
  before=$(cat "$T"/*.stagedb "$T"/*.stagedb-wal 2>/dev/null | sha256sum)
  as_nobody "$STAGE_BIN/stage-ls" "$@" >"$T/out/ls.out" 2>"$T/out/ls.err"
  expect_eq "$name: stage-ls exits 1" 1 $?
  expect_eq "$name: stage-ls writes nothing to stdout" "" "$(cat "$T/out/ls.out")"
  check "$name: stage-ls says: $message" grep -q "^stage-ls: .*$message" "$T/out/ls.err"
  as_nobody "$STAGE_BIN/stage-ls" --format mtree "$@" >"$T/out/ls.out" 2>/dev/null
  expect_eq "$name: mtree export writes nothing" "" "$(cat "$T/out/ls.out")"
  as_nobody "$STAGE_BIN/stage-pack" "$@" -o "$T/out/x.tar" 2>"$T/out/pack.err"
  expect_eq "$name: stage-pack exits 1" 1 $?
  check "$name: stage-pack says: $message" grep -q "^stage-pack: .*$message" "$T/out/pack.err"
  check "$name: no archive" test ! -e "$T/out/x.tar"
  expect_eq "$name: no temporary file" "" "$(ls -A "$T/out" | grep -v -e '^ls\.' -e '^pack\.')"
  # (SQLite may leave its -shm index beside a WAL database it read; the
  # database and its log are what must not change.)
  expect_eq "$name: databases untouched" "$before" "$(cat "$T"/*.stagedb "$T"/*.stagedb-wal 2>/dev/null | sha256sum)"
}

cd /
try "no stage given" "no stage given: use --destdir"
try "stage directory missing" "No such file or directory" --destdir "$T/nowhere"
try "database missing" "no stage database '$T/nowhere.stagedb'" --destdir "$T/dest" --db "$T/nowhere.stagedb"

cp "$T/dest.stagedb" "$T/newer.stagedb"
sqlite3 "$T/newer.stagedb" "PRAGMA user_version=99"
try "newer schema" "schema version 99, newer than this stage understands (5)" --destdir "$T/dest" --db "$T/newer.stagedb"

head -c 8192 /dev/urandom >"$T/corrupt.stagedb"
try "corrupt database" "cannot read database '$T/corrupt.stagedb': file is not a database" --destdir "$T/dest" --db "$T/corrupt.stagedb"

sqlite3 "$T/other.stagedb" "CREATE TABLE t(x)"
try "not a stage database" "'$T/other.stagedb' is not a stage database" --destdir "$T/dest" --db "$T/other.stagedb"

# The real stage is still fine afterwards.
stage_ls >/dev/null
expect_eq "the good stage still lists" 0 $?
done_testing
