# stage-run --sandbox: the build may write only to the stage, the database,
# its own directory and the temp directories; no network sockets; the
# drop-ins still work; a write elsewhere fails instead of touching the host.
. "$STAGE_SOURCE/tests/lib.sh"
if "$STAGE_BIN/stage-run" -q --sandbox --destdir "$T/probe" -- true 2>&1 | grep -q 'needs Landlock'; then
  echo "skip: this kernel has no Landlock"; exit 77
fi
mkdir -p "$T/build" && echo data >"$T/build/data"
# "Outside" must not be a temp directory (those stay writable), and must be
# writable by nobody, so that only the sandbox can stop the write.
# (Not the build tree either: a clone may live under /tmp.)
if [ "$(id -u)" -eq 0 ]; then O=$(mktemp -d /var/lib/stage-sandbox-outside.XXXXXX)
else O=$(mktemp -d "$HOME/.stage-sandbox-outside.XXXXXX"); fi
case $O in /tmp/*|/var/tmp/*|"${TMPDIR:-/tmp}"/*) echo "skip: no directory outside the temp directories"; exit 77 ;; esac
chmod 777 "$O"
trap 'rm -rf "$T" "$O"' EXIT
[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$T"
cd "$T/build"

run() {  # run USER-CMD: as root and as nobody alike
  "$@"
}
for who in root nobody; do
  [ $who = nobody ] && run() { as_nobody "$@"; }
  s="$T/stage-$who"
  run "$STAGE_BIN/stage-run" -q --sandbox --destdir "$s" -- sh -c '
    install -D -o root -m 4755 data /usr/pkg/bin/prog || exit 10
    mkdir -p /var/spool/x || exit 11
    echo scratch >"$PWD/scratch.$$" || exit 12
    echo tmp >"${TMPDIR:-/tmp}/stage-sandbox-test.$$" && rm -f "${TMPDIR:-/tmp}/stage-sandbox-test.$$" || exit 13
    echo null >/dev/null || exit 14
    exit 0' 2>"$T/err-$who"
  expect_eq "$who: staged writes, build dir, temp and /dev/null allowed" 0 $?
  run "$STAGE_BIN/stage-ls" --destdir "$s" >"$T/ls-$who"
  check "$who: the staged setuid file is recorded" grep -q '^-rwsr-xr-x root .* /usr/pkg/bin/prog$' "$T/ls-$who"

  run "$STAGE_BIN/stage-run" -q --sandbox --destdir "$s" -- sh -c "echo x >'$O/file'" 2>/dev/null
  check "$who: a write outside fails" test $? -ne 0
  check "$who: ... and leaves nothing" test ! -e "$O/file"
  run "$STAGE_BIN/stage-run" -q --sandbox --destdir "$s" -- /usr/bin/install data "$O/gnu-installed" 2>/dev/null
  check "$who: GNU install by absolute path cannot write outside" test ! -e "$O/gnu-installed"
  run "$STAGE_BIN/stage-run" -q --sandbox --destdir "$s" -- python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM)' 2>/dev/null
  check "$who: no network sockets" test $? -ne 0
  run "$STAGE_BIN/stage-run" -q --sandbox --destdir "$s" -- sh -c 'exit 7'
  expect_eq "$who: the command's exit status" 7 $?
done
check "the host stayed untouched" test ! -e /usr/pkg/bin/prog -a ! -e /var/spool/x
done_testing
