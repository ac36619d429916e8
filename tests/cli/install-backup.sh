# install -b, --backup=CONTROL, -S SUFFIX, VERSION_CONTROL, SIMPLE_BACKUP_SUFFIX:
# the same backups as GNU; in the stage the record follows the backup.
. "$STAGE_SOURCE/tests/lib.sh"

s_old() { echo new > f; echo old > g; }
s_numbered() { echo new > f; echo old > g; echo v1 > g.~1~; echo v4 > g.~4~; echo junk > g.~x~; }
s_dir() { echo new > f; mkdir d; echo old > d/f; }
gnu_vs_ours_each "-b and --backup words" s_old \
  'install -b f g' \
  'install -b f new' \
  'install --backup f g'
gnu_vs_ours "--backup=existing with numbered ones" install s_numbered --backup=existing f g
gnu_vs_ours "--backup=numbered" install s_old --backup=numbered f g
gnu_vs_ours_each "numbered backups" s_numbered \
  'install --backup=numbered f g' \
  'install --backup=t f g' \
  'install --backup=simple f g'
gnu_vs_ours_each "more --backup words" s_old \
  'install --backup=never f g' \
  'install --backup=none f g' \
  'install --backup=off f g'
gnu_vs_ours "--backup=nil" install s_numbered --backup=nil f g
gnu_vs_ours_each "abbreviations, -S, -v, directories" s_old \
  'install --backup=si f g' \
  'install --backup=n f g' \
  'install -S .orig f g' \
  'install --suffix=.bak -b f g' \
  'install -bv f g'
gnu_vs_ours "-b into a directory" install s_dir -b f d
gnu_vs_ours "-b twice in a row" sh s_old -c 'install -b f g && echo again > f && install -b f g'
gnu_vs_ours "VERSION_CONTROL=numbered" sh s_old -c 'VERSION_CONTROL=numbered install -b f g'
gnu_vs_ours "VERSION_CONTROL=bogus" sh s_old -c 'VERSION_CONTROL=bogus install -b f g'
gnu_vs_ours "--backup overrides VERSION_CONTROL" sh s_old -c 'VERSION_CONTROL=numbered install --backup=simple f g'
gnu_vs_ours "SIMPLE_BACKUP_SUFFIX" sh s_old -c 'SIMPLE_BACKUP_SUFFIX=.sv install -b f g'
gnu_vs_ours "-S overrides SIMPLE_BACKUP_SUFFIX" sh s_old -c 'SIMPLE_BACKUP_SUFFIX=.sv install -S .opt f g'
gnu_vs_ours "SIMPLE_BACKUP_SUFFIX with a slash is ignored" sh s_old -c 'SIMPLE_BACKUP_SUFFIX=/x install -b f g'
gnu_vs_ours "SIMPLE_BACKUP_SUFFIX with an inner slash is ignored" sh s_old -c 'SIMPLE_BACKUP_SUFFIX=a/b install -b f g'
gnu_vs_ours "-S with a slash is ignored too" install s_old -S /x f g
gnu_vs_ours "-S empty is ignored" install s_old -S '' f g
gnu_vs_ours "--backup= empty defers to VERSION_CONTROL" sh s_old -c 'VERSION_CONTROL=numbered install --backup= f g'

# ---- Staged: the record moves with the file it describes ----
new_stage
echo v1 > "$T/f"
I=$D/install
staged_nobody "$I" -D -m 4755 -o root "$T/f" "$DESTDIR/usr/bin/prog"
echo v2 > "$T/f"
staged_nobody "$I" -b -m 755 "$T/f" "$DESTDIR/usr/bin/prog"
expect_eq "staged -b: the new file is recorded" "file 755 root root" "$(db_row /usr/bin/prog)"
expect_eq "staged -b: the backup keeps the old record" "file 4755 root root" "$(db_row '/usr/bin/prog~')"
expect_eq "staged -b: the backup has the old content" "v1" "$(cat "$DESTDIR/usr/bin/prog~")"
expect_eq "staged -b: the new content" "v2" "$(cat "$DESTDIR/usr/bin/prog")"
echo v3 > "$T/f"
staged_nobody "$I" --backup=numbered -m 644 "$T/f" "$DESTDIR/usr/bin/prog"
expect_eq "staged numbered backup recorded" "file 755 root root" "$(db_row '/usr/bin/prog.~1~')"
expect_eq "staged numbered backup content" "v2" "$(cat "$DESTDIR/usr/bin/prog.~1~")"
expect_eq "staged after two backups" "/usr/bin/prog 644
/usr/bin/prog.~1~ 755
/usr/bin/prog~ 4755" "$(db_rows "where path like '/usr/bin/prog%'" | cut -d' ' -f1,3)"
check "staged backups leave no temporary file" no_temp_files "$DESTDIR"

done_testing
