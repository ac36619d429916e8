# dpkg: stage-pack -o NAME.deb --deb-control DIR on the bundled example,
# packed by nobody: dpkg-deb -I and -c read it with the recorded owners and
# modes, two packs under SOURCE_DATE_EPOCH are byte-identical, and as root
# dpkg --root R -i installs it with those owners and modes (dpkg -V agrees).
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
build_example
mkdir -m 777 "$T/out" "$T/control"
printf 'Package: hello\nVersion: 1.0\nArchitecture: %s\nMaintainer: Stage Tests <stage@example.org>\nDescription: the example\n staged without root\n' \
  "$(dpkg --print-architecture)" >"$T/control/control"
printf '#!/bin/sh\nexit 0\n' >"$T/control/postinst"
chmod 755 "$T/control/postinst"
pack() { as_nobody env SOURCE_DATE_EPOCH=1000000000 "$STAGE_BIN/stage-pack" --destdir "$DEST" "$@"; }
pack -o "$T/out/hello.deb" --deb-control "$T/control" 2>"$T/pack.err"
expect_eq "stage-pack .deb exits 0" 0 $?
check "one warning names the unknown account" grep -q "no database knows user 'pkgsvc' and group 'pkgsvc': given placeholder ids pkgsvc=2000000" "$T/pack.err"
pack -o "$T/out/again.deb" --deb-control "$T/control" 2>/dev/null
check "two packs are byte-identical" cmp -s "$T/out/hello.deb" "$T/out/again.deb"
expect_eq "ar members in dpkg's order" "debian-binary control.tar.xz data.tar.xz" "$(ar t "$T/out/hello.deb" | tr '\n' ' ' | sed 's/ $//')"
dpkg-deb -I "$T/out/hello.deb" >"$T/info"
expect_eq "dpkg-deb -I exits 0" 0 $?
check "dpkg-deb -I: the control file" grep -q '^ Package: hello$' "$T/info"
check "dpkg-deb -I: md5sums added" grep -qE '^ +[0-9]+ bytes, +[0-9]+ lines +md5sums' "$T/info"
check "dpkg-deb -I: postinst kept executable" grep -qE '^ +[0-9]+ bytes, +2 lines +\* +postinst' "$T/info"
dpkg-deb -c "$T/out/hello.deb" >"$T/contents"
row() { awk -v p="$1" '$NF == p {print $1, $2}' "$T/contents"; }
expect_eq "dpkg-deb -c: setuid root" "-rwsr-xr-x root/root" "$(row ./usr/pkg/bin/hello)"
expect_eq "dpkg-deb -c: setgid games" "-rwxr-sr-x root/games" "$(row ./usr/pkg/bin/hello-scores)"
expect_eq "dpkg-deb -c: sticky spool" "drwxrwxrwt root/root" "$(row ./var/spool/hello/)"
expect_eq "dpkg-deb -c: games scores" "-rw-rw-r-- games/games" "$(row ./var/games/hello/scores)"
expect_eq "dpkg-deb -c: service account" "-rw-r----- pkgsvc/pkgsvc" "$(row ./usr/pkg/etc/hello/hello.conf)"
expect_eq "dpkg-deb -c: the root first" "./" "$(head -1 "$T/contents" | awk '{print $NF}')"
expect_eq "nothing is nobody's" "" "$(grep nobody "$T/contents")"
# Bad input: no control file, no --deb-control.
mkdir -m 777 "$T/empty"
pack -o "$T/out/bad.deb" --deb-control "$T/empty" 2>"$T/bad.err"
check "no control file: exit 1" test $? -eq 1
check "no control file: says so" grep -q "no 'control' file in it" "$T/bad.err"
check "no control file: nothing written" test ! -e "$T/out/bad.deb"
pack -o "$T/out/bad.deb" 2>"$T/bad2.err"
check "no --deb-control: a usage error, exit 2" test $? -eq 2
check "no --deb-control: says what to give" grep -q "give its control files with --deb-control DIR" "$T/bad2.err"

if [ "$(id -u)" -ne 0 ]; then
  skip_part "dpkg --root R -i needs root"
  done_testing
fi
R=$T/root
mkdir -p "$R/etc" "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers"
touch "$R/var/lib/dpkg/status" "$R/var/lib/dpkg/available"
dpkg --root="$R" --force-script-chrootless -i "$T/out/hello.deb" >"$T/install.out" 2>&1
rc=$?
expect_eq "dpkg --root R -i exits 0" 0 $rc
[ $rc -eq 0 ] || cat "$T/install.out" >&2
# dpkg takes names from the host's databases (games 5:60 on Debian), the
# placeholder id where the host has no such name.
games_uid=$(id -u games) games_gid=$(getent group games | cut -d: -f3)
# pkgsvc: the placeholder id.
expect_example_installed "$R" "$games_uid" "$games_gid" 2000000
dpkg --root="$R" -V hello >"$T/verify" 2>&1
expect_eq "dpkg -V: the md5sums match" "0 " "$? $(cat "$T/verify")"
done_testing
