# stage-run --root: 100 processes change owners and modes of their own staged
# files at the same moment; no record is lost, and the result equals a root run.
. "$STAGE_SOURCE/tests/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "skip: the anchor is a root run (run as root, as CI does)"; exit 77; }
umask 022
chown nobody:nogroup "$T"
skip_unless_root_namespace
N=${STAGE_PARALLEL_N:-100}
cat >"$T/many.py" <<'PY'
import os, sys
n = int(sys.argv[1])
d = os.environ["DESTDIR"] + "/usr/pkg/share/many"
os.makedirs(d)
users = [5, 6, 7, 8, 9]        # games man lp mail news (Debian's base-passwd)
groups = [60, 12, 7, 8, 9]     # games man lp mail news
r, w = os.pipe()
pids = []
for i in range(n):
    pid = os.fork()
    if pid == 0:
        os.close(w)
        p = "%s/f%03d" % (d, i)
        with open(p, "w") as f:
            f.write("%d\n" % i)
        os.read(r, 1)              # every child waits here, then all go at once
        os.chown(p, users[i % 5], groups[(i // 5) % 5])
        os.chmod(p, 0o600 | (i % 8) << 3 | (0o4000 if i % 3 == 0 else 0))
        os.chown(p, -1, groups[i % 5])
        os._exit(0)
    pids.append(pid)
os.close(r)
os.close(w)                        # the start signal: EOF for every child
bad = sum(1 for pid in pids if os.waitpid(pid, 0)[1] != 0)
sys.exit(1 if bad else 0)
PY
as_nobody "$STAGE_BIN/stage-run" -q --root --destdir "$T/stage" -- python3 "$T/many.py" "$N"
expect_eq "$N children under --root" 0 $?
env DESTDIR="$T/root" python3 "$T/many.py" "$N"
expect_eq "the same as root" 0 $?
cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --format mtree >"$T/stage.mtree"
$cmp_tool snapshot "$T/root" / >"$T/root.list"
$cmp_tool mtree "$T/stage.mtree" "$T/stage" / >"$T/stage.list"
expect_eq "every file is listed" "$N" "$(grep -c '/many/f' "$T/stage.list")"
if diff -u "$T/root.list" "$T/stage.list"; then pass "staged equals root's"; else fail "staged differs from root's"; fi
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --untracked >"$T/untracked"
expect_eq "no file is untracked (each has its record)" "" "$(grep '/many/f' "$T/untracked")"
done_testing
