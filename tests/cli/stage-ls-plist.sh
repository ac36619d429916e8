# stage-ls --format plist and --format pkgsrc-perms: a pkgsrc PLIST relative
# to the prefix with @owner/@group/@mode around the entries that need them and
# @pkgdir for empty directories; the Makefile lines pkgsrc keeps outside the
# PLIST, read back by BSD make as a pkgsrc Makefile would include them.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
build_stage

stage_ls --format plist >"$T/PLIST" 2>"$T/plist.err"
expect_eq "plist exits 0" 0 $?
cat >"$T/expected" <<'PLIST'
@mode 4755
bin/hello
bin/hello-again
@group games
@mode 2755
bin/hello-scores
@group
@mode
bin/hi
bin/untracked-link
@owner pkgsvc
@group pkgsvc
etc/svc.conf
@owner
@group
share/doc/a file with spaces
share/doc/back\slash
share/doc/copied
share/doc/hash#name
@pkgdir share/empty
PLIST
check "the PLIST" diff -u "$T/expected" "$T/PLIST"
check "outside the prefix: said once" grep -q "1 entry outside the prefix '/usr/pkg' left out of the PLIST, e.g. '/var/games/hello/score'" "$T/plist.err"
check "a newline name cannot be a PLIST line: said" grep -q "cannot be a PLIST line" "$T/plist.err"

stage_ls --format plist --prefix /var >"$T/PLIST.var" 2>/dev/null
expect_eq "--prefix /var" "$(printf '@owner games\n@group games\n@mode 0664\ngames/hello/score\n@owner\n@group\n@mode')" "$(cat "$T/PLIST.var")"
stage_ls --format plist --prefix /usr/pkg/share /usr/pkg/share >"$T/PLIST.share" 2>/dev/null
expect_eq "a PATH operand selects" "$(printf 'doc/a file with spaces\ndoc/back\\slash\ndoc/copied\ndoc/hash#name\n@pkgdir empty')" "$(cat "$T/PLIST.share")"

stage_ls --format pkgsrc-perms >"$T/perms.mk" 2>"$T/perms.err"
expect_eq "pkgsrc-perms exits 0" 0 $?
cat >"$T/expected.mk" <<'MK'
SPECIAL_PERMS+=		bin/hello root wheel 4755
SPECIAL_PERMS+=		bin/hello-again root wheel 4755
SPECIAL_PERMS+=		bin/hello-scores root games 2755
SPECIAL_PERMS+=		etc/svc.conf pkgsvc pkgsvc 0640
OWN_DIRS_PERMS+=	/var/games/hello games games 0775
SPECIAL_PERMS+=		/var/games/hello/score games games 0664
MK
check "the Makefile lines" diff -u "$T/expected.mk" "$T/perms.mk"
check "the 0444 file whose name a make word cannot hold: said" grep -q "cannot be written in a make variable" "$T/perms.err"
# BSD make (bmake, the make pkgsrc runs) reads them: quadruples of path user group mode.
cat >"$T/Makefile" <<MK
.include "$T/perms.mk"
all:
	@echo \${SPECIAL_PERMS:[#]} \${OWN_DIRS_PERMS:[#]}
	@echo \${SPECIAL_PERMS:[1..4]}
	@echo \${OWN_DIRS_PERMS}
MK
bmake -f "$T/Makefile" >"$T/bmake.out" 2>&1
expect_eq "bmake reads the lines" 0 $?
expect_eq "bmake: 5 quadruples of files, 1 of directories" "20 4" "$(sed -n 1p "$T/bmake.out")"
expect_eq "bmake: first quadruple" "bin/hello root wheel 4755" "$(sed -n 2p "$T/bmake.out")"
expect_eq "bmake: the directory" "/var/games/hello games games 0775" "$(sed -n 3p "$T/bmake.out")"
done_testing
