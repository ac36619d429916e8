# install's three file forms: SOURCE DEST, SOURCE... DIRECTORY, -t DIRECTORY
# SOURCE...; -T; -D with both; trailing slashes; symlinks to directories.
. "$STAGE_SOURCE/tests/lib.sh"

s_files() { echo one > f; echo two > g; mkdir d; ln -s d dlink; touch d/old; }
gnu_vs_ours_each "file forms: into directories, onto names, -t, -D" s_files \
  'install f d' \
  'install f g d' \
  'install f d/' \
  'install f g dlink' \
  'install f d/new' \
  'install f d/old' \
  'install f newname/' \
  'install -t d f g' \
  'install -t dlink f' \
  'install -D -t a/b/c f g' \
  'install -Dv -t a/b f' \
  'install -D -t d f' \
  'install -D -t f g' \
  'install -D f x/y/z' \
  'install -Dv f x/y/z' \
  'install -D f d/x/y'
gnu_vs_ours "-D with an absolute destination" sh s_files -c 'install -D f "$PWD/abs/x"'
gnu_vs_ours "-t with an absolute directory" sh s_files -c 'install -t "$PWD/d" f g'
gnu_vs_ours_each "trailing slashes, -T, -d" s_files \
  'install f d/old/' \
  'install -T f newname/' \
  'install -T f d/' \
  'install -D f x/newname/' \
  'install -D f ./a/./b/../c/z' \
  'install -T f newname' \
  'install -T f dlink' \
  'install -TD f p/q' \
  'install -d a/b c d' \
  'install -dv a/b/c' \
  'install -d dlink/sub' \
  'install -d d' \
  'install -d new/' \
  'install -d .' \
  'install -d d1/. d2/.. d3/./x/..' \
  'install -v f g d'
s_bin() { echo one > f; mkdir -p sub/dir; }
gnu_vs_ours "source with a directory part lands by basename" install s_bin -t sub/dir sub/../f
gnu_vs_ours "-D with the source in a subdirectory" install s_bin -D f sub/dir/deeper/f

# ---- Staged: the same forms record the same paths ----
new_stage
echo one > "$T/f"
echo two > "$T/g"
I=$D/install
staged_nobody "$I" -d "$DESTDIR/usr/bin"
staged_nobody "$I" "$T/f" "$T/g" "$DESTDIR/usr/bin"
staged_nobody "$I" -t "$DESTDIR/usr/lib" -D "$T/f"
staged_nobody "$I" -D "$T/g" /usr/share/doc/pkg/README
staged_nobody "$I" -T "$T/f" "$DESTDIR/usr/bin/renamed"
staged_nobody "$I" -d "$DESTDIR/var/a" /var/b/c
expect_eq "staged forms record every path" "/usr dir
/usr/bin dir
/usr/bin/f file
/usr/bin/g file
/usr/bin/renamed file
/usr/lib dir
/usr/lib/f file
/usr/share dir
/usr/share/doc dir
/usr/share/doc/pkg dir
/usr/share/doc/pkg/README file
/var dir
/var/a dir
/var/b dir
/var/b/c dir" "$(db_rows | cut -d' ' -f1,2)"
staged_nobody "$I" "$T/f" "$DESTDIR/usr/bin/f/" 2>"$T/err"
expect_eq "staged: a trailing slash on an existing file" \
  "$I: cannot stat '$DESTDIR/usr/bin/f/': Not a directory" "$(cat "$T/err")"
staged_nobody "$I" "$T/f" "$DESTDIR/usr/bin/newname/" 2>"$T/err"
expect_eq "staged: a trailing slash on a new name" \
  "$I: cannot create regular file '$DESTDIR/usr/bin/newname/': Not a directory" "$(cat "$T/err")"
check "staged: nothing made for a trailing slash" test ! -e "$DESTDIR/usr/bin/newname"
expect_eq "staged content is the source's" "two" "$(cat "$DESTDIR/usr/share/doc/pkg/README")"
# A staged symlink to a directory is followed inside the stage.
as_nobody ln -s /usr/lib "$DESTDIR/libdir"
staged_nobody "$I" "$T/g" "$DESTDIR/libdir"
check "a staged symlink to a directory is a target directory" test -f "$DESTDIR/usr/lib/g"
expect_eq "recorded under its canonical path" "file" "$(db_row /usr/lib/g | cut -d' ' -f1)"

done_testing
