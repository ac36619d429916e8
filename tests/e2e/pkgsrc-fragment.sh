# The pkgsrc mk.conf fragment, loaded by bmake the way pkgsrc loads mk.conf:
# its TOOLS_PLATFORM.* point at the drop-ins, INSTALL_ENV stages an install
# phase run as nobody into ${DESTDIR}, and stage-print-PLIST /
# stage-check-PLIST turn the database into the PLIST and compare the two.
# (A stand-in for pkgsrc's install phase: pkgsrc itself is not on Debian.)
. "$STAGE_SOURCE/tests/lib.sh"

mkdir -p "$T/pkg" "$T/src" "$T/work"
echo prog >"$T/src/prog"
echo conf >"$T/src/prog.conf"
cat >"$T/pkg/Makefile" <<MK
STAGE_DROPINS=	$STAGE_DROPINS
STAGE_LS=	$STAGE_BIN/stage-ls
.include "$STAGE_SOURCE/mk/stage-pkgsrc.mk.conf"
WRKDIR=		$T/work
DESTDIR=	$T/work/.destdir
PREFIX=		/usr/pkg
PKGDIR=		$T/pkg
PKGMANDIR=	man
# pkgsrc's do-install runs the package's install with \${INSTALL_ENV}.
do-install:
	mkdir -p \${DESTDIR}
	cd $T/src && env \${INSTALL_ENV} \${TOOLS_PLATFORM.mkdir} \${DESTDIR}\${PREFIX}/bin \${DESTDIR}\${PREFIX}/etc
	cd $T/src && env \${INSTALL_ENV} \${TOOLS_PLATFORM.install} -o root -g wheel -m 4755 prog \${DESTDIR}\${PREFIX}/bin/prog
	cd $T/src && env \${INSTALL_ENV} \${TOOLS_PLATFORM.install} -m 644 prog.conf \${DESTDIR}\${PREFIX}/etc/prog.conf
	cd $T/src && env \${INSTALL_ENV} \${TOOLS_PLATFORM.ln} -s prog \${DESTDIR}\${PREFIX}/bin/prog-alias
	cd $T/src && env \${INSTALL_ENV} \${TOOLS_PLATFORM.chown} games \${DESTDIR}\${PREFIX}/etc/prog.conf
MK
printf 'bin/prog\nbin/prog-alias\netc/prog.conf\n' >"$T/pkg/PLIST"
[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$T"
cd "$T/pkg"

for tool in install chmod chown chgrp ln install-info; do
  expect_eq "TOOLS_PLATFORM.$tool is the drop-in" "$STAGE_DROPINS/$tool" "$(bmake -v TOOLS_PLATFORM.$tool)"
done
expect_eq "TOOLS_PLATFORM.mkdir is mkdir -p, as pkgsrc expects" "$STAGE_DROPINS/mkdir -p" "$(bmake -v TOOLS_PLATFORM.mkdir)"
check "INSTALL_ENV stages into DESTDIR" sh -c "bmake -v INSTALL_ENV | grep -q 'STAGE_DESTDIR=$T/work/.destdir'"

as_nobody bmake do-install >"$T/install.log" 2>&1
expect_eq "the install phase as nobody" 0 $?
as_nobody bmake stage-print-PLIST >"$T/PLIST.out" 2>"$T/plist.err"
expect_eq "stage-print-PLIST" 0 $?
check "PLIST lists the setuid program with its owner" grep -qx 'bin/prog' "$T/PLIST.out"
check "PLIST carries @mode for the setuid file" grep -q '^@mode 4755' "$T/PLIST.out"
check "PLIST carries @owner games for the config file" grep -q '^@owner games' "$T/PLIST.out"
as_nobody bmake stage-check-PLIST >"$T/check.out" 2>&1
expect_eq "stage-check-PLIST: the PLIST matches" 0 $?
printf 'bin/prog\nbin/gone\n' >"$T/pkg/PLIST"
as_nobody bmake stage-check-PLIST >"$T/check2.out" 2>&1
check "stage-check-PLIST: a drifted PLIST fails" test $? -ne 0
check "... and shows the difference" grep -q '^-bin/gone' "$T/check2.out"
as_nobody bmake stage-perms >"$T/perms.out" 2>&1
check "stage-perms gives SPECIAL_PERMS for the setuid program" grep -q 'SPECIAL_PERMS+=.*bin/prog' "$T/perms.out"
done_testing
