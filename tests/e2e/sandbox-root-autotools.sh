# The autoconf/libtool e2e package (autotools-libtool.sh) installed under
# stage-run --sandbox --root: `make -j2 install` and `make install-strip` by nobody
# give exactly what a root install gives, and nothing is denied.
[ -n "${STAGE_SOURCE:-}" ] || { echo "run through ctest"; exit 2; }
# The probe runs in a directory of its own: started as root, --sandbox hands
# the build directory over to nobody.
probe=$(mktemp -d /tmp/stage-probe.XXXXXX) && chmod 755 "$probe"
out=$(cd "$probe" && "$STAGE_BIN/stage-run" -q --sandbox --destdir "$probe/d" --root -- true 2>&1)
rc=$?
rm -rf "$probe"
[ "$rc" -eq 0 ] || { echo "skip: --sandbox cannot run on this kernel: $out"; exit 77; }
export STAGE_RUN_FLAGS="--sandbox --root"
exec bash "$STAGE_SOURCE/tests/e2e/autotools-libtool.sh"
