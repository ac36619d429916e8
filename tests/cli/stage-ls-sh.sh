# stage-ls --format sh, judged by fakeroot and tar: the script, run by nobody
# under a fakeroot session of its own (as makepkg runs package()), must give
# tar in that session the archive that `fakeroot -i STATE` of the fakeroot
# format gives, names with blanks, a quote, a backslash and a newline
# included; as root, on a copy of the stage, it must make the real files so.
# Without root or fakeroot it stops at the first chown, non-zero.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
command -v fakeroot >/dev/null || skip_test "fakeroot missing (Debian package fakeroot; scripts/setup installs it)"
build_stage
as_builder "$D/install" -m 644 "$T/text" "/usr/pkg/share/doc/it's \$(not run)"

stage_ls --format sh >"$T/owners.sh"
expect_eq "sh export exits 0" 0 $?
check "set -e first" grep -qx 'set -e' "$T/owners.sh"
check "the root, numeric: 0:0" grep -q '^command -p chown -h 0:0 -- \. ' "$T/owners.sh"
check "the target's games gid (13), numeric" grep -q '^command -p chown -h 0:13 -- \./usr/pkg/bin/hello-scores$' "$T/owners.sh"
check "no chmod of a symlink" sh -c "! grep '^command -p chmod' '$T/owners.sh' | grep -q 'bin/hi\\b'"
last_chown=$(grep -n '^command -p chown' "$T/owners.sh" | tail -1 | cut -d: -f1)
first_chmod=$(grep -n '^command -p chmod' "$T/owners.sh" | head -1 | cut -d: -f1)
check "every chown before every chmod" test "$last_chown" -lt "$first_chmod"
chmod 644 "$T/owners.sh"

# The reference: fakeroot's own state file, loaded by fakeroot.
stage_ls --format fakeroot >"$T/state"
cd "$T"
as_nobody fakeroot -i "$T/state" -- tar -cf "$T/reference.tar" -C "$DEST" .
expect_eq "fakeroot -i STATE -- tar" 0 $?
as_nobody fakeroot -- sh -c 'sh "$1" && tar -cf "$2" -C "$3" .' sh "$T/owners.sh" "$T/script.tar" "$DEST"
expect_eq "fakeroot -- sh SCRIPT, then tar in the same session" 0 $?
tar --numeric-owner -tvf "$T/reference.tar" >"$T/reference.list"
tar --numeric-owner -tvf "$T/script.tar" >"$T/script.list"
check "setuid root in the archive" grep -qE '^[-h]rwsr-xr-x 0/0 .* \./usr/pkg/bin/hello( link to .*)?$' "$T/script.list"
check "the service account (901 in the target)" grep -q '^-rw-r----- 901/901 .* \./usr/pkg/etc/svc.conf$' "$T/script.list"
check "the odd name, chmod'ed" grep -q "^-rw-r--r-- 0/0 .* \./usr/pkg/share/doc/it's \$(not run)\$" "$T/script.list"
if diff -u "$T/reference.list" "$T/script.list"; then
  pass "the script under fakeroot archives what fakeroot -i STATE archives"
else
  fail "the script under fakeroot differs from fakeroot -i STATE"
fi

# Without fakeroot an ordinary user cannot chown: the script stops, non-zero.
as_nobody sh "$T/owners.sh" >/dev/null 2>"$T/nobody.err"
check "as nobody without fakeroot: exit non-zero" test $? -ne 0
check "as nobody without fakeroot: chown says why" grep -q 'chown: .*Operation not permitted' "$T/nobody.err"
if [ "$MY_UID" -eq 0 ]; then
  # As root, on a copy named by the first argument: the real files.
  cp -a "$DEST" "$T/copy"
  sh "$T/owners.sh" "$T/copy"
  expect_eq "as root on a copy (sh SCRIPT DIR)" 0 $?
  tar --numeric-owner -cf "$T/real.tar" -C "$T/copy" .
  tar --numeric-owner -tvf "$T/real.tar" >"$T/real.list"
  if diff -u "$T/reference.list" "$T/real.list"; then
    pass "as root, the copy holds the recorded owners and modes"
  else
    fail "as root, the copy differs from the recorded owners and modes"
  fi
  expect_eq "the stage itself is still nobody's" "" "$(find "$DEST" ! -user nobody)"
else
  skip_part "the script as root"
fi
done_testing
