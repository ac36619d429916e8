# Union capture, renames of root-owned host files (issue 11): as nobody, and
# as root, under stage-run --root --map P, a Makefile renames (mv) a host file
# and a host symlink of the host's P (root's, as /usr/pkg is) that overlayfs
# cannot copy up for an unprivileged build (EOVERFLOW); the supervisor copies
# them through the build's view. The host's P stays unchanged; the old names
# are recorded as deletions and listed by stage-ls --check; the stage holds
# what a root install over a copy of the host's P adds (the new names with
# content, link target, mode and owner root:root). The same under
# --sandbox --root.
. "$STAGE_SOURCE/tests/lib.sh"
umask 022
skip_unless_root_capture
cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"
host_prefix
mkdir -p "$P/bin" "$P/share"
printf '#!/bin/sh\necho old\n' >"$P/bin/old"; chmod 750 "$P/bin/old"; chmod o+r "$P/bin/old"
ln -s old "$P/bin/link"
echo data >"$P/share/data.txt"; chmod 644 "$P/share/data.txt"

mkdir "$T/src" && cd "$T/src"
cat >Makefile <<'MK'
install:
	mv $(prefix)/bin/old $(prefix)/bin/new
	mv $(prefix)/bin/link $(prefix)/bin/link2
	mv $(prefix)/share/data.txt $(prefix)/bin/moved.txt
	test ! -e $(prefix)/bin/old && test ! -L $(prefix)/bin/link
	grep -q 'echo old' $(prefix)/bin/new
	test "$$(readlink $(prefix)/bin/link2)" = old
MK
chown -R nobody:nogroup "$T"
snapshot_host "$P"

# The anchor: root, over a copy of the host's prefix on a tmpfs of its own mount namespace.
root_anchor "$P" make install prefix="$P"
expect_eq "root install in a private mount namespace" 0 $?
new_entries "$T/host.list" <"$T/root.list" >"$T/root.new"
check "the root install added the three new names" test "$(wc -l <"$T/root.new")" -eq 3

# nobody; root; and --sandbox --root by root (the build runs as nobody, the supervisor as root).
for who in $(capture_whos); do
  capture_as $who "$P" make install prefix="$P"
  if [ $who = nobody ]; then run=as_nobody; else run=env; fi
  check "$who: the summary counts the three old names" grep -q '^stage-run: 3 host files deleted under union capture' "$T/capture-$who.log"
  $run "$STAGE_BIN/stage-ls" --destdir "$S" --check >"$T/check-$who.out" 2>&1
  expect_eq "$who: stage-ls --check reports findings" 1 $?
  for old in bin/old bin/link share/data.txt; do
    check "$who: stage-ls --check lists $old" grep -q "^deleted: $P/$old: " "$T/check-$who.out"
  done
  $run "$STAGE_BIN/stage-ls" --destdir "$S" --format mtree >"$T/staged-$who.mtree"
  expect_eq "$who: mtree export" 0 $?
  $cmp_tool mtree "$T/staged-$who.mtree" "$S" "$P" >"$T/staged-$who.list"
  new_entries "$T/host.list" <"$T/staged-$who.list" >"$T/staged-$who.new"
  if diff -u "$T/root.new" "$T/staged-$who.new"; then pass "$who: the stage equals what the root install added"
  else fail "$who: the stage differs from the root install"; cat "$T/capture-$who.log" >&2; fi
done
expect_eq "the root install deleted exactly what was recorded" "$P/bin/link $P/bin/old $P/share/data.txt" \
  "$(comm -23 <(awk '{print $1}' "$T/host.list" | sort) <(awk '{print $1}' "$T/root.list" | sort) | tr '\n' ' ' | sed 's/ $//')"
done_testing
