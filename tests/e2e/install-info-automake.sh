# End to end: an automake package (generated here) whose `make install`
# installs an Info manual and runs install-info, staged as nobody with the
# drop-ins first on PATH: once with DESTDIR and STAGE_INFO=dir, once into a
# Makefile path without DESTDIR and STAGE_INFO=record.
. "$STAGE_SOURCE/tests/lib.sh"
for tool in autoreconf automake makeinfo make; do
  command -v $tool >/dev/null || skip_test "$tool not installed"
done
W=$T/w
mkdir -p "$W/zed"
cd "$W/zed"
cat > configure.ac <<'AC'
AC_INIT([zed], [1.0])
AM_INIT_AUTOMAKE([foreign])
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
AC
cat > Makefile.am <<'AM'
info_TEXINFOS = zed.texi
AM
cat > zed.texi <<'TEXI'
\input texinfo
@setfilename zed.info
@settitle The Zed Manual
@dircategory Zebras
@direntry
* Zed: (zed).           Striped horses, and how to count their stripes.
@end direntry

@node Top
@top Zed
Zebras have stripes.
@bye
TEXI
[ "$(id -u)" -eq 0 ] && chown -R nobody "$W"
export PATH="$D:$PATH"
q() { sqlite3 "$1" "$2"; }

# configure sees the drop-ins first on PATH, as under stage-run.
check "autoreconf" as_nobody autoreconf -fi >/dev/null 2>&1
check "configure" as_nobody ./configure --prefix=/usr >/dev/null
# AC_PROG_INSTALL prefers the name ginstall, which the drop-in answers to as well.
check "configure picked the drop-in install" grep -Eq "^INSTALL = $D/g?install" Makefile
as_nobody make >/dev/null 2>&1
check "make builds zed.info" test -f zed.info

# 1. make install DESTDIR=..., STAGE_INFO=dir: the stage's dir file is texinfo's.
S=$W/stage
as_nobody mkdir "$S"
out=$(as_nobody env STAGE_DESTDIR="$S" make install DESTDIR="$S" 2>&1); rc=$?
expect_eq "make install DESTDIR=\$stage" 0 $rc
check "make ran install-info" sh -c "echo \"\$1\" | grep -q \"install-info --info-dir='$S/usr/share/info'\"" _ "$out"
check "the manual is staged" test -f "$S/usr/share/info/zed.info"
mkdir ref && cp zed.info ref/
REF=/usr/bin/install-info; [ -x "$REF" ] || REF=$D/install-info
"$REF" --info-dir=ref ref/zed.info
check "the staged dir file is what texinfo writes" cmp "$S/usr/share/info/dir" ref/dir
check "  with the manual's entry" grep -q '^\* Zed: (zed).  *Striped horses' "$S/usr/share/info/dir"
expect_eq "the manual is recorded" "/usr/share/info/zed.info|file|420|root|root" \
  "$(q "$S.stagedb" "select path,type,mode,uname,gname from entries where path='/usr/share/info/zed.info'")"
expect_eq "the dir file is recorded" "/usr/share/info/dir|file|420|root|root|install-info" \
  "$(q "$S.stagedb" "select path,type,mode,uname,gname,tool from entries where path='/usr/share/info/dir'")"
expect_eq "the info directory is recorded (by mkdir -p)" "/usr/share/info|dir|493" \
  "$(q "$S.stagedb" "select path,type,mode from entries where path='/usr/share/info'")"
check "nothing went to the host" test ! -e /usr/share/info/zed.info

# make uninstall runs install-info --delete: the entry and its section go.
as_nobody env STAGE_DESTDIR="$S" make uninstall DESTDIR="$S" >/dev/null 2>&1
"$REF" --delete --info-dir=ref ref/zed.info
check "make uninstall: the staged dir file is what texinfo leaves" cmp "$S/usr/share/info/dir" ref/dir
check "  without the entry" sh -c "! grep -q Zed '$S/usr/share/info/dir'"

# 2. Without DESTDIR (rule 3: /usr maps into the stage), STAGE_INFO=record.
S2=$W/stage2
as_nobody mkdir "$S2"
out=$(as_nobody env STAGE_DESTDIR="$S2" STAGE_INFO=record make install 2>&1); rc=$?
expect_eq "make install without DESTDIR" 0 $rc
check "the manual is staged under its real path" test -f "$S2/usr/share/info/zed.info"
check "no dir file in record mode" test ! -e "$S2/usr/share/info/dir"
expect_eq "the entry is recorded for the package's install time" \
  "/usr/share/info/zed.info|/usr/share/info/dir|Zebras|* Zed: (zed).                   Striped horses, and how to count their stripes." \
  "$(q "$S2.stagedb" "select info_file,dir_file,section,replace(entry,char(10),'') from info")"
done_testing
