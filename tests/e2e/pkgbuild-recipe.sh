# The README's PKGBUILD recipe, run as written by the real makepkg (Debian's
# package makepkg, pacman 6.0.2): its ```sh block (taken from README.md, so
# the two cannot drift) is the package() of a PKGBUILD that builds the
# bundled example from a source tarball, with PREFIX=/usr as Arch packages
# have it; makepkg --nodeps by nobody packs $pkgdir itself, from the disk,
# in its own fakeroot session, after its tidy steps (strip, and zipman, which
# gzips the man page into a new file). The package must hold what a root
# install of the same build holds: its entries, installed by pacman -U
# --root as root, compared field by field (type, mode, owner, group, size,
# SHA-256, link) with a root `make install` of makepkg's build tree, stripped
# and gzipped as makepkg does; pacman -Qkk checks them against the package's
# own .MTREE.
. "$STAGE_SOURCE/tests/lib.sh"
command -v makepkg >/dev/null || skip_test "makepkg missing (Debian package makepkg; scripts/setup installs it)"
recipe=$(awk '/^\*\*PKGBUILD\*\*/ {on = 1} on && /^```sh$/ {inblock = 1; next} inblock && /^```$/ {exit} inblock' \
  "$STAGE_SOURCE/README.md")
[ -n "$recipe" ] || { fail "README.md has no sh block after **PKGBUILD**"; done_testing; }
cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"

# The target's user and group databases: the host's, plus the service
# account the example's files belong to, which no build host has.
{ cat /etc/passwd; echo 'pkgsvc:x:901:901:service:/nonexistent:/usr/sbin/nologin'; } >"$T/passwd"
{ cat /etc/group; echo 'pkgsvc:x:901:'; } >"$T/group"
cp -r "$STAGE_SOURCE/examples/hello" "$T/hello-1.0"
tar -czf "$T/hello-1.0.tar.gz" -C "$T" hello-1.0 && rm -rf "$T/hello-1.0"
{
  printf '%s\n' 'pkgname=hello' 'pkgver=1.0' 'pkgrel=1' "pkgdesc='stage example'" 'arch=(x86_64)' \
    'license=(GPL)' 'source=(hello-1.0.tar.gz)' 'sha256sums=(SKIP)' 'export PREFIX=/usr' 'build() {' '  cd "$pkgname-$pkgver"' '  make' '}'
  printf '%s\n' "$recipe"
} >"$T/PKGBUILD"
# makepkg.conf: Debian's, with every directory in the test's scratch space.
{
  echo 'source /etc/makepkg.conf'
  for d in BUILDDIR=build PKGDEST=pkg SRCDEST=. SRCPKGDEST=srcpkg LOGDEST=log; do echo "${d%%=*}=$T/${d#*=}"; done
  echo "PKGEXT='.pkg.tar.gz'"
  echo "PACKAGER='Stage Tests <stage@example.org>'"
} >"$T/makepkg.conf"
mkdir "$T/build" "$T/pkg" "$T/srcpkg" "$T/log"
[ "$MY_UID" -eq 0 ] && chown -R nobody:nogroup "$T"
(cd "$T" && as_nobody env HOME="$T" PATH="$STAGE_BIN:$PATH" MAKEPKG_CONF="$T/makepkg.conf" \
  STAGE_PASSWD="$T/passwd" STAGE_GROUPFILE="$T/group" makepkg --nodeps --nocolor) >"$T/makepkg.log" 2>&1
rc=$?
expect_eq "makepkg --nodeps by nobody with the README's package()" 0 $rc
[ $rc -eq 0 ] || { tail -30 "$T/makepkg.log" >&2; done_testing; }
check "package() ran under makepkg's fakeroot" grep -q 'Entering fakeroot environment' "$T/makepkg.log"
check "makepkg stripped the binaries (its tidy step ran after the recipe)" grep -q 'Stripping unneeded symbols' "$T/makepkg.log"
check "makepkg gzipped the man page" grep -q 'Compressing man and info pages' "$T/makepkg.log"
PKG=$T/pkg/hello-1.0-1-x86_64.pkg.tar.gz
check "makepkg wrote the package" test -f "$PKG"

