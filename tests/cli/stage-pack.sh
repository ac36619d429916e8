# stage-pack: a tar archive of the stage with the recorded owners and modes,
# sorted, hard links as hard links, SOURCE_DATE_EPOCH honoured, byte-identical
# twice, listed as intended by GNU tar and bsdtar. Packed as nobody.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
build_stage
pack() { as_builder "$STAGE_BIN/stage-pack" --destdir "$DEST" "$@"; }
mkdir "$T/out" && chmod 777 "$T/out"

pack -o "$T/out/pkg.tar" 2>"$T/pack.err"
expect_eq "stage-pack exits 0" 0 $?
check "untracked entries are mentioned" grep -q "2 untracked entries packed with the default owner" "$T/pack.err"
as_nobody tar -tvf "$T/out/pkg.tar" >"$T/gnu.list"
as_nobody bsdtar -tvf "$T/out/pkg.tar" >"$T/bsd.list"
check "GNU tar: setuid root:wheel" grep -q '^-rwsr-xr-x root/wheel .* usr/pkg/bin/hello$' "$T/gnu.list"
check "GNU tar: hard link as a link" grep -q '^hrwsr-xr-x root/wheel .* usr/pkg/bin/hello-again link to usr/pkg/bin/hello$' "$T/gnu.list"
check "GNU tar: setgid games" grep -q '^-rwxr-sr-x root/games .* usr/pkg/bin/hello-scores$' "$T/gnu.list"
check "GNU tar: symlink" grep -q '^l.* usr/pkg/bin/hi -> /usr/pkg/bin/hello$' "$T/gnu.list"
check "GNU tar: service account" grep -q '^-rw-r----- pkgsvc/pkgsvc .* usr/pkg/etc/svc.conf$' "$T/gnu.list"
check "GNU tar: empty directory" grep -q '^drwxr-xr-x root/wheel .* usr/pkg/share/empty/$' "$T/gnu.list"
check "GNU tar: games directory" grep -q '^drwxrwxr-x games/games .* var/games/hello/$' "$T/gnu.list"
check "GNU tar: odd names" grep -q 'usr/pkg/share/doc/a file with spaces$' "$T/gnu.list"
check "GNU tar: newline name" grep -q '^-r--r--r-- root/wheel .* usr/pkg/share/doc/new\\nline$' "$T/gnu.list"
check "GNU tar: backslash name" grep -q 'usr/pkg/share/doc/back\\\\slash$' "$T/gnu.list"
check "bsdtar: setuid root wheel" grep -qE '^-rwsr-xr-x +[0-9]+ root +wheel .* usr/pkg/bin/hello$' "$T/bsd.list"
check "bsdtar: hard link" grep -q 'usr/pkg/bin/hello-again link to usr/pkg/bin/hello$' "$T/bsd.list"
check "target ids" sh -c "tar --numeric-owner -tvf '$T/out/pkg.tar' | grep -q '^-rw-rw-r-- 7/13 .* var/games/hello/score\$'"
names=$(tar -tf "$T/out/pkg.tar" | sed 's|/$||')
expect_eq "entries sorted by path" "$(printf '%s\n' "$names" | LC_ALL=C sort)" "$names"
expect_eq "every entry of the stage" "$(stage_ls --format json | grep -c '')" "$(tar -tf "$T/out/pkg.tar" | grep -vc '^line$')"
check "content is the stage's" sh -c "tar -xOf '$T/out/pkg.tar' usr/pkg/bin/hello | cmp -s - '$T/hello.sh'"

