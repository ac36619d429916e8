# rpm: rpmbuild -bb run by nobody, with a spec whose %install stages the
# bundled example through stage-run and whose %files is `stage-ls --format
# rpm`; rpm -qlvp shows the recorded owners and modes; as root, rpm --root R
# -i installs them (the root's own passwd and group give the ids).
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
command -v rpmbuild >/dev/null || { echo "skip: rpmbuild missing (Debian package rpm; scripts/setup installs it)"; exit 77; }
EX=$T/hello
cp -r "$STAGE_SOURCE/examples/hello" "$EX"
cat >"$T/hello.spec" <<'SPEC'
Name: hello
Version: 1.0
Release: 1
Summary: stage's example, packaged without root
License: GPL
%description
The bundled example, staged by stage-run.
%prep
%build
%install
cd %{exdir} && %{stagebin}/stage-run --destdir %{buildroot} -- make install
%{stagebin}/stage-ls --destdir %{buildroot} --format rpm --config /usr/pkg/etc/hello/hello.conf >%{_builddir}/files.lst
%files -f %{_builddir}/files.lst
SPEC
[ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$T"
as_nobody env HOME="$T" rpmbuild -bb --define "_topdir $T/top" --define "exdir $EX" \
  --define "stagebin $STAGE_BIN" "$T/hello.spec" >"$T/build.log" 2>&1
rc=$?
expect_eq "rpmbuild -bb as nobody exits 0" 0 $rc
[ $rc -eq 0 ] || tail -20 "$T/build.log" >&2
RPM=$(ls "$T"/top/RPMS/*/hello-1.0-1.*.rpm 2>/dev/null | head -1)
check "an rpm was written" test -f "$RPM"
rpm -qlvp "$RPM" 2>/dev/null >"$T/list"
row() { awk -v p="$1" '$NF == p {print $1, $3, $4}' "$T/list"; }
expect_eq "rpm -qlvp: setuid root" "-rwsr-xr-x root root" "$(row /usr/pkg/bin/hello)"
expect_eq "rpm -qlvp: setgid games" "-rwxr-sr-x root games" "$(row /usr/pkg/bin/hello-scores)"
expect_eq "rpm -qlvp: sticky spool" "drwxrwxrwt root root" "$(row /var/spool/hello)"
expect_eq "rpm -qlvp: games directory" "drwxrwxr-x games games" "$(row /var/games/hello)"
expect_eq "rpm -qlvp: games scores" "-rw-rw-r-- games games" "$(row /var/games/hello/scores)"
expect_eq "rpm -qlvp: service account by name" "-rw-r----- pkgsvc pkgsvc" "$(row /usr/pkg/etc/hello/hello.conf)"
expect_eq "rpm -qlvp: service directory" "drwxr-x--- pkgsvc pkgsvc" "$(row /var/db/hello)"
expect_eq "rpm -qlvp: plain file root's" "-rw-r--r-- root root" "$(row /usr/pkg/man/man1/hello.1)"
expect_eq "the package owns its directories, not the system's" "" "$(awk '$NF == "/var/spool" || $NF == "/usr/pkg" || $NF == "/usr"' "$T/list")"
expect_eq "%config(noreplace)" "/usr/pkg/etc/hello/hello.conf" "$(rpm -qcp "$RPM" 2>/dev/null)"
expect_eq "nothing in the package is nobody's" "" "$(grep -w nobody "$T/list")"

if [ "$(id -u)" -ne 0 ]; then
  skip_part "rpm --root R -i needs root"
  done_testing
fi
R=$T/root
mkdir -p "$R/etc"
# The target system: its own ids, unlike the host's.
printf 'root:x:0:0::/root:/bin/sh\ngames:x:7:13::/:/bin/sh\npkgsvc:x:901:901::/:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\ngames:x:13:\npkgsvc:x:901:\n' >"$R/etc/group"
rpm --root "$R" --initdb
rpm --root "$R" -i --nodeps --noscripts "$RPM" >"$T/install.out" 2>&1
expect_eq "rpm --root R -i exits 0" 0 $?
expect_eq "no unknown user or group" "" "$(grep 'does not exist' "$T/install.out")"
expect_example_installed "$R" 7 13 901
expect_eq "installed: service directory" "drwxr-x--- 901:901" "$(stat -c '%A %u:%g' "$R/var/db/hello")"
rpm --root "$R" -V --nodeps hello >"$T/verify" 2>&1
expect_eq "rpm -V finds nothing changed" "0 " "$? $(cat "$T/verify")"
done_testing
