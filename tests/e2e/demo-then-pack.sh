# A newcomer's path: the bundled example staged by nobody as scripts/demo
# does, then `stage-pack -o demo.tar.gz` and every stage-ls format on its
# stage. The service account pkgsvc is in no database: no export fails, one
# warning names it; tar carries the name and a placeholder id; mtree the
# name without uid=; --strict-ids refuses.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
getent passwd pkgsvc >/dev/null && { echo "skip: this host has a user pkgsvc"; exit 77; }
build_example
mkdir -m 777 "$T/out"
cd "$T/out"
as_nobody "$STAGE_BIN/stage-pack" --destdir "$DEST" -o demo.tar.gz 2>"$T/pack.err"
expect_eq "stage-pack -o demo.tar.gz exits 0" 0 $?
expect_eq "one warning, naming the account and its id" \
  "stage-pack: no database knows user 'pkgsvc' and group 'pkgsvc': given placeholder ids pkgsvc=2000000 (--unknown-id N chooses one, --strict-ids refuses)" \
  "$(cat "$T/pack.err")"
tar -tvf demo.tar.gz >"$T/list"
check "GNU tar: the name" grep -q '^-rw-r----- pkgsvc/pkgsvc .* usr/pkg/etc/hello/hello.conf$' "$T/list"
check "GNU tar: the placeholder id" sh -c "tar --numeric-owner -tvf demo.tar.gz | grep -q '^-rw-r----- 2000000/2000000 .* usr/pkg/etc/hello/hello.conf\$'"
check "GNU tar: known names keep their ids" sh -c "tar --numeric-owner -tvf demo.tar.gz | grep -q '^-rwxr-sr-x 0/$(getent group games | cut -d: -f3) .* usr/pkg/bin/hello-scores\$'"
# As root, GNU tar extracts by name where the system has it, else the id.
if [ "$(id -u)" -eq 0 ]; then
  mkdir "$T/x" && tar -xpzf demo.tar.gz -C "$T/x"
  expect_eq "extracted: the placeholder id" "640 2000000:2000000" "$(stat -c '%a %u:%g' "$T/x/usr/pkg/etc/hello/hello.conf")"
fi
for f in ls mtree plist pkgsrc-perms fakeroot json rpm freebsd pacman-mtree; do
  as_nobody "$STAGE_BIN/stage-ls" --destdir "$DEST" --format "$f" >"$T/$f.out" 2>"$T/$f.err"
  expect_eq "stage-ls --format $f exits 0" 0 $?
  expect_eq "stage-ls --format $f: at most one line on stderr" 1 "$(($(wc -l <"$T/$f.err") <= 1))"
done
check "mtree: the name without uid=" grep -q '^\./usr/pkg/etc/hello/hello.conf type=file uname=pkgsvc gname=pkgsvc mode=0640 ' "$T/mtree.out"
check "fakeroot: the placeholder id" grep -q 'uid=2000000,gid=2000000' "$T/fakeroot.out"
check "pacman-mtree: the placeholder id" grep -q '^\./usr/pkg/etc/hello/hello.conf .* uid=2000000 gid=2000000 ' "$T/pacman-mtree.out"
check "rpm: by name" grep -q '^%attr(-,pkgsvc,pkgsvc) "/usr/pkg/etc/hello/hello.conf"$' "$T/rpm.out"
check "freebsd: by name" grep -q '^@(pkgsvc,pkgsvc,0640) etc/hello/hello.conf$' "$T/freebsd.out"
expect_eq "plist: no warning about names" "" "$(grep pkgsvc "$T/plist.err")"
as_nobody "$STAGE_BIN/stage-pack" --destdir "$DEST" -o strict.tar.gz --strict-ids 2>"$T/strict.err"
check "--strict-ids: exit 1" test $? -eq 1
check "--strict-ids: names the account" grep -q "no numeric id for user 'pkgsvc'" "$T/strict.err"
check "--strict-ids: nothing written" test ! -e strict.tar.gz
as_nobody "$STAGE_BIN/stage-pack" --destdir "$DEST" -o n.tar --unknown-id 4321 2>/dev/null
check "--unknown-id N: that id" sh -c "tar --numeric-owner -tvf n.tar | grep -q '^-rw-r----- 4321/4321 .* usr/pkg/etc/hello/hello.conf\$'"
done_testing
