# pacman: stage-pack -o NAME.pkg.tar.zst --pkginfo FILE on the bundled
# example, packed by nobody: .PKGINFO first, then .MTREE; pacman -Qip and
# -Qlp read it; as root pacman -U --root R installs it with the recorded
# owners and modes, and pacman -Qkk (mode, owner, time, size, md5) agrees.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
command -v pacman >/dev/null || { echo "skip: pacman missing (Debian package pacman-package-manager)"; exit 77; }
build_example
mkdir -m 777 "$T/out"
printf 'pkgname = hello\npkgbase = hello\npkgver = 1.0-1\npkgdesc = the example, staged without root\nurl = https://example.org\nbuilddate = 1000000000\npackager = Stage Tests <stage@example.org>\nsize = 40960\narch = any\nlicense = GPL\n' >"$T/PKGINFO"
PKG=$T/out/hello-1.0-1-any.pkg.tar.zst
pack() { as_nobody env SOURCE_DATE_EPOCH=1000000000 "$STAGE_BIN/stage-pack" --destdir "$DEST" "$@"; }
pack -o "$PKG" --pkginfo "$T/PKGINFO" 2>/dev/null
expect_eq "stage-pack .pkg.tar.zst exits 0" 0 $?
pack -o "$T/out/again.pkg.tar.zst" --pkginfo "$T/PKGINFO" 2>/dev/null
check "two packs are byte-identical" cmp -s "$PKG" "$T/out/again.pkg.tar.zst"
expect_eq ".PKGINFO, then .MTREE, then the files" ".PKGINFO .MTREE usr/" "$(bsdtar -tf "$PKG" | head -3 | tr '\n' ' ' | sed 's/ $//')"
check ".MTREE is gzipped" sh -c "bsdtar -xOf '$PKG' .MTREE | gzip -t"
bsdtar -xOf "$PKG" .MTREE | gzip -dc >"$T/mtree"
check ".MTREE: numeric ids, /set defaults" grep -q '^/set type=file uid=0 gid=0 mode=644$' "$T/mtree"
check ".MTREE: digests" grep -q '^\./usr/pkg/bin/hello time=1000000000.0 mode=4755 size=[0-9]* md5digest=[0-9a-f]* sha256digest=[0-9a-f]*$' "$T/mtree"
pacman -Qip "$PKG" >"$T/qip" 2>&1
expect_eq "pacman -Qip exits 0" 0 $?
check "pacman -Qip: the name" grep -q '^Name *: hello$' "$T/qip"
check "pacman -Qip: the version" grep -q '^Version *: 1.0-1$' "$T/qip"
pacman -Qlp "$PKG" >"$T/qlp" 2>&1
expect_eq "pacman -Qlp exits 0" 0 $?
check "pacman -Qlp: the setuid binary" grep -qx 'hello /usr/pkg/bin/hello' "$T/qlp"
check "pacman -Qlp: the spool" grep -qx 'hello /var/spool/hello/' "$T/qlp"
bsdtar -tvf "$PKG" >"$T/contents"
row() { awk -v p="$1" '$NF == p {print $1, $3, $4}' "$T/contents"; }
expect_eq "bsdtar: setgid games" "-rwxr-sr-x root games" "$(row usr/pkg/bin/hello-scores)"
expect_eq "bsdtar: service account" "-rw-r----- pkgsvc pkgsvc" "$(row usr/pkg/etc/hello/hello.conf)"
pack -o "$T/out/bad.pkg.tar.zst" 2>"$T/bad.err"
check "no --pkginfo: a usage error, exit 2" test $? -eq 2
check "no --pkginfo: says what to give" grep -q "give its .PKGINFO with --pkginfo FILE" "$T/bad.err"

if [ "$(id -u)" -ne 0 ]; then
  skip_part "pacman -U --root R needs root"
  done_testing
fi
R=$T/root
mkdir -p "$R/etc"
pacman_install_into "$R" "$PKG"
expect_eq "pacman -U --root R exits 0" 0 $?
games_uid=$(id -u games) games_gid=$(getent group games | cut -d: -f3)
# pkgsvc: the placeholder id.
expect_example_installed "$R" "$games_uid" "$games_gid" 2000000
pacman -Qkk --root "$R" --dbpath "$R/var/lib/pacman" --config "$T/pacman.conf" hello >"$T/qkk" 2>&1
expect_eq "pacman -Qkk: nothing altered" "0 hello: 19 total files, 0 altered files" "$? $(tail -1 "$T/qkk")"
done_testing
