# install -s and --strip-program: the installed copy is stripped (the source
# is not), modes apply to what strip leaves, failures leave nothing behind.
. "$STAGE_SOURCE/tests/lib.sh"

printf 'int main(void){return 0;}\n' >"$T/m.c"
cc -g -o "$T/prog" "$T/m.c" || { fail "no C compiler"; done_testing; }
# A strip program that writes a new file and renames it over the old one.
cat >"$T/replacing-strip" <<'S'
#!/bin/sh
{ cat "$1"; echo stripped; } >"$1.new" && mv -f "$1.new" "$1"
S
# A strip program that records its argument.
cat >"$T/logging-strip" <<S
#!/bin/sh
echo "\$@" >>"$T/strip.log"
S
chmod 755 "$T/replacing-strip" "$T/logging-strip"
s_bin() { cp "$T/prog" prog; mkdir d; }
gnu_vs_ours "-s" install s_bin -s prog d
gnu_vs_ours "-s -m 555" install s_bin -s -m 555 prog d/p
gnu_vs_ours "--strip" install s_bin --strip prog d/p
gnu_vs_ours "-s with a strip program that replaces the file" install s_bin -s --strip-program="$T/replacing-strip" -m 755 prog d
gnu_vs_ours "-s -p with a replacing strip program" install s_bin -p -s --strip-program="$T/replacing-strip" -m 644 prog d
gnu_vs_ours "a failing strip program" install s_bin -s --strip-program=false prog d/p
gnu_vs_ours "a missing strip program" install s_bin -s --strip-program=/nonexistent/strip prog d/p
gnu_vs_ours "a missing strip program, two files" install s_bin -s --strip-program=/nonexistent/strip prog prog d
# coreutils tests/install/trap.sh: an ignored SIGCHLD must not break -s.
gnu_vs_ours "-s with SIGCHLD ignored (trap.sh)" sh s_bin -c "trap '' CHLD; exec install -s prog d"
gnu_vs_ours "--strip-program without -s" install s_bin --strip-program=/nonexistent/strip prog d/p
s_dash() { cp "$T/prog" prog; mkdir -- -d; }
# coreutils 9.1 hands "-d/p" to strip as is (strip takes it for options);
# later coreutils, and we, pass "./-d/...".
mkdir "$T/dash" && (cd "$T/dash" && s_dash && "$D/install" -s --strip-program="$T/logging-strip" prog -- -d/p)
expect_eq "a destination starting with '-' is not an option to strip" "./-d/.stage-tmp." \
  "$(sed 's/stage-tmp\..*/stage-tmp./' "$T/strip.log")"
check "... and is installed" test -f "$T/dash/-d/p"
rm -f "$T/strip.log"
check "the source is not stripped" cmp -s "$T/prog" "$T/c1/ours/prog"
check "the copy is stripped" test "$(stat -c %s "$T/c1/ours/d/prog")" -lt "$(stat -c %s "$T/prog")"

# ---- Staged ----
new_stage
staged_nobody "$D/install" -D -s -o root -m 4755 "$T/prog" "$DESTDIR/usr/bin/prog"
expect_eq "staged -s recorded" "file 4755 root root" "$(db_row /usr/bin/prog)"
check "staged -s stripped the staged copy" test "$(stat -c %s "$DESTDIR/usr/bin/prog")" -lt "$(stat -c %s "$T/prog")"
expect_eq "staged -s: recorded size is the stripped size" "$(stat -c %s "$DESTDIR/usr/bin/prog")" \
  "$(sqlite3 "$DESTDIR.stagedb" "select size from entries where path='/usr/bin/prog'")"
staged_nobody "$D/install" -s --strip-program="$T/replacing-strip" -m 644 "$T/prog" "$DESTDIR/usr/bin/p2"
expect_eq "staged -s with a replacing strip: on-disk mode" 644 "$(disk_mode "$DESTDIR/usr/bin/p2")"
expect_eq "staged -s with a replacing strip: recorded inode is the file's" "$(stat -c %i "$DESTDIR/usr/bin/p2")" \
  "$(sqlite3 "$DESTDIR.stagedb" "select ino from entries where path='/usr/bin/p2'")"
# strip is given a path inside the stage, never the host's logical path.
staged_nobody "$D/install" -s --strip-program="$T/logging-strip" "$T/prog" /usr/bin/p3
case $(cat "$T/strip.log") in
  "$DESTDIR/usr/bin/.stage-tmp."*) pass "strip runs on the staged temporary file" ;;
  *) fail "strip runs on the staged temporary file: got $(cat "$T/strip.log")" ;;
esac
check "staged strip leaves no temporary file" no_temp_files "$DESTDIR"

done_testing
