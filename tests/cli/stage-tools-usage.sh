# stage-run, stage-ls, stage-pack: --version, and every usage error exits 2 (a failed run exits 1).
. "$STAGE_SOURCE/tests/lib.sh"
V=$(sed -n 's/^project(stage VERSION \([0-9.]*\).*/\1/p' "$STAGE_SOURCE/CMakeLists.txt")

for t in stage-run stage-ls stage-pack; do
  out=$("$STAGE_BIN/$t" --version 2>&1); rc=$?
  expect_eq "$t --version exits 0" 0 "$rc"
  expect_eq "$t --version's first line" "$t (stage) $V" "$(printf '%s\n' "$out" | head -1)"
  check "$t --help exits 0" "$STAGE_BIN/$t" --help >/dev/null
done
check "stage-run --version runs no command" sh -c "! '$STAGE_BIN/stage-run' --version -- touch '$T/ran' >/dev/null; test ! -e '$T/ran'"

# usage CASE EXPECTED-STATUS TOOL ARGS...: the status, and a message on stderr naming the tool.
usage() {
  local name=$1 want=$2; shift 2
  local err rc
  err=$(cd "$T" && env -u STAGE_DESTDIR -u STAGE_DB "$@" 2>&1 >/dev/null); rc=$?
  expect_eq "$name exits $want" "$want" "$rc"
  case $err in
    *"$(basename "$1")"*|*"--help"*) pass "$name says why" ;;
    *) fail "$name says why: [$err]" ;;
  esac
}
new_stage
usage "stage-run: unknown option" 2 "$STAGE_BIN/stage-run" --no-such -- true
usage "stage-run: no command" 2 "$STAGE_BIN/stage-run" --destdir "$DESTDIR"
usage "stage-run: no staging root" 2 "$STAGE_BIN/stage-run" -- true
usage "stage-ls: unknown format" 2 "$STAGE_BIN/stage-ls" --destdir "$DESTDIR" --format nope
usage "stage-ls: relative --prefix" 2 "$STAGE_BIN/stage-ls" --destdir "$DESTDIR" --format plist --prefix usr
usage "stage-ls: --missing with mtree" 2 "$STAGE_BIN/stage-ls" --destdir "$DESTDIR" --missing --format mtree
usage "stage-ls: --check with a format" 2 "$STAGE_BIN/stage-ls" --destdir "$DESTDIR" --check --format json
usage "stage-pack: no -o" 2 "$STAGE_BIN/stage-pack" --destdir "$DESTDIR"
usage "stage-pack: relative --prefix" 2 "$STAGE_BIN/stage-pack" --destdir "$DESTDIR" --prefix usr -o "$T/p.tar"
# A run that fails (not a usage error) exits 1.
usage "stage-ls: a stage that does not exist" 1 "$STAGE_BIN/stage-ls" --destdir "$T/none"
usage "stage-pack: an unknown archive kind" 1 "$STAGE_BIN/stage-pack" --destdir "$DESTDIR" -o "$T/p.zip"
# The command's own status passes through stage-run.
"$STAGE_BIN/stage-run" -q --destdir "$DESTDIR" -- sh -c 'exit 3'; expect_eq "stage-run exits with the command's status" 3 $?

done_testing
