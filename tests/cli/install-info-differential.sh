# install-info: random command lines give the same status, output and dir
# file as texinfo's own install-info (when installed), apart from the
# deliberate differences listed in scripts/install-info-differential.
. "$STAGE_SOURCE/tests/lib.sh"
if [ ! -x /usr/bin/install-info ] || ! command -v python3 >/dev/null; then
  skip_test "needs /usr/bin/install-info (Debian package install-info) and python3"
fi
check "same as texinfo over 150 random command lines" \
  "$STAGE_SOURCE/scripts/install-info-differential" --seed 1 --count 150 --ours "$D/install-info"
done_testing
