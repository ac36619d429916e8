# End to end: a real Debian source package built with meson (fuse3 3.14.0,
# Debian's source with its patches), configured and built by nobody, then
# `meson install` by nobody under stage-run --root. Upstream's install script
# (util/install_helper.sh with -Duseroot=true, meson's default) runs
# `chown root:root` and `chmod u+s` on fusermount3 and `mknod /dev/fuse c 10
# 229`; meson itself copies every other file (no install program). The
# staged result must equal root's `DESTDIR=... meson install` of the same
# build; and without DESTDIR, captured (--map /usr/pkg), it must equal root's
# install into a tmpfs on /usr/pkg in a private mount namespace.
. "$STAGE_SOURCE/tests/lib.sh"
[ "$(id -u)" -eq 0 ] || skip_test "the anchor is a root install (run as root, as CI does)"
command -v meson >/dev/null && command -v ninja >/dev/null || skip_test "meson or ninja missing (scripts/setup installs them)"
command -v dpkg-source >/dev/null || skip_test "dpkg-source missing (Debian package dpkg-dev)"
umask 022
chown nobody:nogroup "$T"
skip_unless_root_namespace
cache=/var/cache/stage/deb-src
dsc=$(ls "$cache"/fuse3_*.dsc 2>/dev/null | head -1)
if [ -z "$dsc" ] || [ -z "$(ls "$cache"/fuse3_*.orig.tar.* 2>/dev/null)" ]; then
  # scripts/setup fetches it; the archive has answered 404 for some sources.
  "$STAGE_SOURCE/scripts/deb-src" --into "$cache" fuse3 >"$T/fetch.log" 2>&1 ||
    skip_test "the fuse3 source cannot be fetched into $cache: $(tail -2 "$T/fetch.log")"
  dsc=$(ls "$cache"/fuse3_*.dsc | head -1)
fi
dpkg-source -x "$dsc" "$T/src" >"$T/unpack.log" 2>&1 || { fail "dpkg-source -x $dsc"; cat "$T/unpack.log"; done_testing; }
chown -R nobody:nogroup "$T"
cd "$T/src" || exit 1
as_nobody meson setup build --prefix=/usr/pkg --sysconfdir=/usr/pkg/etc --buildtype=plain \
  -Dudevrulesdir=/usr/pkg/lib/udev/rules.d -Dinitscriptdir= -Dexamples=false -Dtests=false -Duseroot=true \
  >"$T/setup.log" 2>&1
rc=$?
expect_eq "meson setup by nobody" 0 $rc
[ $rc -eq 0 ] || { tail -20 "$T/setup.log"; done_testing; }
as_nobody ninja -C build -j2 >"$T/build.log" 2>&1
rc=$?
expect_eq "ninja by nobody" 0 $rc
[ $rc -eq 0 ] || { tail -20 "$T/build.log"; done_testing; }

# With DESTDIR (stage-run exports it). Staged first: root's run leaves
# root-owned logs in the build directory.
as_nobody env HOME="$T" "$STAGE_BIN/stage-run" -q --root --destdir "$T/dstage" -- meson install -C build --no-rebuild \
  >"$T/dstage.log" 2>&1
expect_eq "meson install by nobody under --root" 0 $?
grep -i "unable to set owner\|operation not permitted" "$T/dstage.log" && fail "a change was refused"
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/dstage" --format mtree >"$T/dstage.mtree"
expect_eq "mtree export" 0 $?
env DESTDIR="$T/droot" meson install -C build --no-rebuild >"$T/droot.log" 2>&1
expect_eq "meson install by root" 0 $?
cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"
$cmp_tool snapshot "$T/droot" / >"$T/droot.list"
$cmp_tool mtree "$T/dstage.mtree" "$T/dstage" / >"$T/dstage.list"
check "the root install is not empty" test "$(wc -l <"$T/droot.list")" -gt 10
if diff -u "$T/droot.list" "$T/dstage.list"; then pass "staged equals root's"
else fail "staged differs from root's"; cat "$T/dstage.log"; fi
check "fusermount3 is setuid root" grep -q '^/usr/pkg/bin/fusermount3 file 4755 root root ' "$T/dstage.list"
check "/dev/fuse is a character device 10,229" grep -q '^/dev/fuse char 0666 root root 10,229$' "$T/dstage.list"
check "the library is installed" grep -q '^/usr/pkg/lib/.*libfuse3.so.3 link ' "$T/dstage.list"
expect_eq "nothing is left untracked (meson copies files itself)" "" \
  "$(as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/dstage" --untracked)"

# Without DESTDIR: /usr/pkg captured under --root, against root's install
# into a tmpfs on /usr/pkg (/dev/fuse exists on the host, so neither makes it).
if out=$(skip_unless_root_capture 2>&1); then
  chown -R nobody:nogroup "$T/src/build"
  capture_vs_root /usr/pkg env -u DESTDIR meson install -C build --no-rebuild
  check "captured: fusermount3 is setuid root" grep -q '^/usr/pkg/bin/fusermount3 file 4755 root root ' "$T/staged.list"
  expect_eq "captured: nothing is left untracked" "" "$(as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --untracked)"
else
  skip_part "union capture: $out"
fi
done_testing
