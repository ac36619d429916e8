# stage-ls --check: the QA report. One line per finding that says what to do,
# exit 1 when there are findings, 0 on a clean stage.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
build_stage
# What a careless package does: bake $DESTDIR into a file and a symlink,
# install a world-writable file and use an owner the target does not have.
printf 'prefix=%s/usr/pkg\n' "$DEST" >"$T/pc"
as_builder "$D/install" -m 644 "$T/pc" /usr/pkg/lib/pkgconfig/x.pc 2>/dev/null ||
  { as_builder "$D/install" -d /usr/pkg/lib/pkgconfig && as_builder "$D/install" -m 644 "$T/pc" /usr/pkg/lib/pkgconfig/x.pc; }
as_nobody ln -s "$DEST/usr/pkg/lib/libx.so.1" "$DEST/usr/pkg/lib/libx.so"
as_builder "$D/install" -m 666 "$T/text" /usr/pkg/share/doc/ww
as_builder "$D/install" -o stranger -m 644 "$T/text" /usr/pkg/share/doc/strange
as_nobody cp "$T/text" "$DEST/usr/pkg/share/doc/cp
nl"

stage_ls --check >"$T/report" 2>"$T/err"
expect_eq "findings: exit 1" 1 $?
cat "$T/report"
check "untracked file" grep -q "^untracked: /usr/pkg/share/doc/copied: .*install it with the staged install(1)" "$T/report"
check "setuid file" grep -q "^setuid: /usr/pkg/bin/hello: setuid root (04755): make sure it must be" "$T/report"
check "setgid file" grep -q "^setgid: /usr/pkg/bin/hello-scores: setgid games" "$T/report"
check "group-writable file" grep -q "^group-writable: /var/games/hello/score: mode 0664" "$T/report"
check "world-writable file" grep -q "^world-writable: /usr/pkg/share/doc/ww: mode 0666: .*remove o+w" "$T/report"
check "unknown owner" grep -q "^unknown-user: /usr/pkg/share/doc/strange: owner 'stranger' (1 entry) is not in the target's passwd '$T/passwd': add it" "$T/report"
check "symlink into DESTDIR" grep -q "^destdir-in-symlink: /usr/pkg/lib/libx.so: its target '$DEST/usr/pkg/lib/libx.so.1' holds the staging root" "$T/report"
check "DESTDIR in content" grep -q "^destdir-in-content: /usr/pkg/lib/pkgconfig/x.pc: its content holds the staging root" "$T/report"
check "a newline name stays on one line, quoted" grep -qF "untracked: '/usr/pkg/share/doc/cp'\$'\\n''nl': reached the stage" "$T/report"
check "count on stderr" grep -q "^stage-ls: [0-9]* findings$" "$T/err"
expect_eq "nothing but findings on stdout" "" "$(grep -vE '^[a-z-]+: ' "$T/report")"

# A PATH operand narrows the report; a clean part of the stage passes.
stage_ls --check /usr/pkg/share/empty >"$T/clean" 2>&1
expect_eq "clean: exit 0" 0 $?
expect_eq "clean: silent" "" "$(cat "$T/clean")"
done_testing
