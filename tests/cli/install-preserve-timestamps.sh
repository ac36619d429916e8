# install -p: the destination gets the source's access and modification times.
. "$STAGE_SOURCE/tests/lib.sh"

s_old() { echo x > f; touch -d '2001-02-03 04:05:06.789' f; mkdir d; }
gnu_vs_ours "-p" install s_old -p f d
for who in gnu ours; do
  stat -c '%X %Y' "$T/c1/$who/d/f" >"$T/times.$who"
done
expect_eq "-p: same times as GNU" "$(cat "$T/times.gnu")" "$(cat "$T/times.ours")"
expect_eq "-p: the source's mtime" "$(stat -c %Y "$T/c1/ours/f")" "$(stat -c %Y "$T/c1/ours/d/f")"
expect_eq "-p keeps nanoseconds" "$(stat -c %y "$T/c1/ours/f")" "$(stat -c %y "$T/c1/ours/d/f")"
gnu_vs_ours "without -p the time is now" install s_old f d
check "without -p the time is now" test "$(stat -c %Y "$T/c2/ours/d/f")" -gt "$(stat -c %Y "$T/c2/ours/f")"

new_stage
(cd "$T" && s_old)
staged_nobody "$D/install" -D -p -m 644 "$T/f" "$DESTDIR/usr/share/f"
expect_eq "staged -p: the source's mtime" "$(stat -c %y "$T/f")" "$(stat -c %y "$DESTDIR/usr/share/f")"
expect_eq "staged -p: recorded mtime is the file's" \
  "$(stat -c %Y "$DESTDIR/usr/share/f")" \
  "$(sqlite3 "$DESTDIR.stagedb" "select mtime_ns / 1000000000 from entries where path='/usr/share/f'")"

done_testing
