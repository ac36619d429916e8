# Union capture with GNU hello 2.10 (the Debian source package's upstream
# tarball): configured with --prefix=/usr/pkg before stage was on PATH (its
# Makefile runs /usr/bin/install by absolute path), `make install DESTDIR=`
# as nobody under stage-run --root --map /usr/pkg equals a root install.
. "$STAGE_SOURCE/tests/lib.sh"
umask 022
skip_unless_root_capture
orig=$(ls /var/cache/stage/deb-src/hello_2.10.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -1)
[ -n "$orig" ] || { fail "hello source missing from /var/cache/stage/deb-src: run scripts/setup"; done_testing; }
tar -xf "$orig" -C "$T" && cd "$T"/hello-2.10 || { fail "unpack"; done_testing; }
chown -R nobody:nogroup "$T"
as_nobody env HOME="$T" ./configure --prefix=/usr/pkg --disable-nls >"$T/configure.log" 2>&1
expect_eq "configure" 0 $?
as_nobody make -j2 >"$T/build.log" 2>&1
expect_eq "build" 0 $?
capture_vs_root /usr/pkg make install DESTDIR=
check "hello is installed" grep -q '^/usr/pkg/bin/hello file 0755 root root ' "$T/staged.list"
check "its info manual too" grep -q '^/usr/pkg/share/info/hello.info file 0644 root root ' "$T/staged.list"
done_testing
