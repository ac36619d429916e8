# As an ordinary user (nobody; CI runs as root): chown root:wheel, chmod 4755,
# chmod -R go-w and chgrp games succeed on staged paths and the records show
# them; the same commands on a root-owned host path outside the stage fail
# exactly as GNU's do, and change nothing.
. "$STAGE_SOURCE/tests/lib.sh"
if [ "$(id -u)" -ne 0 ]; then skip_test "needs root to switch to nobody"; fi
N=$T/n
mkdir -p "$N/stage"
chown -R nobody "$N"
STAGE="STAGE_DESTDIR=$N/stage STAGE_DB=$N/stage.db"
rec() { sqlite3 "$N/stage.db" "select printf('%s %04o %s:%s', type, mode, uname, gname) from entries where path='$1'"; }
run_staged() { as_nobody env STAGE_DESTDIR="$N/stage" STAGE_DB="$N/stage.db" "$@"; }
echo hi >"$T/src"; chmod 644 "$T/src"

run_staged "$D/install" -D -m 755 "$T/src" /usr/pkg/bin/su-tool
run_staged "$D/install" -D -m 666 "$T/src" /usr/pkg/share/game/scores
run_staged "$D/mkdir" -p -m 777 /usr/pkg/share/game/levels

check "chown root:wheel as nobody" run_staged "$D/chown" root:wheel /usr/pkg/bin/su-tool
check "chmod 4755 as nobody" run_staged "$D/chmod" 4755 /usr/pkg/bin/su-tool
check "chmod -R go-w as nobody" run_staged "$D/chmod" -R go-w /usr/pkg/share/game
check "chgrp games as nobody" run_staged "$D/chgrp" games /usr/pkg/share/game/scores
expect_eq "root:wheel 4755 recorded" "file 4755 root:wheel" "$(rec /usr/pkg/bin/su-tool)"
expect_eq "games group recorded" "file 0644 root:games" "$(rec /usr/pkg/share/game/scores)"
expect_eq "-R reached the directory" "dir 0755 root:root" "$(rec /usr/pkg/share/game/levels)"
expect_eq "disk stays nobody's" "nobody 755" "$(stat -c '%U %a' "$N/stage/usr/pkg/bin/su-tool")"
check "stage-ls is built" test -x "$STAGE_BIN/stage-ls"
if [ -x "$STAGE_BIN/stage-ls" ]; then
  listing=$(as_nobody "$STAGE_BIN/stage-ls" --destdir "$N/stage" --db "$N/stage.db")
  check "stage-ls shows root:wheel 4755" grep -Eq '^-rwsr-xr-x +root +wheel .* /usr/pkg/bin/su-tool$' <<<"$listing"
  check "stage-ls shows the games group" grep -Eq '^-rw-r--r-- +root +games .* /usr/pkg/share/game/scores$' <<<"$listing"
  check "stage-ls shows go-w applied" grep -Eq '^drwxr-xr-x +root +root .* /usr/pkg/share/game/levels$' <<<"$listing"
fi

# The same on a root-owned host path (under /tmp: passed through, not staged).
H=$T/host
mkdir -p "$H/dir"
echo x >"$H/file"; echo y >"$H/dir/f"
chmod 644 "$H/file" "$H/dir/f"; chmod 755 "$H/dir"
GNUBIN=$T/gnubin
mkdir -p "$GNUBIN"
for tool in chmod chown chgrp; do ln -s "/usr/bin/$tool" "$GNUBIN/$tool"; done
snapshot() { find "$H" -printf '%P %m %u %g\n' | sort; }
before=$(snapshot)
compare() {
  local gnu_err ours_err gnu_rc ours_rc
  gnu_err=$(cd "$T" && as_nobody env PATH="$GNUBIN:$PATH" "$@" 2>&1); gnu_rc=$?
  ours_err=$(cd "$T" && as_nobody env STAGE_DESTDIR="$N/stage" STAGE_DB="$N/stage.db" PATH="$D:$PATH" "$@" 2>&1); ours_rc=$?
  expect_eq "host: $* message" "$gnu_err" "$ours_err"
  expect_eq "host: $* status" "$gnu_rc" "$ours_rc"
  check "host: $* gave an error" test -n "$ours_err"
}
compare chown root:wheel "$H/file"
compare chown root:root "$H/file"
compare chown nobody "$H/file"
compare chmod 4755 "$H/file"
compare chmod -R go-w "$H/dir"
compare chgrp games "$H/file"
compare chgrp -R games "$H/dir" "$H/file"
expect_eq "host tree unchanged" "$before" "$(snapshot)"

done_testing
