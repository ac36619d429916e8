# install-info, active mode, STAGE_INFO=dir (the default): the dir file in the
# stage becomes what texinfo would write, is recorded, and nothing outside the
# stage changes. Run as nobody: no root needed.
. "$STAGE_SOURCE/tests/lib.sh"
II=$D/install-info
H=$STAGE_SOURCE/tests/texinfo-ii
REF=/usr/bin/install-info; [ -x "$REF" ] || REF=$II   # texinfo judges when installed
W=$T/w; S=$W/stage; DB=$W/stage.stagedb
mkdir -p "$S/usr/share/info" ref
cp "$H/ii-0001-input-info-file" "$S/usr/share/info/gnu.info"
cp "$H/ii-0001-input-info-file" ref/gnu.info
[ "$(id -u)" -eq 0 ] && chown -R nobody "$W"
staged() { as_nobody env STAGE_DESTDIR="$S" "$@"; }
q() { sqlite3 "$DB" "$1"; }

# Rule 1 (automake's form): --info-dir=$DESTDIR$infodir $DESTDIR$infodir/gnu.info.
staged "$II" --info-dir="$S/usr/share/info" "$S/usr/share/info/gnu.info"; rc=$?
expect_eq "rule 1: status" 0 $rc
"$REF" --info-dir=ref ref/gnu.info
check "rule 1: the staged dir is texinfo's" cmp "$S/usr/share/info/dir" ref/dir
expect_eq "rule 1: the dir file is recorded as a root run would leave it" \
  "/usr/share/info/dir|file|420|root|root|install-info" \
  "$(q "select path,type,mode,uname,gname,tool from entries where path='/usr/share/info/dir'")"
expect_eq "rule 1: its size is recorded" "$(stat -c %s "$S/usr/share/info/dir")" \
  "$(q "select size from entries where path='/usr/share/info/dir'")"
expect_eq "rule 1: no info records in dir mode" 0 "$(q 'select count(*) from info')"

# Rule 3 (a Makefile that ignores DESTDIR): /usr/share/info/... maps into the
# stage; the Info file exists only there and is read from there.
printf 'INFO-DIR-SECTION Zebras\nSTART-INFO-DIR-ENTRY\n* Zed: (zed).  Striped horses.\nEND-INFO-DIR-ENTRY\n' > "$S/usr/share/info/zed.info"
cp "$S/usr/share/info/zed.info" ref/zed.info
host_before=$(cat /usr/share/info/dir 2>/dev/null | sha256sum)
staged "$II" /usr/share/info/zed.info /usr/share/info/dir
expect_eq "rule 3: status" 0 $?
"$REF" ref/zed.info ref/dir
check "rule 3: the staged dir is texinfo's" cmp "$S/usr/share/info/dir" ref/dir
expect_eq "rule 3: the host's dir file is untouched" "$host_before" "$(cat /usr/share/info/dir 2>/dev/null | sha256sum)"
check "rule 3: no /usr/share/info/zed.info on the host" test ! -e /usr/share/info/zed.info

# --test changes and records nothing; --remove takes the entry out again.
before=$(q "select size from entries where path='/usr/share/info/dir'")
cp "$S/usr/share/info/dir" saved
out=$(staged "$II" --test --remove /usr/share/info/zed.info /usr/share/info/dir)
expect_eq "--test: texinfo's message" "test mode, not updating dir file /usr/share/info/dir" "$out"
check "--test: staged dir unchanged" cmp "$S/usr/share/info/dir" saved
staged "$II" --remove /usr/share/info/zed.info /usr/share/info/dir
"$REF" --remove ref/zed.info ref/dir
check "--remove: the staged dir is texinfo's" cmp "$S/usr/share/info/dir" ref/dir
check "--remove: the Zebras section went with its entry" sh -c "! grep -q Zebras '$S/usr/share/info/dir'"
expect_eq "--remove: the new size is recorded" "$(stat -c %s "$S/usr/share/info/dir")" \
  "$(q "select size from entries where path='/usr/share/info/dir'")"

# A dir file recorded with another owner and mode keeps them.
staged "$D/install" -m 640 -o bin -g bin "$H/ii-0004-input-dir-file" "$S/usr/share/info/dir"
staged "$II" "$S/usr/share/info/gnu.info" "$S/usr/share/info/dir"
expect_eq "recorded owner, group and mode stay" "416|bin|bin|install-info" \
  "$(q "select mode,uname,gname,tool from entries where path='/usr/share/info/dir'")"
cp "$H/ii-0004-input-dir-file" ref/dir4 && "$REF" ref/gnu.info ref/dir4
check "  and the content is texinfo's" cmp "$S/usr/share/info/dir" ref/dir4

# A gzipped dir file in the stage stays gzipped, under its own name.
mkdir -p "$S/opt/info" ref/gz
gzip -c "$H/ii-0001-input-dir-file" > "$S/opt/info/dir.gz"
gzip -c "$H/ii-0001-input-dir-file" > ref/gz/dir.gz
[ "$(id -u)" -eq 0 ] && chown -R nobody "$S/opt"
staged "$II" /usr/share/info/gnu.info /opt/info/dir
"$REF" ref/gnu.info ref/gz/dir
check "dir.gz: still gzip" sh -c "gzip -t '$S/opt/info/dir.gz' && test ! -e '$S/opt/info/dir'"
check "dir.gz: content is texinfo's" sh -c "gzip -dc '$S/opt/info/dir.gz' | cmp - '$H/ii-0001-expected-dir-file'"
expect_eq "dir.gz: recorded under its name" "/opt/info/dir.gz|420" \
  "$(q "select path,mode from entries where path like '/opt/info/%'")"

# A symlink in the stage resolves inside the stage, never to the host.
mkdir -p outside "$S$T/outside"
cp "$H/ii-0001-input-dir-file" outside/dir
cp "$H/ii-0001-input-dir-file" "$S$T/outside/dir"
ln -s "$T/outside/dir" "$S/opt/info/linked"
[ "$(id -u)" -eq 0 ] && chown -R nobody "$S"
staged "$II" /usr/share/info/gnu.info "$S/opt/info/linked"
expect_eq "symlink: status" 0 $?
check "symlink: the host file is untouched" cmp outside/dir "$H/ii-0001-input-dir-file"
check "symlink: the stage's target got the entry" cmp "$S$T/outside/dir" "$H/ii-0001-expected-dir-file"
check "symlink: the link itself stays a link" test -L "$S/opt/info/linked"

# Passthrough paths (the temporary directory) are the real filesystem, unrecorded.
count=$(q 'select count(*) from entries')
cp "$H/ii-0001-input-dir-file" "$W/passdir" && chmod 666 "$W/passdir"
staged "$II" "$S/usr/share/info/gnu.info" "$W/passdir"
check "passthrough: updated in place" cmp "$W/passdir" "$H/ii-0001-expected-dir-file"
expect_eq "passthrough: nothing recorded" "$count" "$(q 'select count(*) from entries')"
check "no temporary file left in the stage" test -z "$(find "$S" -name '.stage-tmp*')"
done_testing