# What bsdtar (makepkg's packer) wrote: names where the host knows the id.
bsdtar -tvf "$PKG" >"$T/contents"
row() { awk -v p="$1" '$NF == p {print $1, $3, $4}' "$T/contents"; }
expect_eq "tar: setuid root" "-rwsr-xr-x root root" "$(row usr/bin/hello)"
expect_eq "tar: setgid games" "-rwxr-sr-x root games" "$(row usr/bin/hello-scores)"
expect_eq "tar: the man page, gzipped by makepkg" "-rw-r--r-- root root" "$(row usr/man/man1/hello.1.gz)"
expect_eq "tar: sticky spool" "drwxrwxrwt root root" "$(row var/spool/hello/)"
expect_eq "tar: games-owned scores" "-rw-rw-r-- games games" "$(row var/games/hello/scores)"
expect_eq "tar: the service account's id (the target's)" "-rw-r----- 901 901" "$(row usr/etc/hello/hello.conf)"
expect_eq "tar: nothing is nobody's" "" "$(grep -w nobody "$T/contents")"
bsdtar -xOf "$PKG" .MTREE | gzip -dc >"$T/mtree"
check ".MTREE (makepkg's): setuid root" grep -q '^\./usr/bin/hello time=[0-9.]* mode=4755 size=' "$T/mtree"
check ".MTREE (makepkg's): the service account" grep -q '^\./usr/etc/hello/hello\.conf time=[0-9.]* mode=640 gid=901 uid=901 ' "$T/mtree"

if [ "$MY_UID" -ne 0 ]; then
  skip_part "the root install and pacman -U --root need root"
  done_testing
fi
command -v pacman >/dev/null || { skip_part "pacman missing (Debian package pacman-package-manager)"; done_testing; }
# The anchor: root, GNU's install, makepkg's own build tree, with the target's
# databases in a private mount namespace (install -o pkgsvc needs the name),
# then makepkg's strip of executables (tidy/strip.sh: STRIP_SHARED for PIE,
# STRIP_BINARIES for others, into a temporary file copied back) and its
# zipman (tidy/zipman.sh: gzip -9 -n).
unshare -m sh -c '
  mount --make-rprivate / && mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/group" /etc/group || exit 90
  make -C "$1/build/hello/src/hello-1.0" install PREFIX=/usr DESTDIR="$1/anchor"' sh "$T" >"$T/anchor.log" 2>&1
rc=$?
expect_eq "root make install of the same build" 0 $rc
[ $rc -eq 0 ] || cat "$T/anchor.log" >&2
for f in "$T"/anchor/usr/bin/*; do
  case $(LC_ALL=C readelf -h "$f") in
    *'DYN (Position-Independent Executable file)'*) flags=--strip-unneeded ;;  # STRIP_SHARED
    *'EXEC (Executable file)'*) flags=--strip-all ;;                            # STRIP_BINARIES
    *) fail "$f: not an executable ELF file"; continue ;;
  esac
  strip $flags "$f" -o "$T/stripped" && cat "$T/stripped" >"$f"
done
gzip -9 -n -f "$T/anchor/usr/man/man1/hello.1"
$cmp_tool snapshot "$T/anchor" >"$T/anchor.list"
check "the root install is not empty" test "$(wc -l <"$T/anchor.list")" -gt 10

R=$T/root
pacman_install_into "$R" "$PKG"
expect_eq "pacman -U --root R installs makepkg's package" 0 $?
# pacman's own database is the only thing in R that the package did not bring.
$cmp_tool snapshot "$R" | grep -v '^/var/lib[ /]' >"$T/installed.list"
if diff -u "$T/anchor.list" "$T/installed.list"; then
  pass "makepkg's package, installed, equals the root install (type, mode, owner, group, size, SHA-256, link)"
else
  fail "makepkg's package differs from the root install"
fi
pacman -Qkk --root "$R" --dbpath "$R/var/lib/pacman" --config "$T/pacman.conf" hello >"$T/qkk" 2>&1
expect_eq "pacman -Qkk against the package's .MTREE: nothing altered" "0 hello: $(grep -c "" "$T/anchor.list") total files, 0 altered files" \
  "$? $(tail -1 "$T/qkk")"
done_testing
