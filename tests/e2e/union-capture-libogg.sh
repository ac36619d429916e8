# Union capture with a real Debian source package that uses libtool: libogg
# 1.3.5 configured with --prefix=/usr/pkg, `make install` without DESTDIR as
# nobody under stage-run --root --map /usr/pkg (libtool's `cd $libdir && ln
# -s` for the shared library's links, ranlib rewriting the static library in
# place) equals a root install, and the host's /usr/pkg never appears.
. "$STAGE_SOURCE/tests/lib.sh"
umask 022
union_capture_autoconf libogg
L=$T/staged.list
check "libtool's soname link, made by cd \$libdir && ln -s" grep -qE '^/usr/pkg/lib/libogg.so.0 link - root root libogg.so.0.8.5$' "$L"
check "the static library, rewritten by ranlib" grep -qE '^/usr/pkg/lib/libogg.a file 0644 root root ' "$L"
check "a header" grep -qE '^/usr/pkg/include/ogg/ogg.h file 0644 root root ' "$L"
done_testing
