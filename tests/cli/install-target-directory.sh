# install's three file forms: SOURCE DEST, SOURCE... DIRECTORY, -t DIRECTORY
# SOURCE...; -T; -D with both; trailing slashes; symlinks to directories.
. "$STAGE_SOURCE/tests/lib.sh"

s_files() { echo one > f; echo two > g; mkdir d; ln -s d dlink; touch d/old; }
gnu_vs_ours "one source into a directory" install s_files f d
gnu_vs_ours "several sources into a directory" install s_files f g d
gnu_vs_ours "into a directory with a trailing slash" install s_files f d/
gnu_vs_ours "into a symlink to a directory" install s_files f g dlink
gnu_vs_ours "onto a file name" install s_files f d/new
gnu_vs_ours "onto an existing file" install s_files f d/old
gnu_vs_ours "onto a new name with a trailing slash" install s_files f newname/
gnu_vs_ours "-t DIR" install s_files -t d f g
gnu_vs_ours "-t symlink to a directory" install s_files -t dlink f
gnu_vs_ours "-t with -D makes the directory" install s_files -D -t a/b/c f g
gnu_vs_ours "-Dv -t announces each directory" install s_files -Dv -t a/b f
gnu_vs_ours "-D -t an existing directory" install s_files -D -t d f
gnu_vs_ours "-D -t a file fails" install s_files -D -t f g
gnu_vs_ours "-D onto a file name" install s_files -D f x/y/z
gnu_vs_ours "-Dv onto a file name" install s_files -Dv f x/y/z
gnu_vs_ours "-D through existing parents" install s_files -D f d/x/y
gnu_vs_ours "-D with an absolute destination" sh s_files -c 'install -D f "$PWD/abs/x"'
gnu_vs_ours "-t with an absolute directory" sh s_files -c 'install -t "$PWD/d" f g'
gnu_vs_ours "onto an existing file with a trailing slash" install s_files f d/old/
gnu_vs_ours "-T onto a new name with a trailing slash" install s_files -T f newname/
gnu_vs_ours "-T onto a directory with a trailing slash" install s_files -T f d/
gnu_vs_ours "-D onto a name with a trailing slash" install s_files -D f x/newname/
gnu_vs_ours "-D with a dotted destination" install s_files -D f ./a/./b/../c/z
gnu_vs_ours "-T onto a new name" install s_files -T f newname
gnu_vs_ours "-T onto a symlink to a directory" install s_files -T f dlink
gnu_vs_ours "-T -D" install s_files -TD f p/q
gnu_vs_ours "-d several with parents" install s_files -d a/b c d
gnu_vs_ours "-dv announces each directory" install s_files -dv a/b/c
gnu_vs_ours "-d through a symlink" install s_files -d dlink/sub
gnu_vs_ours "-d on an existing directory" install s_files -d d
gnu_vs_ours "-d with a trailing slash" install s_files -d new/
gnu_vs_ours "-d dot" install s_files -d .
gnu_vs_ours "-v file forms" install s_files -v f g d
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
