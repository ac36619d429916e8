# stage-run --root as nobody: setcap(8) in the build records file
# capabilities (security.capability) instead of writing them; a later
# chown, write or replacement drops one as the kernel does, chmod and mv keep
# it; a hard link made afterwards has it too. What a root install's getcap
# says is what the exports carry: JSON, stage-ls --format sh's setcap lines,
# stage-pack's tar (GNU tar and bsdtar extract it as root) and rpm's %caps
# (rpm -qp --filecaps, and getcap after rpm -i).
. "$STAGE_SOURCE/tests/lib.sh"
[ "$(id -u)" -eq 0 ] || skip_test "the anchor is a root install with real capabilities (run as root, as CI does)"
command -v setcap >/dev/null || skip_test "setcap missing (Debian package libcap2-bin; scripts/setup installs it)"
umask 022
chown nobody:nogroup "$T"
skip_unless_root_namespace
S=$T/steps
mkdir "$S"
cp /usr/bin/true "$S/prog"
cp /usr/bin/false "$S/prog2"
cat >"$S/caps.sh" <<'EOF2'
set -e
src=$(dirname "$0")
b=$DESTDIR/usr/sbin
mkdir -p "$b"
for f in ping both dropped replaced chowned written moved0 chmodded; do cp "$src/prog" "$b/$f"; done
setcap cap_net_raw=ep "$b/ping"
ln "$b/ping" "$b/aping"
setcap cap_net_bind_service,cap_net_raw+p "$b/both"
setcap cap_sys_admin=ep "$b/dropped"
setcap -r "$b/dropped"
setcap cap_net_raw=ep "$b/replaced"
install -m 755 "$src/prog2" "$b/replaced"
setcap cap_net_raw=ep "$b/chowned"
chown root:root "$b/chowned"
setcap cap_net_raw=ep "$b/written"
echo >>"$b/written"
setcap cap_net_raw=ep "$b/moved0"
mv "$b/moved0" "$b/moved"
setcap cap_net_admin+eip "$b/chmodded"
chmod 750 "$b/chmodded"
EOF2
chown -R nobody:nogroup "$S"

as_nobody "$STAGE_BIN/stage-run" -q --root --destdir "$T/stage" -- sh "$S/caps.sh" >"$T/stage.log" 2>&1
expect_eq "setcap, setcap -r, install, chown, mv, chmod: staged by nobody under --root" 0 $?
cat "$T/stage.log"
env DESTDIR="$T/root" sh "$S/caps.sh"
expect_eq "the same steps installed by root" 0 $?

# getcap's lines ("PATH CAPS"), paths relative to the tree, sorted.
caps_of() { getcap -r "$1" | sed "s|^$1||" | sort; }
caps_of "$T/root" >"$T/root.caps"
expect_eq "the root install: what the kernel kept" "/usr/sbin/aping cap_net_raw=ep
/usr/sbin/both cap_net_bind_service,cap_net_raw=p
/usr/sbin/chmodded cap_net_admin=eip
/usr/sbin/moved cap_net_raw=ep
/usr/sbin/ping cap_net_raw=ep" "$(cat "$T/root.caps")"
expect_eq "nothing on the stage's disk carries a capability" "" "$(getcap -r "$T/stage")"

as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --format json >"$T/stage.json"
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["caps"]: print(r["path"], r["caps"])
' "$T/stage.json" | sort >"$T/json.caps"
if diff -u "$T/root.caps" "$T/json.caps"; then pass "stage-ls --format json: the capabilities root's getcap shows"
else fail "stage-ls --format json differs from root's getcap"; fi
expect_eq "nothing the build made is untracked" "" "$(as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --untracked)"

# stage-ls --format sh, run as root on a copy of the stage: setcap after chown and chmod.
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --format sh >"$T/owners.sh"
cp -a "$T/stage" "$T/sh-copy"
sh "$T/owners.sh" "$T/sh-copy"
expect_eq "stage-ls --format sh, run as root on a copy" 0 $?
caps_of "$T/sh-copy" >"$T/sh.caps"
if diff -u "$T/root.caps" "$T/sh.caps"; then pass "stage-ls --format sh as root: getcap equals root's"
else fail "stage-ls --format sh as root differs from root's getcap"; fi

# stage-pack's tar: a pax SCHILY.xattr.security.capability record.
as_nobody "$STAGE_BIN/stage-pack" --destdir "$T/stage" -o "$T/caps.tar"
expect_eq "stage-pack exits 0" 0 $?
tar --xattrs --xattrs-include='*' -tvvf "$T/caps.tar" >"$T/tar.list" 2>"$T/tar.err"
check "tar --xattrs -tvv lists the attribute under aping (ping is its hard link)" \
  sh -c "grep -A1 'usr/sbin/aping\$' '$T/tar.list' | grep -q 'x: 20 security.capability'"
