# install-info: bad input gives texinfo's message and status, and never
# leaves a half-written dir file or a record behind.
. "$STAGE_SOURCE/tests/lib.sh"
II=$D/install-info
H=$STAGE_SOURCE/tests/texinfo-ii
chmod 777 "$T"
cp "$H/ii-0001-input-dir-file" orig
reset_dir() { cp orig dir; chmod 644 dir; }

# An Info file without dir entries: texinfo's warning, status 0, dir unchanged.
printf 'This manual has no INFO-DIR-SECTION or START-INFO-DIR-ENTRY at all.\n' > plain.info
reset_dir
out=$("$II" plain.info dir 2>&1); rc=$?
expect_eq "no entries: warning, status 0" "0:install-info: warning: no info dir entry in \`plain.info'" "$rc:$out"
check "no entries: dir unchanged" cmp -s dir orig
out=$("$II" --quiet plain.info dir 2>&1); expect_eq "--quiet silences it" "" "$out"
rm -f newdir
"$II" --quiet plain.info newdir
check "a missing dir file is still created, as texinfo does" grep -q '^\* Menu:' newdir

# START-INFO-DIR-ENTRY without END: an error; a stray END is ignored (texinfo 6.8).
printf 'INFO-DIR-SECTION Animals\nSTART-INFO-DIR-ENTRY\n* Gnu: (gnu).  Gnus.\n' > open.info
reset_dir
out=$("$II" open.info dir 2>&1); rc=$?
expect_eq "unmatched START: error" "1:install-info: START-INFO-DIR-ENTRY without matching END-INFO-DIR-ENTRY" "$rc:$out"
check "unmatched START: dir unchanged" cmp -s dir orig
rm -f fresh
"$II" open.info fresh 2>/dev/null
# (texinfo creates it before it reads the Info file; a failed run of ours changes nothing)
check "unmatched START: no dir file created either" test ! -e fresh
printf 'INFO-DIR-SECTION Animals\nSTART-INFO-DIR-ENTRY\n* Gnu: (gnu).  Gnus.\nEND-INFO-DIR-ENTRY\nEND-INFO-DIR-ENTRY\n' > stray.info
reset_dir
"$II" stray.info dir; expect_eq "stray END: status 0" 0 $?

# Missing and unreadable files.
reset_dir
out=$("$II" missing.info dir 2>&1); rc=$?
expect_eq "missing Info file" "1:install-info: No such file or directory for missing.info" "$rc:$out"
check "missing Info file: dir unchanged" cmp -s dir orig
out=$("$II" "$H/ii-0001-input-info-file" nodir/dir 2>&1); rc=$?
expect_eq "dir file in a missing directory" \
  "1:install-info: nodir/dir: could not read (No such file or directory) and could not create (No such file or directory)" "$rc:$out"
out=$("$II" --remove "$H/ii-0001-input-info-file" nodir/dir 2>&1); rc=$?
expect_eq "--remove and no dir file: warning, status 0" "0:install-info: warning: Could not read nodir/dir." "$rc:$out"
out=$("$II" "$H/ii-0001-input-info-file" . 2>&1); rc=$?
expect_eq "a directory as dir file: texinfo's message" "1:install-info: .: empty file" "$rc:$out"
out=$("$II" --delete "$H/ii-0001-input-info-file" . 2>&1); rc=$?
expect_eq "a directory as dir file, --delete: texinfo's warning" "0:install-info: warning: Could not read .." "$rc:$out"
if [ -x /usr/bin/install-info ]; then
  for args in "$H/ii-0001-input-info-file ." "--delete $H/ii-0001-input-info-file ." "--dry-run $H/ii-0001-input-info-file nodir-file"; do
    expect_eq "  same as texinfo: $args" "$(/usr/bin/install-info $args 2>&1; echo "rc=$?")" "$("$II" $args 2>&1; echo "rc=$?")"
    check "  --dry-run created nothing" test ! -e nodir-file
  done
fi
reset_dir; chmod 000 dir
out=$(as_nobody "$II" "$H/ii-0001-input-info-file" dir 2>&1); rc=$?
expect_eq "unreadable dir file (as nobody)" "1:install-info: Permission denied for dir" "$rc:$out"
if [ -x /usr/bin/install-info ]; then
  expect_eq "  same as texinfo" "$(as_nobody /usr/bin/install-info "$H/ii-0001-input-info-file" dir 2>&1)" "$out"
else
  skip_part "no /usr/bin/install-info to compare with"
fi
chmod 644 dir
check "unreadable dir file: unchanged" cmp -s dir orig
mkdir ro && cp orig ro/dir && chmod 555 ro && chmod 444 ro/dir
out=$(as_nobody "$II" "$H/ii-0001-input-info-file" ro/dir 2>&1); rc=$?
expect_eq "dir file that cannot be written (as nobody)" "1:install-info: ro/dir: Permission denied" "$rc:$out"
check "  unchanged, no temporary left" sh -c 'cmp -s ro/dir orig && test "$(ls -A ro)" = dir'

# Corrupt compressed data: a clear error, nothing written.
printf '\037\213\010\000\000\000\000\000\000\003this is not deflate data' > bad.info.gz
reset_dir
out=$("$II" bad.info dir 2>&1); rc=$?
expect_eq "corrupt gzip Info file" "1:install-info: bad.info.gz: gzip: " "$rc:${out%%gzip: *}gzip: "
check "corrupt gzip Info file: dir unchanged" cmp -s dir orig
gzip -c orig | head -c 200 > dir.gz && rm -f dir && cp dir.gz dir.gz.orig
out=$("$II" "$H/ii-0001-input-info-file" dir 2>&1); rc=$?
expect_eq "truncated dir.gz" "1:install-info: dir.gz: gzip: unexpected end of file" "$rc:$out"
check "truncated dir.gz: unchanged, nothing beside it" sh -c 'cmp -s dir.gz dir.gz.orig && test ! -e dir'
rm -f dir.gz dir.gz.orig

# In active mode a failed run records nothing and writes nothing in the stage.
mkdir -p stage/usr/share/info
cp orig stage/usr/share/info/dir
export STAGE_DESTDIR=$T/stage
out=$("$II" open.info /usr/share/info/dir 2>&1); rc=$?
expect_eq "active, unmatched START: error" "1:install-info: START-INFO-DIR-ENTRY without matching END-INFO-DIR-ENTRY" "$rc:$out"
"$II" missing.info /usr/share/info/dir 2>/dev/null
"$II" bad.info /usr/share/info/dir 2>/dev/null
check "active failures: staged dir unchanged" cmp -s stage/usr/share/info/dir orig
expect_eq "active failures: nothing recorded" 0 "$(sqlite3 "$T/stage.stagedb" 'select count(*) from entries' 2>/dev/null || echo 0)"
unset STAGE_DESTDIR
check "no temporary file left anywhere" test -z "$(find . -name '.stage-tmp*')"
done_testing
