# install's BSD options (pkgsrc and BSD mk files): -l linkflags, -M metalog,
# -f flags, -B suffix, and the accepted no-ops -U -r -h; GNU's ln -r judges
# the relative links.
. "$STAGE_SOURCE/tests/lib.sh"

I=$D/install
# ---- -l r: the same relative text as GNU ln -rs, on the host ----
mkdir -p "$T/h/a/b" "$T/h/c/d" && echo x >"$T/h/a/b/f"
for pair in "a/b/f c/d/l1" "a/b/f a/b/l2" "a/b/f a/l3" "a/b/f l4" "a/b/f a/b/c/../l5"; do
  set -- $pair
  mkdir -p "$T/h/$(dirname "$2")"
  (cd "$T/h" && ln -rs "$1" "$2.gnu" && "$I" -l rs "$1" "$2")
  expect_eq "-l rs $1 $2: GNU ln -r's text" "$(readlink "$T/h/$2.gnu")" "$(readlink "$T/h/$2")"
done
(cd "$T/h" && "$I" -l s a/b/f sym && "$I" -l as a/b/f abs)
expect_eq "-l s: the source as given" "a/b/f" "$(readlink "$T/h/sym")"
expect_eq "-l as: the absolute source" "$T/h/a/b/f" "$(readlink "$T/h/abs")"
(cd "$T/h" && "$I" -l h a/b/f hard)
expect_eq "-l h: a hard link" "$(stat -c %i "$T/h/a/b/f")" "$(stat -c %i "$T/h/hard")"

# ---- Staged ----
new_stage
echo x >"$T/f"
staged_nobody "$I" -D -m 4755 -o root "$T/f" "$DESTDIR/usr/bin/a"
# -l r between logical locations, whichever rule names each side.
staged_nobody "$I" -D -l rs /usr/bin/a "$DESTDIR/usr/lib/rel1"
staged_nobody "$I" -D -l rs "$DESTDIR/usr/bin/a" /usr/lib/rel2
staged_nobody "$I" -D -l rs /usr/bin/a /usr/lib/rel3
staged_nobody "$I" -l rs /usr/bin/a /toplevel
for l in usr/lib/rel1 usr/lib/rel2 usr/lib/rel3; do
  expect_eq "staged -l rs $l" "../bin/a" "$(readlink "$DESTDIR/$l")"
done
mkdir -p "$T/judge/usr/bin" && touch "$T/judge/usr/bin/a" && (cd "$T/judge" && ln -rs usr/bin/a toplevel)
expect_eq "staged -l rs at the stage's top: ln -r's text" "$(readlink "$T/judge/toplevel")" "$(readlink "$DESTDIR/toplevel")"
expect_eq "staged -l rs recorded as a link with its text" "link ../bin/a" \
  "$(sqlite3 -separator ' ' "$DESTDIR.stagedb" "select type,target from entries where path='/usr/lib/rel1'")"
staged_nobody "$I" -D -l as "$DESTDIR/usr/bin/a" "$DESTDIR/usr/lib/abs1"
staged_nobody "$I" -D -l as /usr/bin/a /usr/lib/abs2
for l in usr/lib/abs1 usr/lib/abs2; do
  expect_eq "staged -l as $l: the installed path, never the stage's" "/usr/bin/a" "$(readlink "$DESTDIR/$l")"
done
# -l h inside the stage: a hard link, recorded as one.
staged_nobody "$I" -l h "$DESTDIR/usr/bin/a" "$DESTDIR/usr/bin/hard"
expect_eq "staged -l h: one inode" "$(stat -c %i "$DESTDIR/usr/bin/a")" "$(stat -c %i "$DESTDIR/usr/bin/hard")"
expect_eq "staged -l h: recorded as a hard link to the entry" "hardlink /usr/bin/a 4755" \
  "$(sqlite3 -separator ' ' "$DESTDIR.stagedb" "select type,target,printf('%o',mode) from entries where path='/usr/bin/hard'")"
# -l h from outside the stage: a copy (SPEC: never an inode shared with the outside).
staged_nobody "$I" -l h "$T/f" "$DESTDIR/usr/bin/fromoutside"
check "staged -l h from outside: not the outside inode" test "$(stat -c %i "$T/f")" != "$(stat -c %i "$DESTDIR/usr/bin/fromoutside")"
expect_eq "staged -l h from outside: recorded as a file" file "$(db_row /usr/bin/fromoutside | cut -d' ' -f1)"
# -M, -f, -B, -U, -r, -h.
staged_nobody "$I" -M "$T/metalog" -f uchg -U -r -h sha256 -m 600 -o games "$T/f" "$DESTDIR/usr/bin/m"
expect_eq "-M writes an mtree line" "./usr/bin/m type=file uname=games gname=root mode=0600 flags=uchg" "$(cat "$T/metalog")"
expect_eq "-f flags are recorded" uchg "$(sqlite3 "$DESTDIR.stagedb" "select flags from entries where path='/usr/bin/m'")"
staged_nobody "$I" -b -B .old "$T/f" "$DESTDIR/usr/bin/m"
expect_eq "-b -B .old: the backup's record" "file 600 games root" "$(db_row /usr/bin/m.old)"
check "-B alone makes no backup (BSD)" sh -c "! ls '$DESTDIR/usr/bin' | grep -q '~'"

done_testing
