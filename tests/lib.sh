# Shared helpers for the shell tests. Source it: . "$STAGE_SOURCE/tests/lib.sh"
# Every test runs in its own scratch directory, removed at exit.
set -u
: "${STAGE_BUILD:?run through ctest}"
T=$(mktemp -d /tmp/stage-test.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
cd "$T"
FAILS=0
GNU_INSTALL=/usr/bin/install
D=$STAGE_DROPINS

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
# check NAME COMMAND...: passes when COMMAND succeeds.
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected [$2] got [$3]"; fi
}
# as_nobody CMD...: runs CMD as the unprivileged user nobody (CI runs as root).
as_nobody() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- env PATH="$PATH" HOME=/nonexistent "$@"
  else
    "$@"
  fi
}
# done_testing: exit status of the test.
done_testing() {
  if [ "$FAILS" -ne 0 ]; then echo "$FAILS check(s) failed" >&2; exit 1; fi
  echo "all checks passed"
}
