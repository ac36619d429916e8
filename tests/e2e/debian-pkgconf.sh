# End to end: a real Debian source package that uses libtool (pkgconf 1.8.1,
# upstream tarball, fetched by scripts/setup), configured under stage-run,
# built and installed by nobody; the staged result must equal a root
# `make install DESTDIR=...` of the same build tree with GNU's tools.
. "$STAGE_SOURCE/tests/lib.sh"
cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"
cache=/var/cache/stage/deb-src
orig=$(ls "$cache"/pkgconf_*.orig.tar.* 2>/dev/null | head -1)
[ -n "$orig" ] || { fail "pkgconf source missing from $cache: run scripts/setup"; done_testing; }

tar -xf "$orig" -C "$T"
cd "$T"/pkgconf-*/ || { fail "unpack"; done_testing; }
src=$PWD
[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$T"
run_nobody() { as_nobody env HOME="$T" "$@"; }

run_nobody "$STAGE_BIN/stage-run" -q --destdir "$T/stage" -- ./configure --prefix=/usr/pkg >"$T/configure.log" 2>&1
expect_eq "configure under stage-run" 0 $?
check "AC_PROG_INSTALL chose our install (it prefers the name ginstall)" grep -qE "^INSTALL = $STAGE_DROPINS/g?install -c\$" Makefile
check "AC_PROG_MKDIR_P chose our mkdir -p" grep -q "^MKDIR_P = $STAGE_DROPINS/mkdir -p\$" Makefile
run_nobody make -j2 >"$T/build.log" 2>&1
expect_eq "build" 0 $?
run_nobody "$STAGE_BIN/stage-run" --destdir "$T/stage" -- make -j2 install >"$T/install.log" 2>&1
expect_eq "staged make -j2 install by nobody" 0 $?
check "nothing untracked" grep -q ' 0 untracked' "$T/install.log"
run_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --format mtree >"$T/staged.mtree"
expect_eq "mtree export" 0 $?

make install DESTDIR="$T/root" INSTALL='/usr/bin/install -c' MKDIR_P='/usr/bin/mkdir -p' >"$T/root.log" 2>&1
expect_eq "root make install" 0 $?
$cmp_tool snapshot "$T/root" /usr/pkg >"$T/root.list"
$cmp_tool mtree "$T/staged.mtree" "$T/stage" /usr/pkg >"$T/staged.list"
if diff -u "$T/root.list" "$T/staged.list"; then pass "staged install equals root install"; else fail "staged install differs from root install"; fi
check "the shared library's soname link" grep -qE '^/usr/pkg/lib/libpkgconf.so.3 link - root root libpkgconf.so.3.0.0$' "$T/staged.list"
check "the program" grep -qE '^/usr/pkg/bin/pkgconf file 0755 root root ' "$T/staged.list"
expect_eq "listing not empty" 1 "$([ "$(wc -l <"$T/staged.list")" -gt 10 ] && echo 1)"
done_testing
