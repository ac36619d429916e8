# The records model what the kernel does to a root install: chown/chgrp of a
# non-directory clear setuid, and setgid when group-executable (even as root,
# even to the same owner); a directory made in a setgid directory inherits
# setgid (kept unless -m mentions it) and everything made there takes the
# directory's group when no -g names one. Staged by nobody vs GNU's tools as root.
. "$STAGE_SOURCE/tests/lib.sh"
cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"
[ "$MY_UID" -eq 0 ] || { echo "skip: the reference is a root run"; exit 77; }

cat >"$T/ops.sh" <<'OPS'
set -e
P=$1
umask 022
echo payload >"$P.src"
mkdir -p "$P/d" && chmod 2775 "$P/d" && chgrp games "$P/d"
install -m 4755 "$P.src" "$P/d/g";  chgrp daemon "$P/d/g"      # setuid cleared
install -m 6755 "$P.src" "$P/d/h";  chown bin "$P/d/h"         # both cleared
install -m 6745 "$P.src" "$P/d/k";  chgrp daemon "$P/d/k"      # setgid without g+x stays
install -m 4755 "$P.src" "$P/d/s";  chown root "$P/d/s"        # the same owner clears too
install -m 4755 "$P.src" "$P/d/t";  chown --from=bin daemon "$P/d/t"  # no chown: kept
install -o bin -g daemon -m 6755 "$P.src" "$P/d/o"             # install: chown, then chmod
install -m 2755 "$P.src" "$P/d/u";  chown :games "$P/d/u"      # group-executable setgid cleared
install -m 4755 "$P.src" "$P/d/v";  chmod u+s "$P/d/v"; chown -R bin:bin "$P/d/v"
mkdir -m 640 "$P/d/m"                                          # 2640 games
mkdir -m 00750 "$P/d/z"                                        # five digits: setgid cleared
mkdir -m g-s "$P/d/gs"                                         # mentioned: cleared
mkdir "$P/d/n"; mkdir -p "$P/d/p/q/r"                          # 2755 games, all levels
install -d "$P/d/i"                                            # no -m: every bit set, 0755
install -d -m 755 "$P/d/j"                                     # 2755
install -d -g bin "$P/d/jb"
install -m 644 "$P.src" "$P/d/f"                               # 644 games
install -g bin -m 2755 "$P.src" "$P/d/gb"                      # -g names the group
install -D -m 644 "$P.src" "$P/d/D/E/x"                        # ancestors 2755 games
ln -s f "$P/d/l"                                               # a symlink takes the group
ln "$P/d/f" "$P/d/hl"; chmod 4755 "$P/d/f"; chgrp daemon "$P/d/hl"   # one inode: both 0755 daemon
chmod 6755 "$P/d/p"; chown -R bin "$P/d/p"                     # directories keep their bits
mkdir "$P/plain"; install -m 644 "$P.src" "$P/plain/f"         # no setgid: default group
OPS

mkdir "$T/root"
PATH=/usr/bin:/bin sh "$T/ops.sh" "$T/root" >"$T/root.log" 2>&1
expect_eq "the script runs as root with GNU's tools" 0 $?
new_stage
staged_nobody env PATH="$D:$PATH" sh "$T/ops.sh" "$DESTDIR" >"$T/staged.log" 2>&1
expect_eq "the script runs staged as nobody" 0 $?
cat "$T/staged.log"
"$STAGE_BIN/stage-ls" --destdir "$DESTDIR" --format mtree >"$T/staged.mtree"
$cmp_tool snapshot "$T/root" / >"$T/root.list"
$cmp_tool mtree "$T/staged.mtree" "$DESTDIR" / >"$T/staged.list"
check "the reference holds the cases" test "$(wc -l <"$T/root.list")" -gt 25
check "the reference shows the kernel's rule (chgrp cleared setuid)" grep -q "^/d/g file 0755 root daemon " "$T/root.list"
check "the reference shows the inheritance (mkdir -m 640 gave 2640)" grep -q "^/d/m dir 2640 root games" "$T/root.list"
if diff -u "$T/root.list" "$T/staged.list"; then pass "staged records equal the root run"; else fail "staged records differ from the root run"; fi
done_testing
