# A socket in the stage (a test suite's leftover): stage-pack leaves it out
# with GNU tar's warning and counts right, mtree leaves it out (bsdtar @SPEC
# then works), json and ls call it a socket.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
build_stage
as_nobody python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$DEST/usr/pkg/share/doc/sock"
check "a socket is in the stage" test -S "$DEST/usr/pkg/share/doc/sock"
mkdir -m 777 "$T/out"
# GNU tar's own words for the same stage.
tar -cf "$T/out/gnu.tar" -C "$DEST" . 2>"$T/gnu.err"
check "GNU tar skips it" grep -q 'socket ignored' "$T/gnu.err"
as_builder "$STAGE_BIN/stage-pack" --destdir "$DEST" -o "$T/out/pkg.tar" 2>"$T/pack.err"
expect_eq "stage-pack exits 0" 0 $?
check "stage-pack: GNU tar's warning" grep -qx 'stage-pack: /usr/pkg/share/doc/sock: socket ignored' "$T/pack.err"
expect_eq "stage-pack: the socket is not in the archive" "" "$(tar -tf "$T/out/pkg.tar" | grep sock)"
expect_eq "stage-pack: every other entry is" "$(stage_ls --format json | grep -vc '"type":"socket"')" "$(tar -tf "$T/out/pkg.tar" | grep -vc '^line$')"
check "stage-pack: the untracked count leaves the socket out" grep -q "2 untracked entries packed" "$T/pack.err"
stage_ls --format mtree >"$T/spec" 2>"$T/mtree.err"
expect_eq "mtree: exit 0" 0 $?
check "mtree: one warning" grep -qx 'stage-ls: /usr/pkg/share/doc/sock: socket ignored' "$T/mtree.err"
expect_eq "mtree: no line for it" "" "$(grep sock "$T/spec")"
as_nobody bsdtar -cf "$T/out/bsd.tar" -C "$DEST" "@$T/spec" 2>"$T/bsdtar.err"
expect_eq "bsdtar @SPEC exits 0" 0 $?
check "bsdtar @SPEC: a complete archive" sh -c "bsdtar -tf '$T/out/bsd.tar' | grep -q 'var/games/hello/score\$'"
check "json: a socket" grep -q '"path":"/usr/pkg/share/doc/sock","status":"untracked","type":"socket"' <(stage_ls --format json)
check "ls: type letter s" grep -q '^srwx.* /usr/pkg/share/doc/sock  \[untracked\]$' <(stage_ls)
done_testing
