# install-info: texinfo 6.8's own test cases (ii-0001..ii-0057, vendored in
# tests/texinfo-ii) pass against the drop-in.
. "$STAGE_SOURCE/tests/lib.sh"
check "texinfo's ii cases all pass" "$STAGE_SOURCE/scripts/texinfo-ii-tests" -v "$D/install-info"
done_testing
