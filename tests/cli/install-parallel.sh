# make -j: many staged install and mkdir -p runs at once into one stage and
# one database lose no record and fail none (SQLite WAL and busy timeout).
. "$STAGE_SOURCE/tests/lib.sh"

new_stage
for i in $(seq 1 32); do echo "file $i" >"$T/f$i"; done
# 32 processes, each: mkdir -p a shared and an own directory, install 4 files.
for i in $(seq 1 32); do
  staged_nobody sh -c "
    '$D/mkdir' -p '$DESTDIR/usr/share/pkg/shared' '$DESTDIR/usr/share/pkg/d$i' &&
    '$D/install' -m 644 -o games '$T/f$i' '$DESTDIR/usr/share/pkg/shared/f$i' &&
    '$D/install' -D -m 4755 '$T/f$i' '$DESTDIR/usr/bin/p$i' &&
    '$D/install' -t '$DESTDIR/usr/share/pkg/d$i' '$T/f$i' &&
    '$D/install' -d -m 1777 '$DESTDIR/var/spool/q$i'" 2>"$T/err.$i" &
done
fails=0
for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
expect_eq "no run failed" 0 "$fails"
expect_eq "no run complained" "" "$(cat "$T"/err.*)"
expect_eq "every file is recorded" 96 "$(sqlite3 "$DESTDIR.stagedb" "select count(*) from entries where type='file'")"
expect_eq "every private directory is recorded" 64 \
  "$(sqlite3 "$DESTDIR.stagedb" "select count(*) from entries where type='dir' and (path like '/usr/share/pkg/d%' or path like '/var/spool/q%')")"
expect_eq "records match the files on disk" \
  "$(cd "$DESTDIR" && find . -mindepth 1 | sed 's/^\.//' | sort)" "$(db_rows | cut -d' ' -f1)"
expect_eq "the setuid records are intact" 32 \
  "$(sqlite3 "$DESTDIR.stagedb" "select count(*) from entries where path like '/usr/bin/p%' and mode=$((04755))")"
expect_eq "the database is sound" ok "$(sqlite3 "$DESTDIR.stagedb" 'pragma integrity_check')"
check "no temporary files" no_temp_files "$DESTDIR"

done_testing
