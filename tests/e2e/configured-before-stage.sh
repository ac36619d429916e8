# A package configured before stage was on PATH calls /usr/bin/install by
# absolute path: stage-run's summary must say so and how to fix it, and the
# GNU make fragment (mk/stage.gmk via MAKEFILES) must fix it without editing
# the package.
. "$STAGE_SOURCE/tests/lib.sh"

mkdir -p "$T/pkg" && cd "$T/pkg"
echo data >data.txt
# What configure writes when /usr/bin/install is the first install on PATH.
cat >Makefile <<'MK'
INSTALL = /usr/bin/install -c
INSTALL_DATA = ${INSTALL} -m 644
MKDIR_P = /usr/bin/mkdir -p
prefix = /usr/pkg
install:
	$(MKDIR_P) $(DESTDIR)$(prefix)/share/pkg
	$(INSTALL_DATA) data.txt $(DESTDIR)$(prefix)/share/pkg/data.txt
MK
[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$T"

as_nobody "$STAGE_BIN/stage-run" --destdir "$T/stage" -- make install >"$T/run.log" 2>&1
expect_eq "the build itself succeeds" 0 $?
check "summary counts the untracked files" grep -q 'stage-run: 0 entries recorded, 5 untracked' "$T/run.log"
check "summary names the Makefile and the cause" grep -q "hint: $T/pkg/Makefile runs /usr/bin/install by absolute path" "$T/run.log"
check "summary gives the fix" grep -q 'Re-run configure under stage-run' "$T/run.log"
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --untracked >"$T/untracked"
check "stage-ls --untracked lists the file" grep -qx /usr/pkg/share/pkg/data.txt "$T/untracked"

# The GNU make fragment overrides the baked-in absolute paths.
as_nobody "$STAGE_BIN/stage-run" --destdir "$T/stage2" -- \
  make install MAKEFILES="$STAGE_SOURCE/mk/stage.gmk" STAGE_DROPINS="$STAGE_DROPINS" >"$T/run2.log" 2>&1
expect_eq "with mk/stage.gmk" 0 $?
check "everything recorded with the fragment" grep -q 'stage-run: 5 entries recorded, 0 untracked' "$T/run2.log"

# The fragment alone, without stage-run: DESTDIR becomes the stage.
as_nobody make install DESTDIR="$T/stage3" MAKEFILES="$STAGE_SOURCE/mk/stage.gmk" STAGE_DROPINS="$STAGE_DROPINS" >/dev/null 2>&1
expect_eq "make with the fragment alone" 0 $?
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage3" >"$T/ls3"
check "fragment alone records the file" grep -q '^-rw-r--r-- root root .* /usr/pkg/share/pkg/data.txt$' "$T/ls3"
check "database beside the fragment's stage" test -f "$T/stage3.stagedb"
done_testing
