# install-info, active mode, STAGE_INFO=record (pkgsrc): the staged dir file
# is left alone; the Info file's entries are recorded in the `info` table.
. "$STAGE_SOURCE/tests/lib.sh"
II=$D/install-info
H=$STAGE_SOURCE/tests/texinfo-ii
W=$T/w; S=$W/stage; DB=$W/stage.stagedb
mkdir -p "$S/usr/share/info"
cp "$H/ii-0004-input-info-file" "$S/usr/share/info/gnu.info"
gzip -c "$H/ii-0001-input-info-file" > "$S/usr/share/info/wild.info.gz"
[ "$(id -u)" -eq 0 ] && chown -R nobody "$W"
rec() { as_nobody env STAGE_DESTDIR="$S" STAGE_INFO=record "$@"; }
q() { sqlite3 "$DB" "$1"; }

rec "$II" --info-dir="$S/usr/share/info" "$S/usr/share/info/gnu.info"
expect_eq "status" 0 $?
check "no dir file is created" test ! -e "$S/usr/share/info/dir"
expect_eq "the dir file is not recorded" 0 "$(q "select count(*) from entries where path like '%/dir'")"
expect_eq "one row per entry and section, with texinfo's formatting" \
"/usr/share/info/gnu.info|/usr/share/info/dir|Animals|* Gnu: (gnu).                   Wildebeest native to Africa.
/usr/share/info/gnu.info|/usr/share/info/dir|Antlered Animals|* Wildebeest: (gnu).            Wildebeest native to Africa." \
  "$(q "select info_file,dir_file,section,replace(entry,char(10),'') from info order by section")"

# The Info file is found with its compression suffix, mapped paths work, and
# the recorded name is the file that exists.
rec "$II" /usr/share/info/wild.info /usr/share/info/dir
expect_eq "a gzipped Info file on a mapped path" "/usr/share/info/wild.info.gz|Animals" \
  "$(q "select info_file,section from info where info_file like '%wild%'")"

# Options shape the entries as they would in the dir file.
rec "$II" --section=Herds --entry='* Herd: (gnu)Herds.  Many gnus.' "$S/usr/share/info/gnu.info" "$S/usr/share/info/dir"
expect_eq "a new run replaces the file's earlier records" "Herds|* Herd: (gnu)Herds.             Many gnus." \
  "$(q "select section,replace(entry,char(10),'') from info where info_file='/usr/share/info/gnu.info'")"

# An existing staged dir file stays byte for byte as it is.
cp "$H/ii-0001-input-dir-file" "$S/usr/share/info/dir"
[ "$(id -u)" -eq 0 ] && chown nobody "$S/usr/share/info/dir"
rec "$II" "$S/usr/share/info/gnu.info" "$S/usr/share/info/dir"
check "an existing dir file is untouched" cmp "$S/usr/share/info/dir" "$H/ii-0001-input-dir-file"

# --test records nothing; no entries records nothing (with texinfo's warning).
rows=$(q 'select count(*) from info')
out=$(rec "$II" --test --section=Other "$S/usr/share/info/gnu.info" "$S/usr/share/info/dir")
expect_eq "--test: texinfo's message" "test mode, not updating dir file $S/usr/share/info/dir" "$out"
expect_eq "--test: nothing recorded" "$rows|0" "$(q "select count(*) from info")|$(q "select count(*) from info where section='Other'")"
printf 'A manual without any dir entry, long enough to be read.\n' > "$S/usr/share/info/plain.info"
out=$(rec "$II" "$S/usr/share/info/plain.info" "$S/usr/share/info/dir" 2>&1)
expect_eq "no entries: texinfo's warning" "install-info: warning: no info dir entry in \`$S/usr/share/info/plain.info'" "$out"
expect_eq "no entries: nothing recorded" 0 "$(q "select count(*) from info where info_file like '%plain%'")"

# --remove forgets an Info file's records, matched as texinfo matches names.
rec "$II" --remove /usr/share/info/wild.info.gz /usr/share/info/dir
expect_eq "--remove forgets its records" 0 "$(q "select count(*) from info where info_file like '%wild%'")"
out=$(rec "$II" --remove-exactly nothere /usr/share/info/dir 2>&1)
expect_eq "--remove of nothing: texinfo's warning" "install-info: warning: no entries found for \`nothere'; nothing deleted" "$out"

# A dir file outside the stage is not affected by STAGE_INFO: texinfo's behaviour there.
cp "$H/ii-0001-input-dir-file" "$W/hostdir" && chmod 666 "$W/hostdir"
rec "$II" "$S/usr/share/info/wild.info.gz" "$W/hostdir"
check "a passthrough dir file is updated as texinfo does" cmp "$W/hostdir" "$H/ii-0001-expected-dir-file"
done_testing
