# A test that cannot run says so with ctest's skip code (77) and a reason,
# never exit 0; one that drops part of its checks ends as skipped too.
# (Issue 9, item 14: four scripts exited 0 on a skip.)
. "$STAGE_SOURCE/tests/lib.sh"
[ "$MY_UID" -eq 0 ] || skip_test "needs root to run the other tests as nobody"

# run_test_as_nobody SCRIPT [VAR=VALUE...]: a test script run as nobody, as ctest would run it.
run_test_as_nobody() {
  local script=$1
  shift
  (cd /tmp && setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- env PATH="$PATH" \
    HOME=/nonexistent STAGE_BUILD="$STAGE_BUILD" STAGE_BIN="$STAGE_BIN" STAGE_DROPINS="$STAGE_DROPINS" \
    STAGE_SOURCE="$STAGE_SOURCE" "$@" bash "$STAGE_SOURCE/tests/$script") >"$T/out" 2>&1
}
for script in cli/chown-matches-gnu.sh cli/stage-as-nobody.sh; do
  run_test_as_nobody "$script"
  expect_eq "$script as nobody: skipped" 77 $?
  check "$script as nobody: says why" grep -q '^SKIP: ' "$T/out"
done

# Without makeinfo on PATH, the automake end-to-end test is a skip.
mkdir "$T/bin"
for f in /usr/bin/* /bin/*; do
  case ${f##*/} in makeinfo | texi2any) ;; *) [ -e "$T/bin/${f##*/}" ] || ln -s "$f" "$T/bin/"; esac
done
run_test_as_nobody e2e/install-info-automake.sh PATH="$T/bin"
expect_eq "e2e/install-info-automake.sh without makeinfo: skipped" 77 $?
check "  says why" grep -q '^SKIP: makeinfo not installed' "$T/out"

# Its main comparison needs root: as nobody the rest runs, then a skip.
run_test_as_nobody e2e/plain-makefile-mapping.sh
expect_eq "e2e/plain-makefile-mapping.sh as nobody: skipped, not passed" 77 $?
check "  the rest ran and passed" grep -q '^ok: staged make install by nobody' "$T/out"
check "  says what did not run" grep -q '^SKIP: every check that ran passed, but not run here: the comparison' "$T/out"

# lib.sh itself: a failure wins over a skipped part.
cat >"$T/t.sh" <<'SH'
. "$STAGE_SOURCE/tests/lib.sh"
skip_part "part one"
[ "${FAIL_TOO:-}" = 1 ] && fail "something"
done_testing
SH
bash "$T/t.sh" >"$T/out" 2>&1
expect_eq "skip_part alone: 77" 77 $?
FAIL_TOO=1 bash "$T/t.sh" >"$T/out" 2>&1
expect_eq "skip_part and a failure: 1" 1 $?
done_testing
