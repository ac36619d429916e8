# End to end: the bundled example's `make install`, staged by nobody through
# stage-run, gives the entries a root install would, and touches nothing else.
. "$STAGE_SOURCE/tests/lib.sh"

cp -r "$STAGE_SOURCE/examples/hello" "$T/hello"
[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$T"
# A canary of the host: a root install of this package would write these.
before=$(ls -la /usr/pkg /var/spool/hello /var/games/hello 2>&1)

cd "$T/hello"
as_nobody "$STAGE_BIN/stage-run" --destdir "$T/dest" -- make install >"$T/run.out" 2>&1
expect_eq "stage-run exits 0" 0 $?
check "summary line counts the entries" grep -q 'stage-run: 19 entries recorded, 0 untracked' "$T/run.out"

as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/dest" >"$T/ls.out"
expect_eq "stage-ls exits 0" 0 $?
line() { grep " $1\$" "$T/ls.out" | awk '{print $1, $2, $3}'; }
expect_eq "setuid root binary" "-rwsr-xr-x root root" "$(line /usr/pkg/bin/hello)"
expect_eq "setgid games binary" "-rwxr-sr-x root games" "$(line /usr/pkg/bin/hello-scores)"
expect_eq "sticky spool" "drwxrwxrwt root root" "$(line /var/spool/hello)"
expect_eq "games-owned score dir" "drwxrwxr-x games games" "$(line /var/games/hello)"
expect_eq "games-owned score file" "-rw-rw-r-- games games" "$(line /var/games/hello/scores)"
expect_eq "service account no host has" "-rw-r----- pkgsvc pkgsvc" "$(line /usr/pkg/etc/hello/hello.conf)"
expect_eq "service dir" "drwxr-x--- pkgsvc pkgsvc" "$(line /var/db/hello)"
expect_eq "parents made by mkdir -p" "drwxr-xr-x root root" "$(line /usr/pkg/man/man1)"
expect_eq "19 entries listed" 19 "$(wc -l <"$T/ls.out")"

# On disk: everything belongs to nobody, and nothing is setid, sticky or
# group/world-writable (SPEC "What is recorded, and what is on disk").
expect_eq "all staged files owned by nobody" "" "$(find "$T/dest" ! -user nobody)"
expect_eq "no special or writable bits on disk" "" "$(find "$T/dest" -perm /7022)"
check "files keep owner read/write on disk" test -r "$T/dest/usr/pkg/etc/hello/hello.conf" -a -w "$T/dest/usr/pkg/etc/hello/hello.conf"
check "the staged program runs" sh -c "'$T/dest/usr/pkg/bin/hello' | grep -q 'hello from a staged package'"
expect_eq "no temporary files left" "" "$(find "$T/dest" -name '.stage-tmp.*')"

# Nothing outside the stage changed.
expect_eq "host paths untouched" "$before" "$(ls -la /usr/pkg /var/spool/hello /var/games/hello 2>&1)"
check "database beside the stage, not in it" test -f "$T/dest.stagedb"

# The same run without stage fails for an ordinary user: root hides bugs.
cd "$T/hello"
as_nobody make install DESTDIR="$T/plain" >/dev/null 2>&1
check "plain make install as nobody fails (needs root)" test $? -ne 0
done_testing
