# End to end: an autoconf + automake + libtool package, generated here,
# configured under stage-run (so AC_PROG_INSTALL and AC_PROG_MKDIR_P pick the
# drop-ins) and installed by nobody with `make -j2 install` and
# `make install-strip`; the staged result (stage-ls --format mtree) must equal
# a root `make install DESTDIR=...` of the same build tree with GNU's tools:
# paths, types, contents, link targets, modes, owners and groups.
. "$STAGE_SOURCE/tests/lib.sh"

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

autoconf_staged_vs_root install install-strip
L=$T/staged-install.list
check "setuid root program in the listing" grep -q '^/usr/pkg/bin/demo file 4755 root root ' "$L"
check "soname symlink in the listing" grep -q '^/usr/pkg/lib/libdemo.so.2 link - root root libdemo.so.2.1.1$' "$L"
check "info dir file in the listing" grep -q '^/usr/pkg/share/info/dir file ' "$L"
check "install-strip stripped the program" sh -c "! cmp -s '$T/stage-install/usr/pkg/bin/demo' '$T/stage-install-strip/usr/pkg/bin/demo'"
done_testing
