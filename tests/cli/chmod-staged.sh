# chmod, active: the recorded mode changes (setid and sticky bits kept in the
# record), the disk follows the stage's rule, symbolic modes and X apply to
# the recorded mode, -R walks the stage without leaving it, untracked files
# get a record, failures record nothing.
. "$STAGE_SOURCE/tests/lib.sh"
export STAGE_DESTDIR=$T/stage STAGE_DB=$T/stage.db
mkdir -p "$STAGE_DESTDIR"
DB=$STAGE_DB
rec() { sqlite3 "$DB" "select printf('%s %04o %s:%s', type, mode, coalesce(uname,uid), coalesce(gname,gid)) from entries where path='$1'"; }
disk() { stat -c %a "$STAGE_DESTDIR$1"; }
echo hi >"$T/src"

"$D/install" -D -m 755 "$T/src" /usr/bin/tool
"$D/chmod" 4755 /usr/bin/tool
expect_eq "setuid kept in the record" "file 4755 root:root" "$(rec /usr/bin/tool)"
expect_eq "no setuid on disk" 755 "$(disk /usr/bin/tool)"

"$D/chmod" g+w,o+t /usr/bin/tool
expect_eq "symbolic mode applies to the recorded mode" "file 5775 root:root" "$(rec /usr/bin/tool)"
expect_eq "no group write or sticky on disk" 755 "$(disk /usr/bin/tool)"

"$D/chmod" 000 /usr/bin/tool
expect_eq "mode 000 recorded" "file 0000 root:root" "$(rec /usr/bin/tool)"
expect_eq "owner keeps rw on disk" 600 "$(disk /usr/bin/tool)"

# X looks at the recorded execute bits, not at the disk's.
"$D/install" -D -m 644 "$T/src" /usr/share/doc/readme
/bin/chmod 700 "$STAGE_DESTDIR/usr/share/doc/readme"
"$D/chmod" a+X /usr/share/doc/readme
expect_eq "X without recorded x adds nothing" "file 0644 root:root" "$(rec /usr/share/doc/readme)"
"$D/chmod" u+x /usr/share/doc/readme
"$D/chmod" a+X /usr/share/doc/readme
expect_eq "X with recorded u+x adds x for all" "file 0755 root:root" "$(rec /usr/share/doc/readme)"

# Verbose output speaks of the recorded mode.
out=$("$D/chmod" -v 4711 /usr/share/doc/readme)
expect_eq "-v shows recorded modes" "mode of '/usr/share/doc/readme' changed from 0755 (rwxr-xr-x) to 4711 (rws--x--x)" "$out"

# A file cp put there: default owner and group, on-disk mode, then the change.
mkdir -p "$STAGE_DESTDIR/usr/lib"
cp "$T/src" "$STAGE_DESTDIR/usr/lib/copied"
/bin/chmod 640 "$STAGE_DESTDIR/usr/lib/copied"
STAGE_OWNER=bin STAGE_GROUP=staff "$D/chmod" g+w "$STAGE_DESTDIR/usr/lib/copied"
expect_eq "untracked file recorded with defaults" "file 0660 bin:staff" "$(rec /usr/lib/copied)"

# -R walks the stage; a symlink out of it is not followed.
"$D/mkdir" -p -m 777 /usr/share/games/data
"$D/install" -m 666 "$T/src" /usr/share/games/data/scores
ln -s /etc "$STAGE_DESTDIR/usr/share/games/etc"
before=$(stat -c %a /etc)
"$D/chmod" -R go-w /usr/share/games
expect_eq "-R changed the directory" "dir 0755 root:root" "$(rec /usr/share/games/data)"
expect_eq "-R changed the file" "file 0644 root:root" "$(rec /usr/share/games/data/scores)"
expect_eq "-R left the host's /etc alone" "$before" "$(stat -c %a /etc)"
expect_eq "a symlink is not given a mode" "" "$(rec /usr/share/games/etc)"

# A symlink operand is followed inside the stage: /etc there is missing.
err=$("$D/chmod" 700 /usr/share/games/etc 2>&1); rc=$?
expect_eq "dangling in the stage" "$D/chmod: cannot operate on dangling symlink '/usr/share/games/etc'" "$err"
expect_eq "dangling exit status" 1 "$rc"
expect_eq "host /etc untouched" "$before" "$(stat -c %a /etc)"
mkdir -p "$STAGE_DESTDIR/etc"
"$D/chmod" 700 /usr/share/games/etc
expect_eq "an absolute symlink resolves in the stage" "dir 0700 root:root" "$(rec /etc)"
expect_eq "host /etc still untouched" "$before" "$(stat -c %a /etc)"

# --reference reads the staged reference's record.
"$D/install" -m 644 "$T/src" /usr/bin/other
"$D/chmod" 4755 /usr/bin/tool
"$D/chmod" --reference=/usr/bin/tool /usr/bin/other
expect_eq "--reference copies the recorded setuid mode" "file 4755 root:root" "$(rec /usr/bin/other)"

