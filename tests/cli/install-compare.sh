# install -C: a destination with the same content, mode and owner is left
# alone (not even its timestamp changes); anything different is replaced.
. "$STAGE_SOURCE/tests/lib.sh"

s_same() { echo same > f; cp f g; chmod 755 g; touch -d 2001-01-01 g; }
s_differs() { echo new > f; echo old > g; chmod 755 g; touch -d 2001-01-01 g; }
s_mode() { echo same > f; cp f g; chmod 644 g; touch -d 2001-01-01 g; }
# The tree compared includes sizes and digests; the timestamp is compared below.
gnu_vs_ours "-C same content" install s_same -C f g
gnu_vs_ours "-C different content" install s_differs -C f g
gnu_vs_ours "-C different mode" install s_mode -C f g
gnu_vs_ours "-C -m 644 same mode" install s_mode -C -m 644 f g
gnu_vs_ours "-C -m 4755 warns and copies" install s_same -C -m 4755 f g
gnu_vs_ours "-C missing destination" install s_same -C f new
gnu_vs_ours "-Cv same content says nothing" install s_same -Cv f g
gnu_vs_ours "-Cv different content" install s_differs -Cv f g
# coreutils tests/install/install-C.sh, step by step in one directory.
s_a() { echo test > a; }
gnu_vs_ours "install-C.sh sequence" sh s_a -c '
  run() { echo "\$ install $*"; install "$@"; echo "status $?"; }
  run -Cv -m0644 a b; run -Cv -m0644 a b; run -v --compare -m0644 a b; run -v -m0644 a b
  run -Cv -m2755 a b; run -Cv -m2755 a b
  ln -s a c; ln -s b d; run -Cv -m0644 c d
  echo test1 > a; run -Cv -m0644 a b; run -Cv -m0644 a b
  echo test2 > a; run -Cv -m0644 a b; run -Cv -m0644 a b
  run -Cv -m0755 a b; run -Cv -m0755 a b
  run -C --preserve-timestamps a b; run -C --strip --strip-program=echo a b'
# Timestamps tell whether the destination was rewritten (GNU: only s_same is not).
for s in s_same s_differs s_mode; do
  for who in gnu ours; do
    tool=/usr/bin/install
    [ $who = ours ] && tool=$D/install
    rm -rf "$T/ts" && mkdir "$T/ts" && (cd "$T/ts" && $s && "$tool" -C f g)
    date -r "$T/ts/g" +%Y >"$T/ts.$who"
  done
  expect_eq "-C $s: rewritten exactly when GNU rewrites it" "$(cat "$T/ts.gnu")" "$(cat "$T/ts.ours")"
  [ $s = s_same ] && expect_eq "-C s_same: left alone" 2001 "$(cat "$T/ts.ours")"
done
# ---- Staged: -C compares with the record, not the disk mode ----
new_stage
echo same > "$T/f"
I=$D/install
staged_nobody "$I" -D -m 644 -o games "$T/f" "$DESTDIR/usr/share/x"
as_nobody touch -d 2001-01-01 "$DESTDIR/usr/share/x"
staged_nobody "$I" -C -m 644 -o games "$T/f" "$DESTDIR/usr/share/x"
expect_eq "staged -C same: not rewritten" "2001-01-01" "$(date -r "$DESTDIR/usr/share/x" +%F)"
expect_eq "staged -C same: record kept" "file 644 games root" "$(db_row /usr/share/x)"
staged_nobody "$I" -C -m 644 -o root "$T/f" "$DESTDIR/usr/share/x"
expect_eq "staged -C other owner: record changed" "file 644 root root" "$(db_row /usr/share/x)"
as_nobody touch -d 2001-01-01 "$DESTDIR/usr/share/x"
staged_nobody "$I" -C -m 600 "$T/f" "$DESTDIR/usr/share/x"
expect_eq "staged -C other mode: record changed" "file 600 root root" "$(db_row /usr/share/x)"
as_nobody touch -d 2001-01-01 "$DESTDIR/usr/share/x"
echo changed > "$T/f"
staged_nobody "$I" -C -m 600 "$T/f" "$DESTDIR/usr/share/x"
expect_eq "staged -C other content: rewritten" "changed" "$(cat "$DESTDIR/usr/share/x")"
# An untracked file with the same content is recorded, not rewritten.
echo same > "$T/f"
as_nobody cp "$T/f" "$DESTDIR/usr/share/untracked"
as_nobody chmod 755 "$DESTDIR/usr/share/untracked"
staged_nobody "$I" -C "$T/f" "$DESTDIR/usr/share/untracked"
expect_eq "staged -C untracked same file: recorded" "file 755 root root" "$(db_row /usr/share/untracked)"

# Inactive, as root: without -g, -C rewrites a file whose group is not the
# caller's (GNU need_copy compares st_gid with getgid()), as without -o for the owner.
if [ "$MY_UID" -eq 0 ]; then
  mkdir -p "$T/cg"; echo x > "$T/cg/a"
  for prog in "$GNU_INSTALL" "$I"; do
    rm -f "$T/cg/b"
    "$prog" -C -g 2 "$T/cg/a" "$T/cg/b"
    out=$("$prog" -Cv "$T/cg/a" "$T/cg/b" | wc -l)
    expect_eq "-C, no -g, other group: $prog rewrites" "2" "$out"
  done
else
  skip_part "install -C -g 2 needs root"
fi

done_testing
