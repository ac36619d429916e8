# Man pages: mandoc -T lint finds nothing at warning level or above, every
# stage-* option appears in its page, and cmake --install puts them under share/man.
. "$STAGE_SOURCE/tests/lib.sh"
M=$STAGE_SOURCE/man
command -v mandoc >/dev/null || { echo "skip: mandoc is not installed (scripts/setup installs it)"; exit 77; }
for page in stage-run.1 stage-ls.1 stage-pack.1 stage.7; do
  check "$page exists" test -s "$M/$page"
  out=$(mandoc -T lint -W warning "$M/$page" 2>&1); rc=$?
  expect_eq "$page: mandoc -T lint -W warning is clean" "" "$out"
  expect_eq "$page: mandoc -T lint exit status" 0 "$rc"
  check "$page renders" sh -c "mandoc -T ascii '$M/$page' | sed 's/.\x08//g' | grep -q '^SEE ALSO'"
done
# Every long option --help shows is documented.
for t in stage-run stage-ls stage-pack; do
  for opt in $("$STAGE_BIN/$t" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    check "$t(1) documents $opt" grep -q -- "Fl -${opt#--}\\b" "$M/$t.1"
  done
done
check "stage-run(1) states the usage exit status" grep -q '^2 for a usage error' "$M/stage-run.1"
# cmake --install lays them out under share/man.
if cmake --install "$STAGE_BUILD" --prefix "$T/inst" >"$T/install.log" 2>&1; then
  for page in man1/stage-run.1 man1/stage-ls.1 man1/stage-pack.1 man7/stage.7; do
    check "installed share/man/$page" cmp -s "$T/inst/share/man/$page" "$M/$(basename "$page")"
  done
else
  fail "cmake --install: $(tail -3 "$T/install.log")"
fi
done_testing
