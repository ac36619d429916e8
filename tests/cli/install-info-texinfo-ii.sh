# install-info: texinfo 6.8's own test cases (ii-0001..ii-0057, vendored in
# tests/texinfo-ii) pass against the drop-in.
. "$STAGE_SOURCE/tests/lib.sh"
check "texinfo's ii cases all pass" "$STAGE_SOURCE/scripts/texinfo-ii-tests" -v "$D/install-info"
# The same cases also run with STAGE_DESTDIR set: their files live in the
# temporary directory, which passes through to the real filesystem.
mkdir stage
check "texinfo's ii cases pass in active mode on passthrough paths" \
  env STAGE_DESTDIR="$T/stage" "$STAGE_SOURCE/scripts/texinfo-ii-tests" -v "$D/install-info"
check "and nothing was recorded" test "$(sqlite3 "$T/stage.stagedb" 'select count(*) from entries' 2>/dev/null || echo 0)" = 0
done_testing