# Failures: invalid mode, missing operands record nothing; others still go on.
count() { sqlite3 "$DB" "select count(*) from entries"; }
n=$(count)
err=$("$D/chmod" q+z /usr/bin/tool 2>&1); rc=$?
expect_eq "invalid mode message" "$D/chmod: invalid mode: 'q+z'
Try '$D/chmod --help' for more information." "$err"
expect_eq "invalid mode status" 1 "$rc"
err=$("$D/chmod" 600 /usr/bin/missing /usr/bin/other 2>&1); rc=$?
expect_eq "missing operand message" "$D/chmod: cannot access '/usr/bin/missing': No such file or directory" "$err"
expect_eq "missing operand status" 1 "$rc"
expect_eq "the other operand still changed" "file 0600 root:root" "$(rec /usr/bin/other)"
expect_eq "nothing recorded for the missing one" "" "$(rec /usr/bin/missing)"
expect_eq "no stray records" "$n" "$(count)"

# Hard links share one inode: chmod of either name changes both records.
"$D/ln" "$STAGE_DESTDIR/usr/bin/tool" "$STAGE_DESTDIR/usr/bin/tool-link"
"$D/chmod" 2711 /usr/bin/tool-link
expect_eq "hard link record changed" "hardlink 2711 root:root" "$(rec /usr/bin/tool-link)"
expect_eq "its primary changed too" "file 2711 root:root" "$(rec /usr/bin/tool)"
"$D/chmod" 755 /usr/bin/tool
expect_eq "chmod of the primary changes the hard link's record" "hardlink 0755 root:root" "$(rec /usr/bin/tool-link)"
"$D/chown" bin /usr/bin/tool
expect_eq "chown of the primary too" "hardlink 0755 bin:root" "$(rec /usr/bin/tool-link)"

# -R over more records than the commit updates one by one (it then updates
# the range at once): the same records as single changes would give.
mkdir -p "$T/many"
for i in $(seq 100 199); do echo "$i" >"$T/many/f$i"; done
"$D/install" -d /opt/many/sub
"$D/install" -m 644 -t /opt/many/sub "$T"/many/f*
"$D/ln" "$STAGE_DESTDIR/opt/many/sub/f100" "$STAGE_DESTDIR/opt/many/hard"      # a hard link inside the tree
"$D/ln" "$STAGE_DESTDIR/opt/many/sub/f101" "$STAGE_DESTDIR/opt/outside-hard"   # and one outside it
"$D/ln" -s sub/f102 "$STAGE_DESTDIR/opt/many/sym"
echo untracked >"$STAGE_DESTDIR/opt/many/sub/untracked"
"$D/install" -m 600 "$T/src" /opt/many/gone && rm "$STAGE_DESTDIR/opt/many/gone"  # a record without a file
before=$(count)
"$D/chmod" -R g+w,o-r /opt/many
expect_eq "-R: every file's record changed" 100 \
  "$(sqlite3 "$DB" "select count(*) from entries where path like '/opt/many/sub/f%' and mode=$((8#0660)) and tool='chmod'")"
expect_eq "-R: the directory's record changed" "dir 0771 root:root" "$(rec /opt/many/sub)"
expect_eq "-R: the hard link inside changed" "hardlink 0660 root:root" "$(rec /opt/many/hard)"
expect_eq "-R: the hard link outside changed with its file" "hardlink 0660 root:root" "$(rec /opt/outside-hard)"
expect_eq "-R: the symlink's record kept" "link 0777 root:root" "$(rec /opt/many/sym)"
expect_eq "-R: the untracked file got a record" "file 0660 root:root" "$(rec /opt/many/sub/untracked)"
expect_eq "-R: the record without a file kept" "file 0600 root:root" "$(rec /opt/many/gone)"
expect_eq "-R: one record more (the untracked file)" $((before + 1)) "$(count)"
"$D/chown" -R bin /opt/many
expect_eq "chown -R: every file's owner changed, the mode kept" 100 \
  "$(sqlite3 "$DB" "select count(*) from entries where path like '/opt/many/sub/f%' and uname='bin' and mode=$((8#0660)) and tool='chown'")"
expect_eq "chown -R: the hard link outside changed with its file" "hardlink 0660 bin:root" "$(rec /opt/outside-hard)"
expect_eq "chown -R: the record without a file kept" "file 0600 root:root" "$(rec /opt/many/gone)"
expect_eq "database sound" ok "$(sqlite3 "$DB" "pragma integrity_check")"

# Rule 3: a path the Makefile writes without DESTDIR lands in the stage.
STAGE_MAP=/usr/pkg "$D/install" -D -m 755 "$T/src" /usr/pkg/bin/prog
STAGE_MAP=/usr/pkg "$D/chmod" u+s /usr/pkg/bin/prog
expect_eq "mapped path changed in the record" "file 4755 root:root" "$(rec /usr/pkg/bin/prog)"
check "mapped path never reached the host" test ! -e /usr/pkg/bin/prog

done_testing
