# Union capture with a real Debian source package: libtasn1 4.19 (source
# package libtasn1-6; libtool shared library, programs, header, Info manual
# with its dir entry, man pages; no static library, to keep the build short)
# configured with --prefix=/usr/pkg, `make install` without DESTDIR as
# nobody under stage-run --root --map /usr/pkg equals a root install, and the
# host's /usr/pkg never appears.
. "$STAGE_SOURCE/tests/lib.sh"
umask 022
union_capture_autoconf libtasn1-6 --disable-static
L=$T/staged.list
check "libtool's soname link, made by cd \$libdir && ln -s" grep -qE '^/usr/pkg/lib/libtasn1.so.6 link - root root libtasn1.so.6.6.3$' "$L"
check "a program" grep -qE '^/usr/pkg/bin/asn1Parser file 0755 root root ' "$L"
check "the header" grep -qE '^/usr/pkg/include/libtasn1.h file 0644 root root ' "$L"
check "the Info manual's dir entry" grep -qE '^/usr/pkg/share/info/dir file 0644 root root ' "$L"
check "a man page" grep -qE '^/usr/pkg/share/man/man1/asn1Parser.1 file 0644 root root ' "$L"
done_testing
