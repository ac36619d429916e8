# End to end: an autoconf + automake + libtool package, generated here,
# configured under stage-run (so AC_PROG_INSTALL and AC_PROG_MKDIR_P pick the
# drop-ins) and installed by nobody with `make -j2 install` and
# `make install-strip`; the staged result (stage-ls --format mtree) must equal
# a root `make install DESTDIR=...` of the same build tree with GNU's tools:
# paths, types, contents, link targets, modes, owners and groups.
. "$STAGE_SOURCE/tests/lib.sh"
cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"

mkdir -p "$T/pkg" && cd "$T/pkg"
cat >configure.ac <<'AC'
AC_INIT([stagedemo], [1.0])
AC_CONFIG_AUX_DIR([build-aux])
AM_INIT_AUTOMAKE([foreign subdir-objects])
AC_PROG_CC
LT_INIT
AC_CONFIG_FILES([Makefile stagedemo.pc])
AC_OUTPUT
AC
cat >Makefile.am <<'AM'
lib_LTLIBRARIES = libdemo.la
libdemo_la_SOURCES = libdemo.c
libdemo_la_LDFLAGS = -version-info 3:1:1
include_HEADERS = demo.h
bin_PROGRAMS = demo
demo_SOURCES = demo.c
demo_LDADD = libdemo.la
pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = stagedemo.pc
dist_man_MANS = demo.1
info_TEXINFOS = demo.texi
install-exec-hook:
	chown root:root $(DESTDIR)$(bindir)/demo
	chmod 4755 $(DESTDIR)$(bindir)/demo
AM
cat >stagedemo.pc.in <<'PC'
prefix=@prefix@
libdir=@libdir@
Name: stagedemo
Description: stage's end-to-end test library
Version: @VERSION@
Libs: -L${libdir} -ldemo
PC
echo 'int demo_answer(void);' >demo.h
printf '#include "demo.h"\nint demo_answer(void) { return 42; }\n' >libdemo.c
printf '#include <stdio.h>\n#include "demo.h"\nint main(void) { printf("%%d\\n", demo_answer()); return 0; }\n' >demo.c
printf '.TH DEMO 1\n.SH NAME\ndemo \\- answer\n' >demo.1
cat >demo.texi <<'TEXI'
\input texinfo
@setfilename demo.info
@settitle Demo
@dircategory Development
@direntry
* Demo: (demo).                 The stage end-to-end demo.
@end direntry
@node Top
@top Demo
The answer is 42.
@bye
TEXI
autoreconf -fi >/dev/null 2>&1 || { fail "autoreconf"; done_testing; }
[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$T"

run_nobody() { as_nobody env HOME="$T" "$@"; }
run_nobody "$STAGE_BIN/stage-run" -q --destdir "$T/stage" -- ./configure --prefix=/usr/pkg >"$T/configure.log" 2>&1
expect_eq "configure under stage-run" 0 $?
check "configure picked our install (AC_PROG_INSTALL prefers the name ginstall)" grep -qE "^INSTALL = $STAGE_DROPINS/g?install -c\$" Makefile
check "configure picked our mkdir -p" grep -q "^MKDIR_P = $STAGE_DROPINS/mkdir -p\$" Makefile
run_nobody make -j2 >"$T/build.log" 2>&1
expect_eq "build" 0 $?

# Staged, by nobody.
run_nobody "$STAGE_BIN/stage-run" --destdir "$T/stage" -- make -j2 install >"$T/install.log" 2>&1
expect_eq "staged make -j2 install" 0 $?
check "summary: nothing untracked" grep -q ' 0 untracked' "$T/install.log"
run_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --format mtree >"$T/staged.mtree"
expect_eq "mtree export" 0 $?

# The anchor: root, GNU's tools, same build tree.
make install DESTDIR="$T/root" INSTALL='/usr/bin/install -c' MKDIR_P='/usr/bin/mkdir -p' >"$T/root.log" 2>&1
expect_eq "root make install" 0 $?
$cmp_tool snapshot "$T/root" /usr/pkg >"$T/root.list"
$cmp_tool mtree "$T/staged.mtree" "$T/stage" /usr/pkg >"$T/staged.list"
if diff -u "$T/root.list" "$T/staged.list"; then pass "staged install equals root install"; else fail "staged install differs from root install"; fi
check "setuid root program in the listing" grep -q '^/usr/pkg/bin/demo file 4755 root root ' "$T/staged.list"
check "soname symlink in the listing" grep -q '^/usr/pkg/lib/libdemo.so.2 link - root root libdemo.so.2.1.1$' "$T/staged.list"
check "info dir file in the listing" grep -q '^/usr/pkg/share/info/dir file ' "$T/staged.list"

# install-strip: automake's install-sh path (cp, chmod, mv through PATH).
run_nobody "$STAGE_BIN/stage-run" --destdir "$T/stage-strip" -- make install-strip >"$T/strip.log" 2>&1
expect_eq "staged make install-strip" 0 $?
run_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage-strip" --format mtree >"$T/strip.mtree"
make install-strip DESTDIR="$T/root-strip" INSTALL='/usr/bin/install -c' MKDIR_P='/usr/bin/mkdir -p' >/dev/null 2>&1
$cmp_tool snapshot "$T/root-strip" /usr/pkg >"$T/root-strip.list"
$cmp_tool mtree "$T/strip.mtree" "$T/stage-strip" /usr/pkg >"$T/strip.list"
if diff -u "$T/root-strip.list" "$T/strip.list"; then pass "staged install-strip equals root install-strip"; else fail "staged install-strip differs"; fi
done_testing
