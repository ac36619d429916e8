# Active install: SPEC's mapping rules, reads through the stage, what the
# database holds, atomic replacement.
. "$STAGE_SOURCE/tests/lib.sh"

new_stage
I=$D/install
echo host > "$T/src"
mkdir -m 777 "$T/real"
# Rule 1 (under DESTDIR) and rule 3 (mapped) land at the same logical path.
staged_nobody "$I" -D "$T/src" "$DESTDIR/usr/bin/a"
staged_nobody "$I" -D "$T/src" /usr/bin/b
expect_eq "rule 1 and rule 3 are staged" "/usr
/usr/bin
/usr/bin/a
/usr/bin/b" "$(db_rows | cut -d' ' -f1)"
check "rule 3 did not touch the host" test ! -e /usr/bin/b
# Rule 2: passthrough prefixes (/tmp by default) are the real filesystem.
staged_nobody "$I" "$T/src" "$T/real/passthrough"
check "rule 2 writes the real file" test -f "$T/real/passthrough"
expect_eq "rule 2 records nothing" "" "$(db_rows "where path like '%passthrough%'")"
# '..' is folded as written: DESTDIR/x/../../real/y is outside the stage.
staged_nobody "$I" "$T/src" "$DESTDIR/usr/../../real/folded"
check "a folded path outside the stage is not staged" test -f "$T/real/folded"
expect_eq "... and not recorded" "" "$(db_rows "where path like '%folded%'")"
# Rule 4: outside STAGE_MAP and not passthrough: the real filesystem.
staged_nobody STAGE_MAP=/usr/pkg STAGE_PASSTHROUGH= "$I" "$T/src" "$T/real/rule4"
check "rule 4 writes the real file" test -f "$T/real/rule4"
staged_nobody STAGE_MAP=/usr/pkg STAGE_PASSTHROUGH= "$I" -D "$T/src" /usr/pkg/bin/mapped
check "STAGE_MAP prefixes are staged" test -f "$DESTDIR/usr/pkg/bin/mapped"
# Relative operands resolve against the working directory.
(cd "$DESTDIR/usr" && staged_nobody "$I" "$T/src" bin/relative)
expect_eq "a relative operand inside the stage" "file" "$(db_row /usr/bin/relative | cut -d' ' -f1)"

# Reads: a staged source is read from the stage, a mapped one from the
# stage when there, else from the host.
echo staged > "$T/content"
staged_nobody "$I" -D "$T/content" "$DESTDIR/etc/profile"
staged_nobody "$I" /etc/profile "$DESTDIR/etc/copy-of-staged"
expect_eq "a mapped source present in the stage is read there" staged "$(cat "$DESTDIR/etc/copy-of-staged")"
staged_nobody "$I" /etc/hostname "$DESTDIR/etc/copy-of-host"
check "a mapped source absent from the stage is read from the host" cmp -s /etc/hostname "$DESTDIR/etc/copy-of-host"
staged_nobody "$I" "$DESTDIR/etc/nope" "$DESTDIR/etc/x" 2>"$T/err"
expect_eq "a rule 1 source is only ever the stage" "$I: cannot stat '$DESTDIR/etc/nope': No such file or directory" \
  "$(cat "$T/err")"

# What is recorded: type, mode, owner, size, disk identity, the tool.
row=$(sqlite3 -separator ' ' "$DESTDIR.stagedb" "select type,mode,size,tool,ino,dev from entries where path='/usr/bin/a'")
expect_eq "a file's record" "file $((0755)) 5 install $(stat -c '%i %d' "$DESTDIR/usr/bin/a")" "$row"
staged_nobody sh -c "cd '$T' && PATH='$D' ginstall src '$DESTDIR/usr/bin/g'"
expect_eq "the tool is the name it ran as, without its directory" "ginstall" \
  "$(sqlite3 "$DESTDIR.stagedb" "select tool from entries where path='/usr/bin/g'")"
check "the database is a sibling of the stage" test -f "$T/stage.stagedb"
expect_eq "the database is in WAL mode" wal "$(sqlite3 "$DESTDIR.stagedb" 'pragma journal_mode')"

# Replacing a staged file: a new inode (atomic rename), the record follows.
old_ino=$(stat -c %i "$DESTDIR/usr/bin/a")
echo newer > "$T/src2"
staged_nobody "$I" -m 700 "$T/src2" "$DESTDIR/usr/bin/a"
check "replaced by rename" test "$(stat -c %i "$DESTDIR/usr/bin/a")" != "$old_ino"
expect_eq "the record follows" "file 700 root root" "$(db_row /usr/bin/a)"
expect_eq "one record per path" 1 "$(sqlite3 "$DESTDIR.stagedb" "select count(*) from entries where path='/usr/bin/a'")"

# A staged symlink as the destination is replaced, never written through.
echo precious > "$OUTSIDE/victim"
chmod 666 "$OUTSIDE/victim"
as_nobody ln -s "$OUTSIDE/victim" "$DESTDIR/usr/bin/link"
staged_nobody "$I" "$T/src" "$DESTDIR/usr/bin/link"
expect_eq "the outside file is untouched" precious "$(cat "$OUTSIDE/victim")"
check "the symlink was replaced by a file" test -f "$DESTDIR/usr/bin/link" -a ! -L "$DESTDIR/usr/bin/link"

# STAGE_DB elsewhere; STAGE_TRACE gets one line per operation.
staged_nobody STAGE_DB="$T/other.db" STAGE_TRACE="$T/trace" "$I" -D -o games -m 640 "$T/src" /var/lib/x
expect_eq "STAGE_DB is used" "file 640 games root" \
  "$(sqlite3 -separator ' ' "$T/other.db" "select type,printf('%o',mode),uname,gname from entries where path='/var/lib/x'")"
check "STAGE_DB: not in the default database" test -z "$(db_rows "where path='/var/lib/x'")"
check "STAGE_TRACE names the operation" grep -q '/var/lib/x 0640 games:root' "$T/trace"
expect_eq "STAGE_TRACE: a line per recorded entry (/var, /var/lib, /var/lib/x)" 3 "$(wc -l < "$T/trace")"

# A mapped prefix in an empty stage: what lies above it is made there too.
new_stage
staged_nobody STAGE_MAP=/usr/pkg "$D/mkdir" -p /usr/pkg/share/doc
staged_nobody STAGE_MAP=/usr/pkg "$I" -D "$T/src" /usr/pkg/lib/x
staged_nobody STAGE_MAP=/usr/pkg "$I" -d /usr/pkg/etc
expect_eq "STAGE_MAP=/usr/pkg in an empty stage" "/usr dir
/usr/pkg dir
/usr/pkg/etc dir
/usr/pkg/lib dir
/usr/pkg/lib/x file
/usr/pkg/share dir
/usr/pkg/share/doc dir" "$(db_rows | cut -d' ' -f1,2)"

done_testing