# Byte-identical packs, in every compression; times clamped to SOURCE_DATE_EPOCH.
for ext in tar tar.gz tar.xz tar.zst tar.bz2; do
  as_builder SOURCE_DATE_EPOCH=1000000000 "$STAGE_BIN/stage-pack" --destdir "$DEST" -o "$T/out/a.$ext" 2>/dev/null
  sleep 1
  as_builder SOURCE_DATE_EPOCH=1000000000 "$STAGE_BIN/stage-pack" --destdir "$DEST" -o "$T/out/b.$ext" 2>/dev/null
  check "two packs identical ($ext)" cmp -s "$T/out/a.$ext" "$T/out/b.$ext"
  check "GNU tar reads the $ext" sh -c "tar -tf '$T/out/a.$ext' | grep -q '^usr/pkg/bin/hello\$'"
done
check "gzip really" sh -c "gzip -t '$T/out/a.tar.gz'"
check "xz really" sh -c "xz -t '$T/out/a.tar.xz'"
check "zstd really" sh -c "zstd -qt '$T/out/a.tar.zst'"
expect_eq "newer times clamped" "" "$(tar --full-time -tvf "$T/out/a.tar" | grep -v ' 2001-09-09 01:46:40 ')"
as_nobody touch -d '1990-01-01 00:00:00 UTC' "$DEST/usr/pkg/share/doc/copied"
as_builder SOURCE_DATE_EPOCH=1000000000 "$STAGE_BIN/stage-pack" --destdir "$DEST" -o "$T/out/c.tar" 2>/dev/null
check "older times kept" sh -c "tar --full-time -tvf '$T/out/c.tar' | grep -q ' 1990-01-01 00:00:00 usr/pkg/share/doc/copied\$'"
as_builder SOURCE_DATE_EPOCH=soon "$STAGE_BIN/stage-pack" --destdir "$DEST" -o "$T/out/d.tar" 2>"$T/sde.err"
check "a bad SOURCE_DATE_EPOCH is an error" test $? -eq 1
check "bad SOURCE_DATE_EPOCH: says why" grep -q "SOURCE_DATE_EPOCH must be a number of seconds" "$T/sde.err"
check "bad SOURCE_DATE_EPOCH: no archive" test ! -e "$T/out/d.tar"

# --prefix: the package below the prefix, named relative to it.
pack --prefix /usr/pkg -o "$T/out/prefix.tar" 2>/dev/null
check "--prefix names relative to it" sh -c "tar -tf '$T/out/prefix.tar' | grep -qx 'bin/hello'"
expect_eq "--prefix leaves the rest out" "" "$(tar -tf "$T/out/prefix.tar" | grep -E '^(var|usr)/')"

# Extracted by root, the archive gives the recorded owners and modes.
if [ "$(id -u)" -eq 0 ]; then
  mkdir "$T/root-install"
  tar -xpf "$T/out/pkg.tar" -C "$T/root-install"
  expect_eq "extracted setuid root" "4755 0:0" "$(stat -c '%a %u:%g' "$T/root-install/usr/pkg/bin/hello")"
  expect_eq "extracted hard link" "$(stat -c %i "$T/root-install/usr/pkg/bin/hello")" "$(stat -c %i "$T/root-install/usr/pkg/bin/hello-again")"
  expect_eq "extracted sticky-free games dir" "775" "$(stat -c '%a' "$T/root-install/var/games/hello")"
else
  skip_part "extracting with the recorded owners needs root"
fi

# Bad output names and places: an error, nothing written.
pack -o "$T/out/pkg.zip" 2>"$T/zip.err"
check "unknown suffix: exit 1" test $? -eq 1
check "unknown suffix: says which" grep -q "name it .tar, .tar.gz" "$T/zip.err"
check "unknown suffix: nothing written" test ! -e "$T/out/pkg.zip"
pack -o "$DEST/inside.tar" 2>"$T/in.err"
check "inside the stage: exit 1" test $? -eq 1
check "inside the stage: nothing written" test ! -e "$DEST/inside.tar"
pack -o "$T/no-such-dir/x.tar" 2>"$T/nodir.err"
check "missing directory: exit 1" test $? -eq 1
expect_eq "no temporary files left" "" "$(find "$T/out" -name '.stage-pack.*')"
done_testing
