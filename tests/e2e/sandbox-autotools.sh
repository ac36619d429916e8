# The autoconf/libtool e2e package (autotools-libtool.sh) installed under
# stage-run --sandbox: `make -j2 install` and `make install-strip` by nobody
# give exactly what a root install gives, and nothing is denied.
[ -n "${STAGE_SOURCE:-}" ] || { echo "run through ctest"; exit 2; }
if ! out=$("$STAGE_BIN/stage-run" -q --sandbox --destdir "$(mktemp -d /tmp/stage-probe.XXXXXX)/d" -- true 2>&1); then
  echo "skip: --sandbox cannot run on this kernel: $out"; exit 77
fi
export STAGE_RUN_FLAGS=--sandbox
exec bash "$STAGE_SOURCE/tests/e2e/autotools-libtool.sh"
