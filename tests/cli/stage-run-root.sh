# stage-run --root as nobody: install steps that set owners and modes with
# programs other than the drop-ins (meson, Python, tar -xp, /bin/chown by
# absolute path, cp -p, mknod, a static binary's raw system calls) are
# recorded; each staged result equals a root install of the same step
# (type, owner, group, mode, size, content, link target).
. "$STAGE_SOURCE/tests/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "skip: the anchor is a root install (run as root, as CI does)"; exit 77; }
umask 022
chown nobody:nogroup "$T"
skip_unless_root_namespace
cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"
S=$T/steps
mkdir "$S"

# Each step is a script run with DESTDIR set: by root with GNU's tools, and
# by nobody under stage-run --root.
cat >"$S/makefile.sh" <<'EOF'
cd "$(dirname "$0")/mk" && make -s install
EOF
mkdir "$S/mk"
echo scores >"$S/mk/data"
cat >"$S/mk/Makefile" <<'EOF'
install:
	mkdir -p $(DESTDIR)/usr/pkg/share/mk
	cp data $(DESTDIR)/usr/pkg/share/mk/scores
	if [ "$$(id -u)" = 0 ]; then /bin/chown games $(DESTDIR)/usr/pkg/share/mk/scores; /bin/chmod 2640 $(DESTDIR)/usr/pkg/share/mk/scores; fi
EOF

cat >"$S/python.sh" <<'EOF'
exec python3 - <<'PY'
import grp, os, pwd
d = os.environ["DESTDIR"] + "/usr/pkg/lib/pyinst"
os.makedirs(d)
games_uid, games_gid = pwd.getpwnam("games").pw_uid, grp.getgrnam("games").gr_gid
with open(d + "/mod.py", "w") as f:
    f.write("x = 1\n")
os.chown(d + "/mod.py", 0, games_gid)
os.chmod(d + "/mod.py", 0o640)
os.mkdir(d + "/data")
os.chown(d + "/data", games_uid, games_gid)
os.chmod(d + "/data", 0o2775)
os.symlink("mod.py", d + "/alias.py")
os.lchown(d + "/alias.py", games_uid, -1)
PY
EOF

mkdir -p "$S/tarsrc/sub" && echo hi >"$S/tarsrc/sub/score" && echo top >"$S/tarsrc/readme" && ln -s sub/score "$S/tarsrc/link"
chmod 0664 "$S/tarsrc/sub/score"
tar -C "$S/tarsrc" --owner=games --group=games -cf "$S/games.tar" .
cat >"$S/tar.sh" <<'EOF'
mkdir -p "$DESTDIR/usr/pkg/share/games" && tar -xpf "$(dirname "$0")/games.tar" -C "$DESTDIR/usr/pkg/share/games"
EOF

echo "setting=1" >"$S/conf"
cat >"$S/cp-p.sh" <<'EOF'
mkdir -p "$DESTDIR/usr/pkg/etc" &&
install -m 0440 "$(dirname "$0")/conf" "$DESTDIR/usr/pkg/etc/app.conf.default" &&
cp -p "$DESTDIR/usr/pkg/etc/app.conf.default" "$DESTDIR/usr/pkg/etc/app.conf"
EOF

cat >"$S/mknod.sh" <<'EOF'
mkdir -p "$DESTDIR/usr/pkg/dev" &&
mknod -m 0660 "$DESTDIR/usr/pkg/dev/zero" c 1 5 &&
mknod "$DESTDIR/usr/pkg/dev/sda" b 8 0 &&
mknod "$DESTDIR/usr/pkg/dev/fifo" p &&
chown 0:6 "$DESTDIR/usr/pkg/dev/zero"
EOF

