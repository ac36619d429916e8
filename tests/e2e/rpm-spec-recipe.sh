# The README's rpm-spec recipe, run as written: its ```spec block (taken from
# README.md, so the two cannot drift) completes a spec that builds the bundled
# example from a Source0 tarball with %setup; rpmbuild -bb by nobody, with
# stage on PATH, must give a package with the recorded owners and modes. A
# second build after a file left the Makefile must not list it (the stage's
# database beside %{buildroot} outlives rpmbuild's removal of the buildroot).
. "$STAGE_SOURCE/tests/lib.sh"
command -v rpmbuild >/dev/null || skip_test "rpmbuild missing (Debian package rpm; scripts/setup installs it)"
recipe=$(awk '/^\*\*rpm spec\*\*/ {on = 1} on && /^```spec$/ {inblock = 1; next} inblock && /^```$/ {exit} inblock' \
  "$STAGE_SOURCE/README.md")
[ -n "$recipe" ] || { fail "README.md has no rpm spec block after **rpm spec**"; done_testing; }
mkdir -p "$T/top/SOURCES" "$T/top/SPECS"
# tarball NAME: the example as Source0.
tarball() { tar -czf "$T/top/SOURCES/hello-1.0.tar.gz" -C "$T" hello-1.0; }
cp -r "$STAGE_SOURCE/examples/hello" "$T/hello-1.0" && tarball
{
  printf '%s\n' 'Name: hello' 'Version: 1.0' 'Release: 1' 'Summary: stage example' 'License: GPL' \
    'Source0: hello-1.0.tar.gz' '%description' 'The bundled example.' '%prep' '%setup -q' '%build' 'make'
  printf '%s\n' "$recipe"
} >"$T/top/SPECS/hello.spec"
[ "$MY_UID" -eq 0 ] && chown -R nobody:nogroup "$T"
# rpmbuild_nobody N: one build by nobody, stage's commands on PATH; its log is $T/build-N.log.
rpmbuild_nobody() {
  as_nobody env HOME="$T" PATH="$STAGE_BIN:$PATH" rpmbuild -bb --define "_topdir $T/top" \
    "$T/top/SPECS/hello.spec" >"$T/build-$1.log" 2>&1
  local rc=$?
  expect_eq "rpmbuild -bb by nobody with the README's recipe (build $1)" 0 $rc
  [ $rc -eq 0 ] || tail -20 "$T/build-$1.log" >&2
  rpm -qlvp "$T"/top/RPMS/*/hello-1.0-1.*.rpm 2>/dev/null >"$T/list-$1"
}
row() { awk -v p="$2" '$NF == p {print $1, $3, $4}' "$T/list-$1"; }
rpmbuild_nobody 1
expect_eq "setuid root" "-rwsr-xr-x root root" "$(row 1 /usr/pkg/bin/hello)"
expect_eq "setgid games" "-rwxr-sr-x root games" "$(row 1 /usr/pkg/bin/hello-scores)"
expect_eq "service account" "-rw-r----- pkgsvc pkgsvc" "$(row 1 /usr/pkg/etc/hello/hello.conf)"
expect_eq "sticky spool" "drwxrwxrwt root root" "$(row 1 /var/spool/hello)"
expect_eq "the man page" "-rw-r--r-- root root" "$(row 1 /usr/pkg/man/man1/hello.1)"
expect_eq "nothing is nobody's" "" "$(grep -w nobody "$T/list-1")"
sed -i '/hello\.1 /d' "$T/hello-1.0/Makefile" && tarball && chown -R nobody:nogroup "$T/top" 2>/dev/null
rpmbuild_nobody 2
expect_eq "a file no longer installed is not in the next package" "" "$(row 2 /usr/pkg/man/man1/hello.1)"
expect_eq "the rest still is" "-rwsr-xr-x root root" "$(row 2 /usr/pkg/bin/hello)"
done_testing
