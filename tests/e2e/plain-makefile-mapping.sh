# End to end: a plain Makefile that knows nothing of DESTDIR
# (`install -m 755 prog /opt/...`), installed by nobody under stage-run: the
# mapping (STAGE_MAP, default /) sends it into the stage. The anchor is root's
# `make install` into the real /opt, done in a private mount namespace with a
# tmpfs on /opt so that the host is never touched.
. "$STAGE_SOURCE/tests/lib.sh"
cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"
P=/opt/stage-e2e-plain

mkdir -p "$T/pkg" && cd "$T/pkg"
printf '#!/bin/sh\necho prog\n' >prog
echo "read me" >README
cat >Makefile <<MK
PREFIX = $P
install:
	mkdir -p \$(PREFIX)/bin \$(PREFIX)/share/doc/prog \$(PREFIX)/var/run
	install -m 755 prog \$(PREFIX)/bin
	install -o root -g games -m 2755 prog \$(PREFIX)/bin/prog-games
	install -m 644 README \$(PREFIX)/share/doc/prog/README
	ln -s prog \$(PREFIX)/bin/prog-alias
	chmod 1777 \$(PREFIX)/var/run
	chown games:games \$(PREFIX)/share/doc/prog/README
MK
[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$T"
check "the prefix does not exist on the host" test ! -e $P

as_nobody "$STAGE_BIN/stage-run" --destdir "$T/stage" -- make install >"$T/run.log" 2>&1
expect_eq "staged make install by nobody" 0 $?
check "nothing written to the host prefix" test ! -e $P
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --format mtree >"$T/staged.mtree"

if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
  unshare -m sh -c "mount -t tmpfs tmpfs /opt && make install >/dev/null 2>&1 && $cmp_tool snapshot / $P" >"$T/root.list"
  $cmp_tool mtree "$T/staged.mtree" "$T/stage" $P >"$T/staged.list"
  check "root install produced entries" test -s "$T/root.list"
  if diff -u "$T/root.list" "$T/staged.list"; then pass "staged equals root install"; else fail "staged differs from root install"; fi
else
  skip_part "the comparison with a root install needs root and unshare -m"
fi
check "host prefix still absent" test ! -e $P
done_testing
