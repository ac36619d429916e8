# End to end: a BSD make project using the mk files Debian's bmake ships
# (prog.mk with a man page, BINOWN/BINGRP/BINMODE), installed by nobody
# through the BSD make fragment (MAKECONF=mk/stage-bsd.mk); the staged result
# must equal a root `bmake install DESTDIR=...` with GNU install.
. "$STAGE_SOURCE/tests/lib.sh"
cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"

mkdir -p "$T/prog" && cd "$T/prog"
printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' >hello.c
printf '.TH HELLO 1\n.SH NAME\nhello \\- greet\n' >hello.1
cat >Makefile <<'MK'
PROG=	hello
MAN=	hello.1
BINDIR=	/usr/pkg/bin
MANDIR=	/usr/pkg/man
BINOWN=	root
BINGRP=	games
BINMODE= 2755
.include <prog.mk>
MK
[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$T"
as_nobody bmake >"$T/build.log" 2>&1
expect_eq "bmake builds as nobody" 0 $?

as_nobody bmake install DESTDIR="$T/stage" MAKECONF="$STAGE_SOURCE/mk/stage-bsd.mk" STAGE_DROPINS="$STAGE_DROPINS" >"$T/install.log" 2>&1
expect_eq "staged bmake install as nobody" 0 $?
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --untracked >"$T/untracked"
expect_eq "stage-ls --untracked" 0 $?
expect_eq "nothing untracked" "" "$(cat "$T/untracked")"
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --format mtree >"$T/staged.mtree"

bmake install DESTDIR="$T/root" >"$T/root.log" 2>&1
expect_eq "root bmake install" 0 $?
$cmp_tool snapshot "$T/root" /usr/pkg >"$T/root.list"
$cmp_tool mtree "$T/staged.mtree" "$T/stage" /usr/pkg >"$T/staged.list"
if diff -u "$T/root.list" "$T/staged.list"; then pass "staged bmake install equals root's"; else fail "staged bmake install differs"; fi
check "setgid games program" grep -q '^/usr/pkg/bin/hello file 2755 root games ' "$T/staged.list"
check "man page owned as MANOWN" grep -q '^/usr/pkg/man/cat1/hello.1 file 0444 root games ' "$T/staged.list"

# Without the fragment, nobody cannot do it: root hides bugs.
as_nobody bmake install DESTDIR="$T/plain" >/dev/null 2>&1
check "plain bmake install as nobody fails" test $? -ne 0
done_testing
