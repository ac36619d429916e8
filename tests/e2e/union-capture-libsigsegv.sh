# Union capture with a real Debian source package: libsigsegv 2.14 (libtool,
# shared library enabled as Debian builds it) configured with
# --prefix=/usr/pkg, `make install` without DESTDIR as nobody under
# stage-run --root --map /usr/pkg equals a root install, and the host's
# /usr/pkg never appears.
. "$STAGE_SOURCE/tests/lib.sh"
umask 022
union_capture_autoconf libsigsegv --enable-shared
L=$T/staged.list
check "libtool's link to the shared library, made by cd \$libdir && ln -s" grep -qE '^/usr/pkg/lib/libsigsegv.so link - root root libsigsegv.so.2.0.7$' "$L"
check "the header" grep -qE '^/usr/pkg/include/sigsegv.h file 0644 root root ' "$L"
check "libtool's .la file" grep -qE '^/usr/pkg/lib/libsigsegv.la file 0755 root root ' "$L"
done_testing