cat >"$S/raw.c" <<'EOF'
/* Owner and mode changes by raw system calls: no libc wrapper to intercept. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void) {
  char dir[4096], file[4200];
  snprintf(dir, sizeof dir, "%s/usr/pkg/libexec", getenv("DESTDIR"));
  snprintf(file, sizeof file, "%s/raw", dir);
  int fd = open(file, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0 || write(fd, "raw\n", 4) != 4) return 1;
  if (syscall(SYS_fchown, fd, 0, 60) != 0) return 2;
  if (syscall(SYS_fchmod, fd, 02755) != 0) return 3;
  close(fd);
  int dfd = open(dir, O_DIRECTORY | O_RDONLY);
  if (dfd < 0 || symlinkat("raw", dfd, "rawlink") != 0) return 4;
  if (syscall(SYS_fchownat, dfd, "rawlink", 5, 60, AT_SYMLINK_NOFOLLOW) != 0) return 5;
  fd = openat(dfd, "plain", O_CREAT | O_WRONLY | O_TRUNC, 0600);
  if (fd < 0 || write(fd, "p", 1) != 1) return 6;
  close(fd);
  if (syscall(SYS_fchownat, dfd, "plain", 5, -1, 0) != 0) return 7;
  if (syscall(SYS_fchmodat, dfd, "plain", 0604) != 0) return 8;
  return 0;
}
EOF
gcc -static -O -o "$S/raw" "$S/raw.c" || { fail "cannot build the static test program"; done_testing; }
cat >"$S/raw.sh" <<'EOF'
mkdir -p "$DESTDIR/usr/pkg/libexec" && "$(dirname "$0")/raw"
EOF

have_meson=no
if command -v meson >/dev/null; then
  have_meson=yes
  mkdir "$S/meson"
  echo '#!/bin/sh' >"$S/meson/tool.sh"
  echo 0 >"$S/meson/score.dat"
  cat >"$S/meson/meson.build" <<'EOF'
project('rootdemo', version: '1.0')
install_data('tool.sh', install_dir: 'bin', install_mode: ['rwxr-sr-x', 'root', 'games'])
install_data('score.dat', install_dir: 'share/rootdemo', install_mode: ['rw-rw-r--', 'root', 'games'])
install_emptydir('/usr/pkg/var/games/rootdemo', install_mode: ['rwxrwxr-x', 'games', 'games'])
EOF
  chown -R nobody:nogroup "$S"
  (cd "$S/meson" && as_nobody meson setup --prefix=/usr/pkg build >"$T/meson-setup.log" 2>&1) || fail "meson setup"
  cat >"$S/meson.sh" <<'EOF'
cd "$(dirname "$0")/meson" && meson install -C build --no-rebuild
EOF
else
  echo "note: meson is not installed (scripts/setup installs it); its step is left out" >&2
  fail "meson missing"
fi
chown -R nobody:nogroup "$S"

for step in makefile python tar cp-p mknod raw meson; do
  [ -f "$S/$step.sh" ] || continue
  # Staged first: meson's root run leaves root-owned logs in its build directory.
  as_nobody "$STAGE_BIN/stage-run" -q --root --destdir "$T/stage-$step" -- sh "$S/$step.sh" >"$T/$step.log" 2>&1
  expect_eq "$step: staged by nobody under --root" 0 $?
  grep -i "unable to set owner\|operation not permitted" "$T/$step.log" && fail "$step: a change was refused"
  as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage-$step" --format mtree >"$T/stage-$step.mtree"
  expect_eq "$step: mtree export" 0 $?
  env DESTDIR="$T/root-$step" sh "$S/$step.sh" >"$T/root-$step.log" 2>&1
  expect_eq "$step: root install" 0 $?
  $cmp_tool snapshot "$T/root-$step" / >"$T/root-$step.list"
  $cmp_tool mtree "$T/stage-$step.mtree" "$T/stage-$step" / >"$T/stage-$step.list"
  check "$step: the root install is not empty" test "$(wc -l <"$T/root-$step.list")" -gt 2
  if diff -u "$T/root-$step.list" "$T/stage-$step.list"; then
    pass "$step: staged equals root's"
  else
    fail "$step: staged differs from root's"
    cat "$T/$step.log"
  fi
done

# What the rows are about, spelled out (the comparison above covers them too).
grep -q '^/usr/pkg/share/mk/scores file 2640 games root ' "$T/stage-makefile.list"
check "makefile: /bin/chown and /bin/chmod by absolute path were recorded" test $? -eq 0
grep -q '^/usr/pkg/libexec/raw file 2755 root games ' "$T/stage-raw.list"
check "raw: fchown/fchmod system calls of a static binary were recorded" test $? -eq 0
grep -q '^/usr/pkg/dev/zero char 0660 root disk 1,5$' "$T/stage-mknod.list"
check "mknod: the character device is recorded with its numbers" test $? -eq 0
# The exports carry the device, not its placeholder file.
as_nobody "$STAGE_BIN/stage-pack" --destdir "$T/stage-mknod" -o "$T/mknod.tar" 2>/dev/null
check "mknod: stage-pack archives a character device 1,5" sh -c "tar -tvf '$T/mknod.tar' | grep -qE '^crw-rw---- root/disk +1,5 .*usr/pkg/dev/zero\$'"
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage-mknod" --format fakeroot >"$T/mknod.state"
as_nobody fakeroot -i "$T/mknod.state" -- tar -C "$T/stage-mknod" -cf "$T/mknod-fakeroot.tar" ./usr/pkg/dev/zero
check "mknod: fakeroot -i of the state archives the device too" sh -c "tar -tvf '$T/mknod-fakeroot.tar' | grep -qE '^crw-rw---- root/disk +1,5 '"
# --format sh makes the device with mknod under fakeroot (over the placeholder
# file; in a copy of the stage, named by the script's argument).
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage-mknod" --format sh >"$T/mknod.sh"
as_nobody cp -a "$T/stage-mknod" "$T/mknod-copy"
as_nobody fakeroot -- sh -c 'sh "$1" "$2" && tar -C "$2" -cf "$3" ./usr/pkg/dev/zero ./usr/pkg/dev/sda' sh \
  "$T/mknod.sh" "$T/mknod-copy" "$T/mknod-sh.tar"
check "mknod: --format sh under fakeroot archives the character device 1,5" \
  sh -c "tar -tvf '$T/mknod-sh.tar' | grep -qE '^crw-rw---- root/disk +1,5 .*usr/pkg/dev/zero\$'"
check "mknod: --format sh under fakeroot archives the block device 8,0" \
  sh -c "tar -tvf '$T/mknod-sh.tar' | grep -qE '^b[-rwx]{9} root/root +8,0 .*usr/pkg/dev/sda\$'"
check "cp -p: the copy of a 0440 file is 0440 on disk" test "$(stat -c %a "$T/stage-cp-p/usr/pkg/etc/app.conf")" = 440
# cp skips fchown when the owner already matches (the namespace's root owns
# the file): the copy is recorded at the end of the run as root made it.
expect_eq "cp -p: the copy is tracked, not untracked" "" "$(as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage-cp-p" --untracked)"
check "cp -p: recorded as root:root 0440" sh -c "as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- \"\$@\"; }; as_nobody '$STAGE_BIN/stage-ls' --destdir '$T/stage-cp-p' | grep -qE '^-r--r----- +root +root .* /usr/pkg/etc/app.conf\$'"
for step in makefile python tar mknod raw meson; do
  [ -d "$T/stage-$step" ] || continue
  expect_eq "$step: nothing the build made is left untracked" "" "$(as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage-$step" --untracked)"
done
# A path left untracked by an earlier run without --root stays untracked.
as_nobody "$STAGE_BIN/stage-run" -q --destdir "$T/stage-mixed" -- sh -c 'mkdir -p "$DESTDIR/etc" && cp /etc/hostname "$DESTDIR/etc/before"'
as_nobody "$STAGE_BIN/stage-run" -q --root --destdir "$T/stage-mixed" -- sh -c 'cp /etc/hostname "$DESTDIR/etc/after"'
expect_eq "an earlier run's untracked file stays untracked; the --root run's is recorded" "/etc/before" \
  "$(as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage-mixed" --untracked | awk '{print $NF}' | grep -v '^\[' )"
check "on disk, staged files belong to nobody" test "$(stat -c %U "$T/stage-raw/usr/pkg/libexec/raw")" = nobody
check "no setgid bit reaches the disk" test "$(stat -c %a "$T/stage-raw/usr/pkg/libexec/raw")" = 755
# The build believes it is root.
as_nobody "$STAGE_BIN/stage-run" -q --root --destdir "$T/stage-id" -- sh -c 'echo "$(id -u) $(id -g) $(whoami)"' >"$T/id.out"
expect_eq "id -u, id -g and whoami say root" "0 0 root" "$(cat "$T/id.out")"
# Unstaged paths get what the kernel gives: the build's own files may change
# mode; a chown to an id the namespace does not map fails as it would.
as_nobody "$STAGE_BIN/stage-run" -q --root --destdir "$T/stage-id" -- sh -c "
  touch '$T/own' && chmod 600 '$T/own' && test \"\$(stat -c %a '$T/own')\" = 600 || exit 10
  chown games '$T/own' 2>/dev/null && exit 11
  exit 0"
expect_eq "unstaged paths: the kernel's answers" 0 $?
as_nobody "$STAGE_BIN/stage-run" -q --root --destdir "$T/stage-id" -- sh -c 'exit 9'
expect_eq "the command's exit status" 9 $?
# Under fakeroot (makepkg's package()), the id maps cannot be written: a clear refusal.
as_nobody fakeroot -- "$STAGE_BIN/stage-run" -q --root --destdir "$T/stage-fakeroot" -- true >"$T/fakeroot.out" 2>&1
expect_eq "--root under fakeroot is refused" 2 $?
check "and says why" grep -q '^stage-run: --root: cannot run under fakeroot (FAKEROOTKEY is set)' "$T/fakeroot.out"
done_testing
