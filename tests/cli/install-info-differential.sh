# install-info: random command lines give the same status, output and dir
# file as texinfo's own install-info (when installed), apart from the
# deliberate differences listed in scripts/install-info-differential; as
# root, each also staged by nobody (dir mode) against texinfo run as root.
. "$STAGE_SOURCE/tests/lib.sh"
if [ ! -x /usr/bin/install-info ] || ! command -v python3 >/dev/null; then
  skip_test "needs /usr/bin/install-info (Debian package install-info) and python3"
fi
if [ "$MY_UID" -eq 0 ]; then
  check "same as texinfo over 150 random command lines, inactive and staged by nobody" \
    "$STAGE_SOURCE/scripts/install-info-differential" --seed 1 --count 150 --staged --ours "$D/install-info"
else
  check "same as texinfo over 150 random command lines" \
    "$STAGE_SOURCE/scripts/install-info-differential" --seed 1 --count 150 --ours "$D/install-info"
  skip_part "the staged half needs root (ours runs as nobody against texinfo as root)"
fi
done_testing
