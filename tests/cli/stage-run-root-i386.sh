# stage-run --root as nobody: a static i386 program's owner, mode and device
# changes arrive with the x86 ABI's system call numbers (chown32, fchown32,
# lchown32, i386's 16-bit chown, fchmodat, mknod) and are recorded like a
# 64-bit program's; the result equals a root install of the same program.
. "$STAGE_SOURCE/tests/lib.sh"
[ "$(id -u)" -eq 0 ] || skip_test "the anchor is a root install (run as root, as CI does)"
[ "$(uname -m)" = x86_64 ] || skip_test "i386 programs run on x86-64 only (this is $(uname -m))"
umask 022
chown nobody:nogroup "$T"
skip_unless_root_namespace
S=$T/steps
mkdir "$S"
cat >"$S/ia32.c" <<'EOF2'
/* Owner, mode and device changes through i386's system calls. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
static char dir[4096], path[4200];
static const char* at(const char* name) { snprintf(path, sizeof path, "%s/%s", dir, name); return path; }
static int make(const char* name) {
  int fd = open(at(name), O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0 || write(fd, name, 1) != 1) exit(100);
  return fd;
}
int main(void) {
  if (sizeof(void*) != 4) return 99;
  snprintf(dir, sizeof dir, "%s/usr/pkg/libexec", getenv("DESTDIR"));
  int fd = make("fchown32");
  if (fchown(fd, 5, 60) != 0) return 1;                      /* glibc: fchown32 */
  if (fchmod(fd, 02755) != 0) return 2;
  close(make("chown32"));
  if (chown(at("chown32"), 0, 60) != 0) return 3;            /* chown32 */
  if (symlink("chown32", at("link")) != 0) return 4;
  if (lchown(at("link"), 5, -1) != 0) return 5;              /* lchown32 */
  close(make("chown16"));
  if (syscall(SYS_chown, at("chown16"), 5, 0xffff) != 0) return 6;  /* i386's 16-bit chown: 0xffff keeps the group */
  if (syscall(SYS_chmod, at("chown16"), 04750) != 0) return 7;
  int dfd = open(dir, O_DIRECTORY | O_RDONLY);
  close(make("at"));
  if (fchownat(dfd, "at", -1, 60, 0) != 0) return 8;
  if (fchmodat(dfd, "at", 0640, 0) != 0) return 9;
  if (mknod(at("null"), S_IFCHR | 0666, makedev(1, 3)) != 0) return 10;
  return 0;
}
EOF2
gcc -m32 -static -O -o "$S/ia32" "$S/ia32.c" 2>"$T/gcc.log" ||
  skip_test "gcc -m32 -static cannot build an i386 program (Debian package gcc-multilib; scripts/setup installs it): $(head -3 "$T/gcc.log")"
# It runs (and fails to open under a missing DESTDIR: exit 100) unless the
# kernel cannot execute i386 programs at all (ENOEXEC: the shell's 126).
DESTDIR=/nonexistent "$S/ia32" >"$T/probe.log" 2>&1
rc=$?
[ $rc -eq 126 ] && skip_test "the kernel cannot run i386 programs (CONFIG_IA32_EMULATION off, or ia32_emulation=0): $(cat "$T/probe.log")"
expect_eq "the i386 program runs here" 100 $rc
cat >"$S/ia32.sh" <<'EOF2'
mkdir -p "$DESTDIR/usr/pkg/libexec" && "$(dirname "$0")/ia32"
EOF2
chown -R nobody:nogroup "$S"

as_nobody "$STAGE_BIN/stage-run" -q --root --destdir "$T/stage" -- sh "$S/ia32.sh" >"$T/stage.log" 2>&1
expect_eq "the i386 program staged by nobody under --root exits 0" 0 $?
cat "$T/stage.log"
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --format mtree >"$T/stage.mtree"
env DESTDIR="$T/root" sh "$S/ia32.sh"
expect_eq "the same program run by root exits 0" 0 $?
cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"
$cmp_tool snapshot "$T/root" / >"$T/root.list"
$cmp_tool mtree "$T/stage.mtree" "$T/stage" / >"$T/stage.list"
if diff -u "$T/root.list" "$T/stage.list"; then pass "staged equals root's"
else fail "staged differs from root's"; fi
grep -q '^/usr/pkg/libexec/chown16 file 4750 games root ' "$T/stage.list"
check "i386's 16-bit chown: 0xffff left the group alone" test $? -eq 0
grep -q '^/usr/pkg/libexec/fchown32 file 2755 games ' "$T/stage.list"
check "fchown32 and fchmod recorded" test $? -eq 0
grep -q '^/usr/pkg/libexec/null char 0644 root root 1,3$' "$T/stage.list"
check "mknod recorded with its numbers (umask 022 applied, as for root)" test $? -eq 0
done_testing
