#!/bin/bash
# A database deleted beside a stage that holds its files is refused (SPEC:
# "missing while the stage holds files"), naming both, and nothing changes;
# files that reached a stage before its first drop-in (no database yet) are
# still fine, and so is an emptied stage whose database is gone.
. "$STAGE_SOURCE/tests/lib.sh"

getattr() { python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], sys.argv[2]).decode())' "$@" 2>/dev/null; }
touch probe
python3 -c 'import os; os.setxattr("probe", "user.probe", b"1")' 2>/dev/null ||
  skip_test "the file system of /tmp has no user extended attributes"

echo data >src

for who in root nobody; do
  run() { if [ "$who" = nobody ]; then as_nobody "$@"; else "$@"; fi; }
  w=$T/$who && mkdir "$w" && chmod 777 "$w"
  stage=$w/stage db=$w/stage.stagedb
  mkdir "$stage" && chmod 777 "$stage"

  # Files copied in before any drop-in ran: the first drop-in creates the database.
  mkdir -p "$stage/usr/share" && cp src "$stage/usr/share/early"
  chmod -R a+rwX "$stage"
  check "$who: first drop-in beside earlier files" \
    run env STAGE_DESTDIR="$stage" "$D/install" -D -m 644 src /usr/bin/tool
  check "$who: database created" test -s "$db"
  expect_eq "$who: the stage remembers its database" "$db" "$(getattr "$stage" user.stage.database)"

  # The database is deleted; the stage keeps its files: refused, nothing made.
  rm -f "$db" "$db-wal" "$db-shm"
  before=$(cd "$stage" && find . -printf '%p %m %s\n' | LC_ALL=C sort)
  out=$(run env STAGE_DESTDIR="$stage" "$D/install" -m 644 src /usr/bin/other 2>&1); rc=$?
  expect_eq "$who: refused" 1 "$rc"
  case $out in
    *"database '$db' is missing, but the stage '$stage' holds files recorded in '$db'"*) pass "$who: message names both" ;;
    *) fail "$who: message: $out" ;;
  esac
  check "$who: no database made" test ! -e "$db"
  expect_eq "$who: stage unchanged" "$before" "$(cd "$stage" && find . -printf '%p %m %s\n' | LC_ALL=C sort)"
  out=$(run "$STAGE_BIN/stage-run" --destdir "$stage" -- true 2>&1); rc=$?
  check "$who: stage-run refuses too ($rc)" test "$rc" -ne 0
  check "$who: stage-run names it" grep -q "is missing, but the stage" <<<"$out"

  # An emptied stage has nothing to lose: a new database is fine.
  rm -rf "${stage:?}"/*
  check "$who: emptied stage starts afresh" \
    run env STAGE_DESTDIR="$stage" "$D/install" -D -m 644 src /usr/bin/tool
  check "$who: new database" test -s "$db"
done
done_testing
