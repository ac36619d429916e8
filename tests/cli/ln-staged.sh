# ln, active: links are made in the stage and recorded; symlink text is
# stored as given; -r is relative between logical locations; hard links to
# staged files stay in the stage as hard-link records; a hard link from
# outside becomes a recorded copy; -f and -b keep the records right; nothing
# ever lands outside the stage.
. "$STAGE_SOURCE/tests/lib.sh"
export STAGE_DESTDIR=$T/stage STAGE_DB=$T/stage.db
mkdir -p "$STAGE_DESTDIR"
DB=$STAGE_DB
rec() { sqlite3 "$DB" "select printf('%s %04o %s:%s %s', type, mode, uname, gname, coalesce(target,'')) from entries where path='$1'"; }
echo hi >"$T/src"

"$D/install" -D -m 755 "$T/src" /usr/pkg/lib/libx.so.1
"$D/ln" -sr /usr/pkg/lib/libx.so.1 /usr/pkg/lib/libx.so
expect_eq "-r between logical locations" "libx.so.1" "$(readlink "$STAGE_DESTDIR/usr/pkg/lib/libx.so")"
expect_eq "symlink recorded" "link 0777 root:root libx.so.1" "$(rec /usr/pkg/lib/libx.so)"
check "host /usr/pkg untouched" test ! -e /usr/pkg/lib/libx.so

"$D/mkdir" -p /usr/pkg/share/x
"$D/ln" -sr "$STAGE_DESTDIR/usr/pkg/lib/libx.so.1" /usr/pkg/share/x/libx-link
expect_eq "-r from a DESTDIR name to a mapped name" "../../lib/libx.so.1" "$(readlink "$STAGE_DESTDIR/usr/pkg/share/x/libx-link")"

"$D/ln" -s ../../etc/some/where "$STAGE_DESTDIR/usr/pkg/text"
expect_eq "symlink text stored exactly" "link 0777 root:root ../../etc/some/where" "$(rec /usr/pkg/text)"
"$D/ln" -s "$STAGE_DESTDIR/abs" "$STAGE_DESTDIR/usr/pkg/abs"
expect_eq "text is never rewritten, even with DESTDIR in it" "$STAGE_DESTDIR/abs" "$(readlink "$STAGE_DESTDIR/usr/pkg/abs")"

# Hard links inside the stage.
"$D/chown" bin:staff /usr/pkg/lib/libx.so.1
"$D/ln" /usr/pkg/lib/libx.so.1 /usr/pkg/lib/libx-hard
expect_eq "hard link recorded as such" "hardlink 0755 bin:staff /usr/pkg/lib/libx.so.1" "$(rec /usr/pkg/lib/libx-hard)"
expect_eq "shares the inode in the stage" \
  "$(stat -c %i "$STAGE_DESTDIR/usr/pkg/lib/libx.so.1")" "$(stat -c %i "$STAGE_DESTDIR/usr/pkg/lib/libx-hard")"
"$D/ln" /usr/pkg/lib/libx-hard /usr/pkg/lib/libx-hard2
expect_eq "a link to a link names the first file" "hardlink 0755 bin:staff /usr/pkg/lib/libx.so.1" "$(rec /usr/pkg/lib/libx-hard2)"

# A hard link from outside the stage is a copy.
echo outside >"$T/outside"
/bin/chmod 640 "$T/outside"
"$D/ln" "$T/outside" /usr/pkg/etc-copy 2>/dev/null || "$D/mkdir" -p /usr/pkg
"$D/ln" -f "$T/outside" /usr/pkg/etc-copy
expect_eq "copy recorded as a file with the source's mode" "file 0640 root:root " "$(rec /usr/pkg/etc-copy)"
check "copy is not the outside inode" test "$(stat -c %i "$T/outside")" != "$(stat -c %i "$STAGE_DESTDIR/usr/pkg/etc-copy")"
expect_eq "copy content" "outside" "$(cat "$STAGE_DESTDIR/usr/pkg/etc-copy")"
"$D/chmod" 4755 /usr/pkg/etc-copy
expect_eq "chmod of the copy leaves the outside file alone" 640 "$(stat -c %a "$T/outside")"
err=$("$D/ln" "$T/outside" /usr/pkg/etc-copy 2>&1); rc=$?
expect_eq "existing destination: GNU's message" "$D/ln: failed to create hard link '/usr/pkg/etc-copy': File exists" "$err"
expect_eq "existing destination: status" 1 "$rc"

# -f replaces the record; -b moves the old record to the backup name.
"$D/ln" -sf libx.so.1 /usr/pkg/lib/libx-hard2
expect_eq "-f: new record" "link 0777 root:root libx.so.1" "$(rec /usr/pkg/lib/libx-hard2)"
"$D/ln" -sbv libx-new /usr/pkg/lib/libx.so >"$T/out"
expect_eq "-b: verbose" "'/usr/pkg/lib/libx.so~' ~ '/usr/pkg/lib/libx.so' -> 'libx-new'" "$(cat "$T/out")"
expect_eq "-b: backup keeps the old record" "link 0777 root:root libx.so.1" "$(rec '/usr/pkg/lib/libx.so~')"
expect_eq "-b: new record" "link 0777 root:root libx-new" "$(rec /usr/pkg/lib/libx.so)"

# Target-directory forms.
"$D/ln" -s ../lib/libx.so.1 ../lib/libx-hard /usr/pkg/share/x 2>"$T/err"; rc=$?
expect_eq "into a staged directory: status" 0 "$rc"
expect_eq "into a staged directory" "link 0777 root:root ../lib/libx.so.1" "$(rec /usr/pkg/share/x/libx.so.1)"
expect_eq "into a staged directory, second" "link 0777 root:root ../lib/libx-hard" "$(rec /usr/pkg/share/x/libx-hard)"
"$D/ln" -s -t /usr/pkg/share/x /some/target
expect_eq "-t staged" "link 0777 root:root /some/target" "$(rec /usr/pkg/share/x/target)"
err=$("$D/ln" -t /usr/pkg/nodir x 2>&1)
expect_eq "-t missing in the stage" "$D/ln: failed to access '/usr/pkg/nodir': No such file or directory" "$err"

# An absolute symlink inside the stage points into the stage.
"$D/mkdir" -p /opt/real
ln -s /opt/real "$STAGE_DESTDIR/usr/pkg/redirect"
"$D/ln" -s target /usr/pkg/redirect/made
check "made through the in-stage symlink" test -L "$STAGE_DESTDIR/opt/real/made"
check "not made on the host" test ! -e /opt/real/made
expect_eq "recorded at its canonical path" "link 0777 root:root target" "$(rec /opt/real/made)"

# Bad input.
err=$("$D/ln" -s 2>&1); rc=$?
expect_eq "missing operand" "$D/ln: missing file operand
Try '$D/ln --help' for more information." "$err"
err=$("$D/ln" /usr/pkg/missing /usr/pkg/new 2>&1); rc=$?
expect_eq "missing source" "$D/ln: failed to access '/usr/pkg/missing': No such file or directory" "$err"
expect_eq "missing source: nothing recorded" "" "$(rec /usr/pkg/new)"
err=$("$D/ln" /usr/pkg/lib /usr/pkg/dirlink 2>&1)
expect_eq "directory hard link" "$D/ln: /usr/pkg/lib: hard link not allowed for directory" "$err"

done_testing
