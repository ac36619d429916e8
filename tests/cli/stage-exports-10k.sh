# A 10,000-entry stage through every export: the counts hold, bsdtar and
# NetBSD's mtree accept the spec, fakeroot loads the state (and the sh
# script under fakeroot gives the same archive), GNU tar lists the pack;
# stage-pack shows progress on a terminal (and only there).
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
DEST=$T/dest
write_target_db
[ "$(id -u)" -eq 0 ] && chown nobody:nogroup "$T"
as_nobody mkdir "$DEST" "$T/src" "$T/out"
as_nobody sh -c "cd '$T/src' && i=0; while [ \$i -lt 1000 ]; do echo \"file \$i\" > f\$i; i=\$((i+1)); done"
for d in 0 1 2 3 4 5 6 7 8 9; do
  as_builder "$D/install" -d "/usr/pkg/share/d$d"
  as_builder "$D/install" -m 644 -t "/usr/pkg/share/d$d" "$T"/src/f*
done
as_builder "$D/install" -o root -g games -m 2755 "$T/src/f1" /usr/pkg/bin/sgid 2>/dev/null ||
  { as_builder "$D/install" -d /usr/pkg/bin && as_builder "$D/install" -o root -g games -m 2755 "$T/src/f1" /usr/pkg/bin/sgid; }

n=$(stage_ls --format json | grep -c '')
check "at least 10,000 entries ($n)" test "$n" -ge 10010
expect_eq "none untracked" "" "$(stage_ls --untracked)"

stage_ls --format mtree >"$T/spec"
expect_eq "mtree: one line per entry" $((n + 2)) "$(grep -c '' "$T/spec")"
cd "$T"
as_nobody bsdtar -cf "$T/out/m.tar" -C "$DEST" "@$T/spec"
expect_eq "bsdtar @spec" 0 $?
expect_eq "bsdtar archived every entry and the root" $((n + 1)) "$(tar -tf "$T/out/m.tar" | grep -c '')"
check "bsdtar: setgid games" sh -c "tar -tvf '$T/out/m.tar' | grep -q '^-rwxr-sr-x root/games .* ./usr/pkg/bin/sgid\$'"
as_nobody mtree -N "$T/netbsd-db" -C -k type,size,sha256,link -f "$T/spec" >"$T/content.spec"
as_nobody mtree -f "$T/content.spec" -p "$DEST" >"$T/verify.out" 2>&1
expect_eq "NetBSD mtree verifies 10,000 entries" 0 $?
# The second export reuses the stored digests (same output, no re-reading needed).
stage_ls --format mtree >"$T/spec.again"
check "second export identical" cmp -s "$T/spec" "$T/spec.again"

stage_ls --format fakeroot >"$T/state"
as_nobody fakeroot -i "$T/state" -- tar -cf "$T/out/f.tar" -C "$DEST" .
expect_eq "fakeroot archive has every entry" $((n + 1)) "$(tar -tf "$T/out/f.tar" | grep -c '')"
check "fakeroot: setgid games (13)" sh -c "tar --numeric-owner -tvf '$T/out/f.tar' | grep -q '^-rwxr-sr-x 0/13 .* ./usr/pkg/bin/sgid\$'"
stage_ls --format sh >"$T/owners.sh"
check "sh: 10,000 entries in a few batched commands" test "$(grep -c '^command -p ch' "$T/owners.sh")" -le 20
chmod 644 "$T/owners.sh"
as_nobody fakeroot -- sh -c 'sh "$1" && tar -cf "$2" -C "$3" .' sh "$T/owners.sh" "$T/out/s.tar" "$DEST"
expect_eq "sh under fakeroot, then tar" 0 $?
check "sh: the archive equals fakeroot -i STATE's" \
  sh -c "tar --numeric-owner -tvf '$T/out/f.tar' | sort >'$T/f.list' && tar --numeric-owner -tvf '$T/out/s.tar' | sort | cmp -s - '$T/f.list'"

as_builder "$STAGE_BIN/stage-pack" --destdir "$DEST" -o "$T/out/p.tar.zst" 2>"$T/pack.err"
expect_eq "stage-pack of 10,000" 0 $?
expect_eq "pack has every entry" "$n" "$(tar -tf "$T/out/p.tar.zst" | grep -c '')"
expect_eq "no progress when stderr is not a terminal" "" "$(cat "$T/pack.err")"
as_nobody env SHELL=/bin/sh script -qec "env STAGE_PASSWD='$T/passwd' STAGE_GROUPFILE='$T/group' STAGE_OWNER=root STAGE_GROUP=wheel \
  '$STAGE_BIN/stage-pack' --destdir '$DEST' -o '$T/out/tty.tar'" /dev/null >"$T/tty.out" 2>&1
check "progress on a terminal" grep -q "stage-pack: $n/$n entries (100%)" "$T/tty.out"
check "the terminal run packs the same" cmp -s "$T/out/tty.tar" <(zstd -dc "$T/out/p.tar.zst")
done_testing
