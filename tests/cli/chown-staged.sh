# chown and chgrp, active: only the record changes, never the disk; names the
# target's databases do not know are recorded by name unless STAGE_STRICT=1;
# --reference reads a staged reference's record; -h changes a symlink's own
# record; --from compares with the record; failures record nothing.
. "$STAGE_SOURCE/tests/lib.sh"
export STAGE_DESTDIR=$T/stage STAGE_DB=$T/stage.db
mkdir -p "$STAGE_DESTDIR"
DB=$STAGE_DB
rec() { sqlite3 "$DB" "select printf('%s %04o %s/%s:%s/%s', type, mode, uname, uid, gname, gid) from entries where path='$1'"; }
owner_on_disk() { stat -c %u:%g "$STAGE_DESTDIR$1"; }
echo hi >"$T/src"
me=$(id -u):$(id -g)

"$D/install" -D -m 4755 "$T/src" /usr/bin/tool
"$D/chown" bin:staff /usr/bin/tool
# chown(2) clears setuid, as a root install's kernel does (tests/cli/staged-setid-like-root.sh).
expect_eq "owner and group recorded with ids (setuid cleared)" "file 0755 bin/2:staff/50" "$(rec /usr/bin/tool)"
expect_eq "disk ownership untouched" "$me" "$(owner_on_disk /usr/bin/tool)"

"$D/chown" root:wheel /usr/bin/tool
expect_eq "unknown group recorded by name" "file 0755 root/0:wheel/" "$(rec /usr/bin/tool)"
"$D/chown" pkgsrc /usr/bin/tool
expect_eq "unknown owner recorded by name" "file 0755 pkgsrc/:wheel/" "$(rec /usr/bin/tool)"
err=$("$D/chown" pkgsrc: /usr/bin/tool 2>&1); rc=$?
expect_eq "unknown owner's login group cannot be known" "$D/chown: invalid spec: 'pkgsrc:'" "$err"
expect_eq "invalid spec status" 1 "$rc"

err=$(STAGE_STRICT=1 "$D/chown" root:wheel /usr/bin/tool 2>&1); rc=$?
expect_eq "strict: unknown group is GNU's error" "$D/chown: invalid group: 'root:wheel'" "$err"
expect_eq "strict: status" 1 "$rc"
expect_eq "strict: record unchanged" "file 0755 pkgsrc/:wheel/" "$(rec /usr/bin/tool)"

"$D/chgrp" games /usr/bin/tool
expect_eq "chgrp records the group" "file 0755 pkgsrc/:games/60" "$(rec /usr/bin/tool)"
"$D/chown" 0.0 /usr/bin/tool 2>"$T/err"
expect_eq "OWNER.GROUP warns as GNU" "$D/chown: warning: '.' should be ':': '0.0'" "$(cat "$T/err")"
expect_eq "OWNER.GROUP recorded" "file 0755 root/0:root/0" "$(rec /usr/bin/tool)"
"$D/chown" root.wheel /usr/bin/tool 2>/dev/null
expect_eq "root.wheel with an unknown group" "file 0755 root/0:wheel/" "$(rec /usr/bin/tool)"
"$D/chown" +5:+60 /usr/bin/tool
expect_eq "+N ids" "file 0755 games/5:games/60" "$(rec /usr/bin/tool)"
err=$("$D/chown" 0: /usr/bin/tool 2>&1)
expect_eq "0: is invalid as in GNU" "$D/chown: invalid spec: '0:'" "$err"
"$D/chown" games: /usr/bin/tool
expect_eq "OWNER: takes the login group" "file 0755 games/5:games/60" "$(rec /usr/bin/tool)"

# --from compares with the record.
"$D/chown" --from=root bin /usr/bin/tool
expect_eq "--from not matching: unchanged" "file 0755 games/5:games/60" "$(rec /usr/bin/tool)"
"$D/chown" --from=games:games bin /usr/bin/tool
expect_eq "--from matching: changed" "file 0755 bin/2:games/60" "$(rec /usr/bin/tool)"

# -v speaks of the record.
out=$("$D/chown" -v daemon:staff /usr/bin/tool)
expect_eq "-v from the record" "changed ownership of '/usr/bin/tool' from bin:games to daemon:staff" "$out"

# Untracked file: default owner and group, on-disk mode, then the change.
mkdir -p "$STAGE_DESTDIR/usr/lib"
cp "$T/src" "$STAGE_DESTDIR/usr/lib/copied"
/bin/chmod 640 "$STAGE_DESTDIR/usr/lib/copied"
"$D/chgrp" staff "$STAGE_DESTDIR/usr/lib/copied"
expect_eq "untracked file gets a record" "file 0640 root/0:staff/50" "$(rec /usr/lib/copied)"

# Symlinks: followed in the stage by default, their own record with -h.
ln -s tool "$STAGE_DESTDIR/usr/bin/alias"
"$D/chown" -h bin /usr/bin/alias
expect_eq "-h records the symlink itself" "link 0777 bin/2:root/0" "$(rec /usr/bin/alias)"
sqlite3 "$DB" "select target from entries where path='/usr/bin/alias'" >"$T/t"
expect_eq "its target text recorded" "tool" "$(cat "$T/t")"
"$D/chown" games /usr/bin/alias
expect_eq "without -h the referent changes" "file 0755 games/5:staff/50" "$(rec /usr/bin/tool)"
ln -s /etc/passwd "$STAGE_DESTDIR/usr/bin/escape"
before=$(stat -c %u:%g /etc/passwd)
err=$("$D/chown" bin /usr/bin/escape 2>&1)
expect_eq "an absolute symlink stays in the stage" "$D/chown: cannot dereference '/usr/bin/escape': No such file or directory" "$err"
expect_eq "host file untouched" "$before" "$(stat -c %u:%g /etc/passwd)"

# --reference reads the staged reference's record.
"$D/install" -m 644 "$T/src" /usr/bin/other
"$D/chown" --reference=/usr/bin/tool /usr/bin/other
expect_eq "--reference from the record" "file 0644 games/5:staff/50" "$(rec /usr/bin/other)"
"$D/chgrp" --reference="$STAGE_DESTDIR/usr/lib/copied" /usr/bin/other
expect_eq "chgrp --reference from the record" "file 0644 games/5:staff/50" "$(rec /usr/bin/other)"

# -R changes every record below, the disk never.
"$D/mkdir" -p /var/games/pkg/sub
"$D/install" -m 664 "$T/src" /var/games/pkg/sub/scores
"$D/chown" -R games:games /var/games/pkg
expect_eq "-R: directory" "dir 0755 games/5:games/60" "$(rec /var/games/pkg/sub)"
expect_eq "-R: file" "file 0664 games/5:games/60" "$(rec /var/games/pkg/sub/scores)"
expect_eq "-R: disk untouched" "$me" "$(owner_on_disk /var/games/pkg/sub/scores)"

# Failures record nothing and the other operands still change.
n=$(sqlite3 "$DB" "select count(*) from entries")
err=$("$D/chgrp" bin /usr/bin/nothere /usr/bin/other 2>&1); rc=$?
expect_eq "missing operand message" "$D/chgrp: cannot access '/usr/bin/nothere': No such file or directory" "$err"
expect_eq "missing operand status" 1 "$rc"
expect_eq "the other operand changed" "file 0644 games/5:bin/2" "$(rec /usr/bin/other)"
expect_eq "no new records" "$n" "$(sqlite3 "$DB" "select count(*) from entries")"
err=$("$D/chown" 2>&1); rc=$?
expect_eq "no operand" "$D/chown: missing operand
Try '$D/chown --help' for more information." "$err"

done_testing
