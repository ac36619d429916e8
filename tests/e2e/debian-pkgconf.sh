# End to end: a real Debian source package that uses libtool (pkgconf 1.8.1,
# upstream tarball, fetched by scripts/setup), configured under stage-run,
# built and installed by nobody; the staged result must equal a root
# `make install DESTDIR=...` of the same build tree with GNU's tools.
. "$STAGE_SOURCE/tests/lib.sh"
cache=/var/cache/stage/deb-src
orig=$(ls "$cache"/pkgconf_*.orig.tar.* 2>/dev/null | head -1)
[ -n "$orig" ] || { fail "pkgconf source missing from $cache: run scripts/setup"; done_testing; }

tar -xf "$orig" -C "$T"
cd "$T"/pkgconf-*/ || { fail "unpack"; done_testing; }
[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$T"
autoconf_staged_vs_root install
L=$T/staged-install.list
check "the shared library's soname link" grep -qE '^/usr/pkg/lib/libpkgconf.so.3 link - root root libpkgconf.so.3.0.0$' "$L"
check "the program" grep -qE '^/usr/pkg/bin/pkgconf file 0755 root root ' "$L"
done_testing
