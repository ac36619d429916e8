# Union capture with a real Debian source package: bzip2 1.0.8's
# `make install PREFIX=/usr/pkg` (cp, chmod, ln -s, no DESTDIR) as nobody
# under stage-run --root --map /usr/pkg equals a root install.
. "$STAGE_SOURCE/tests/lib.sh"
umask 022
skip_unless_root_capture
orig=$(ls /var/cache/stage/deb-src/bzip2_1.0.8.orig.tar.* 2>/dev/null | head -1)
[ -n "$orig" ] || { fail "bzip2 source missing from /var/cache/stage/deb-src: run scripts/setup"; done_testing; }
tar -xf "$orig" -C "$T" && cd "$T"/bzip2-1.0.8 || { fail "unpack"; done_testing; }
chown -R nobody:nogroup "$T"
as_nobody make -j2 bzip2 bzip2recover >"$T/build.log" 2>&1
expect_eq "build" 0 $?
capture_vs_root /usr/pkg make install PREFIX=/usr/pkg
check "bzip2 is installed" grep -q '^/usr/pkg/bin/bzip2 file 0755 root root ' "$T/staged.list"
check "bzcmp is a symlink made by ln -s" grep -q '^/usr/pkg/bin/bzcmp link - root root /usr/pkg/bin/bzdiff$' "$T/staged.list"
done_testing