expect_eq "GNU tar reads the archive without a warning" "" "$(cat "$T/tar.err")"
mkdir "$T/x-gnu" "$T/x-bsd"
tar --xattrs --xattrs-include='*' -xpf "$T/caps.tar" -C "$T/x-gnu"
caps_of "$T/x-gnu" >"$T/gnu.caps"
if diff -u "$T/root.caps" "$T/gnu.caps"; then pass "GNU tar --xattrs -xp as root: getcap equals root's"
else fail "GNU tar's extraction differs from root's getcap"; fi
bsdtar --xattrs -xpf "$T/caps.tar" -C "$T/x-bsd"
caps_of "$T/x-bsd" >"$T/bsd.caps"
if diff -u "$T/root.caps" "$T/bsd.caps"; then pass "bsdtar --xattrs -xp as root: getcap equals root's"
else fail "bsdtar's extraction differs from root's getcap"; fi

# Other clients of the same calls inside a --root build: GNU tar extracting
# an archive that carries capabilities, and Python's os.setxattr on a
# descriptor (fsetxattr).
tar --xattrs --xattrs-include='*' -C "$T/root" -cf "$S/withcaps.tar" usr
chown nobody:nogroup "$S/withcaps.tar"
cat >"$S/clients.sh" <<'EOF2'
set -e
tar --xattrs --xattrs-include='*' -xpf "$(dirname "$0")/withcaps.tar" -C "$DESTDIR"
cp /usr/bin/true "$DESTDIR/usr/sbin/viafd"
python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.setxattr(fd, "security.capability", bytes.fromhex("0100000200200000000000000000000000000000"))
os.setxattr(fd, "user.note", b"kept")  # any other attribute goes to the kernel
' "$DESTDIR/usr/sbin/viafd"
EOF2
chown nobody:nogroup "$S/clients.sh"
as_nobody "$STAGE_BIN/stage-run" -q --root --destdir "$T/stage2" -- sh "$S/clients.sh" >"$T/stage2.log" 2>&1
expect_eq "tar --xattrs -xp and os.setxattr(fd) in a --root build exit 0" 0 $?
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage2" --format json | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r["caps"]: print(r["path"], r["caps"])
' | sort >"$T/stage2.caps"
expect_eq "tar -xp recorded what the archive carries; fsetxattr recorded cap_net_raw=ep" \
  "$( (cat "$T/root.caps"; echo "/usr/sbin/viafd cap_net_raw=ep") | sort)" "$(cat "$T/stage2.caps")"
expect_eq "a user.* attribute reached the disk" "kept" \
  "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.note").decode())' "$T/stage2/usr/sbin/viafd")"

# rpm: %caps(...) in the %files list; rpm -qp --filecaps reads it back.
if ! command -v rpmbuild >/dev/null; then
  skip_part "rpmbuild missing (Debian package rpm; scripts/setup installs it)"
  done_testing
fi
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --format rpm >"$T/files.lst"
check "stage-ls --format rpm writes %caps(cap_net_raw=ep) for ping" grep -q '%caps(cap_net_raw=ep) "/usr/sbin/ping"' "$T/files.lst"
cat >"$T/caps.spec" <<'SPEC'
Name: capsdemo
Version: 1.0
Release: 1
Summary: file capabilities staged by stage-run --root
License: GPL
%description
setcap in a --root build.
%prep
%build
%install
cp -a %{stage}/. %{buildroot}/
%files -f %{fileslist}
SPEC
chown -R nobody:nogroup "$T/caps.spec" "$T/files.lst"
as_nobody env HOME="$T" rpmbuild -bb --define "_topdir $T/top" --define "stage $T/stage" \
  --define "fileslist $T/files.lst" --define "__os_install_post %{nil}" --define "debug_package %{nil}" \
  "$T/caps.spec" >"$T/rpmbuild.log" 2>&1
rc=$?
expect_eq "rpmbuild -bb as nobody exits 0" 0 $rc
[ $rc -eq 0 ] || tail -20 "$T/rpmbuild.log" >&2
RPM=$(ls "$T"/top/RPMS/*/capsdemo-1.0-1.*.rpm 2>/dev/null | head -1)
rpm -qp --filecaps "$RPM" 2>/dev/null | awk -F'\t' 'NF == 2 && $2 != "" {print $1, $2}' | sort >"$T/rpm.caps"
if diff -u "$T/root.caps" "$T/rpm.caps"; then pass "rpm -qp --filecaps: the capabilities root's getcap shows"
else fail "rpm -qp --filecaps differs from root's getcap"; fi
R=$T/rpmroot
mkdir -p "$R"
rpm --root "$R" --initdb
rpm --root "$R" -i --nodeps --noscripts "$RPM" >"$T/rpm-install.log" 2>&1
expect_eq "rpm --root R -i exits 0" 0 $?
caps_of "$R" >"$T/rpmroot.caps"
if diff -u "$T/root.caps" "$T/rpmroot.caps"; then pass "after rpm -i, getcap equals root's"
else fail "after rpm -i, getcap differs from root's"; fi
done_testing
