# No staged operation writes outside the stage, whatever symlinks the stage
# holds (usr -> /, lib -> ../../.., absolute links, chains, loops); run as
# root, where the kernel would not stop an escape.
. "$STAGE_SOURCE/tests/lib.sh"

echo data > "$T/f"
chmod 644 "$T/f"
I=$D/install
M=$D/mkdir
# A host directory the stage's absolute links point at (it must stay empty).
for target in / ../../.. ../outside /../../.. "$T/outside" "$T/outside/" ../../../../../../.. /./ ; do
  new_stage
  ln -s "$target" "$DESTDIR/usr"
  # Absolute targets point into the stage: make them exist there.
  case $target in "$T"*) mkdir -p "$DESTDIR$target" && chown -R nobody "$DESTDIR/tmp" ;; esac
  ln -s usr "$DESTDIR/chain1"
  ln -s /chain1 "$DESTDIR/chain2"
  mkdir "$DESTDIR/lib"
  ln -s ../../.. "$DESTDIR/lib/up"
  chown -h nobody:nogroup "$DESTDIR"/* "$DESTDIR/lib/up"
  before=$(cd "$T" && find . -path ./stage -prune -o -print | grep -v '^./errors$' | sort)
  exec 3>&2 2>"$T/errors"   # failures (a dangling usr) are fine; escapes are not
  staged "$I" -D "$T/f" /usr/x/y
  staged "$I" -D "$T/f" "$DESTDIR/usr/x/z"
  staged "$I" -D "$T/f" "$DESTDIR/chain2$T/outside/esc"
  staged "$I" -D "$T/f" "$DESTDIR/lib/up$T/outside/esc2"
  staged "$I" -d "$DESTDIR/usr/dir" "$DESTDIR/chain2/dir2" "$DESTDIR/lib/up/tmp/dir3"
  staged "$I" -D -t "$DESTDIR/usr/t/d" "$T/f"
  staged "$M" -p "$DESTDIR/usr/m/n" /usr/mm "$DESTDIR/lib/up$T/outside/m"
  staged "$M" "$DESTDIR/usr/m2"
  staged "$I" "$T/f" "$DESTDIR/usr"   # last: onto a dangling usr it replaces the link
  exec 2>&3 3>&-
  after=$(cd "$T" && find . -path ./stage -prune -o -print | grep -v '^./errors$' | sort)
  check "usr -> $target: nothing outside the stage changed" outside_untouched
  expect_eq "usr -> $target: the scratch directory is as before (but the database)" \
    "$(echo "$before" | grep -v stagedb)" "$(echo "$after" | grep -v stagedb)"
  check "usr -> $target: the file landed in the stage" test -f "$DESTDIR/x/y" -o -f "$DESTDIR/outside/x/y" \
    -o -f "$DESTDIR$T/outside/x/y"
  check "usr -> $target: nothing new at the host's root" test ! -e /x -a ! -e /dir -a ! -e /m2 -a ! -e /mm
  expect_eq "usr -> $target: every record is a canonical path inside the stage" "" \
    "$(db_rows | cut -d' ' -f1 | while read -r p; do [ -e "$DESTDIR$p" ] || [ -L "$DESTDIR$p" ] || echo "$p"; done)"
done

# The same as an ordinary user.
new_stage
as_nobody ln -s / "$DESTDIR/usr"
as_nobody ln -s ../../.. "$DESTDIR/lib"
staged_nobody "$I" -D "$T/f" "$DESTDIR/usr/lib$T/outside/x"
staged_nobody "$M" -p "$DESTDIR/lib$T/outside/y"
check "as nobody: nothing outside" outside_untouched
check "as nobody: staged" test -f "$DESTDIR$T/outside/x" -a -d "$DESTDIR$T/outside/y"
chmod 777 "$OUTSIDE"
staged_nobody "$I" -D "$T/f" "$DESTDIR/usr/lib$T/outside/z"
check "as nobody, a writable outside directory: nothing outside" outside_untouched

# Loops fail with ELOOP and create nothing.
new_stage
ln -s loop2 "$DESTDIR/loop1"
ln -s loop1 "$DESTDIR/loop2"
ln -s self "$DESTDIR/self"
staged "$I" -D "$T/f" "$DESTDIR/loop1/x" 2>"$T/err"
expect_eq "a symlink loop fails" 1 "$?"
check "... with ELOOP" grep -q 'Too many levels of symbolic links' "$T/err"
staged "$M" -p "$DESTDIR/self/a/b" 2>"$T/err"
check "mkdir -p through a self loop fails with ELOOP" grep -q 'Too many levels of symbolic links' "$T/err"
expect_eq "loops: nothing recorded" 0 "$(db_count)"
check "loops: nothing outside" outside_untouched

# A dangling absolute link is resolved in the stage (where it dangles too):
# mkdir -p through it fails as GNU's does through a dangling link.
new_stage
ln -s "$T/outside/new" "$DESTDIR/dangling"
staged "$M" -p "$DESTDIR/dangling/sub" 2>"$T/err"
expect_eq "mkdir -p through a dangling absolute link fails as in GNU" \
  "$M: cannot create directory '$DESTDIR/dangling': File exists" "$(cat "$T/err")"
check "a dangling absolute link: nothing outside" outside_untouched
mkdir -p "$T/x" && ln -s nowhere "$T/x/dangling"
(cd "$T/x" && LC_ALL=C /usr/bin/mkdir -p dangling/sub 2>"$T/err")
expect_eq "(GNU's message through a dangling link)" "/usr/bin/mkdir: cannot create directory 'dangling': File exists" "$(cat "$T/err")"
ln -s "$T/outside/file" "$DESTDIR/dangling2"
staged "$I" "$T/f" "$DESTDIR/dangling2"
check "install onto a dangling link replaces the link" test -f "$DESTDIR/dangling2" -a ! -L "$DESTDIR/dangling2"
check "... and writes nothing outside" outside_untouched

done_testing
