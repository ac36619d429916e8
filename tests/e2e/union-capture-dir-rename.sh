# Union capture, renames of host directories (issue 11): as nobody, as root,
# and under --sandbox --root, under stage-run --root --map P, a Makefile
# renames (mv) directories of the host's P (root's, as /usr/pkg is): one
# with host files (one deleted first) and files, a hard link and a
# directory the build staged below it (then moved on); one onto an empty
# host directory (mv -T) and one onto a host directory the build emptied;
# one into a host directory the stage does not hold yet (as root nothing
# is mirrored); one named through the stage ($STAGE_DESTDIR$(prefix),
# where the same overlay appears); and fails to rename one onto a
# non-empty one. Then it copies a staged directory with cp -a (modes set
# through minimal ACLs) and sets a mode with setfacl. overlayfs refuses to
# rename a host directory (EXDEV) and mv's own copy would record owner
# 65534 and mode 0700; the supervisor moves the tree itself. The host's P
# stays unchanged; the old names are recorded as deletions and listed by
# stage-ls --check, exactly those the root install deleted (a directory as
# one deletion); the stage holds what a root install over a copy of the
# host's P adds (paths, types, owners, groups, modes, sizes, contents,
# link targets). Run unprivileged, a host directory holding a file the
# build user cannot read is refused (EACCES) and nothing moves.
. "$STAGE_SOURCE/tests/lib.sh"
umask 022
skip_unless_root_capture
command -v setfacl >/dev/null || skip_test "setfacl (Debian package acl) is not installed"
cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"
host_prefix
mkdir -p "$P/share/olddir/sub" "$P/share/other" "$P/share/emptydir" "$P/share/keep" "$P/lib" "$P/share/more" "$P/opt"
echo m >"$P/share/more/m.txt"
mkdir "$P/share/full2" && echo x >"$P/share/full2/x.txt"
mkdir "$P/share/viadest" && echo v >"$P/share/viadest/v.txt" && chmod 555 "$P/share/viadest"
mkdir "$P/share/secret" && echo s >"$P/share/secret/s" && chmod 600 "$P/share/secret/s"
echo a >"$P/share/olddir/a.txt"; chmod 444 "$P/share/olddir/a.txt"
printf '#!/bin/sh\necho tool\n' >"$P/share/olddir/tool"; chmod 755 "$P/share/olddir/tool"
ln -s a.txt "$P/share/olddir/link"
echo b >"$P/share/olddir/sub/b.txt"; chmod 604 "$P/share/olddir/sub/b.txt"
chmod 705 "$P/share/olddir/sub"; chmod 775 "$P/share/olddir"
echo c >"$P/share/other/c.txt"
echo k >"$P/share/keep/k.txt"
chgrp games "$P/share/other/c.txt"

mkdir "$T/src" && cd "$T/src"
printf '#!/bin/sh\necho prog\n' >prog
cat >Makefile <<'MK'
install:
	install -m 600 -o games -g games prog $(prefix)/share/olddir/staged
	install -d -m 700 $(prefix)/share/olddir/sub/private
	install -m 644 prog $(prefix)/share/olddir/sub/private/p
	ln $(prefix)/share/olddir/staged $(prefix)/share/olddir/hard
	rm -f $(prefix)/share/olddir/tool
	mv $(prefix)/share/olddir $(prefix)/share/newdir
	test ! -e $(prefix)/share/newdir/tool
	mkdir -p $(prefix)/lib
	mv $(prefix)/share/newdir/sub/private $(prefix)/lib/private
	test ! -e $(prefix)/share/olddir
	test "$$(cat $(prefix)/share/newdir/sub/b.txt)" = b
	test "$$(readlink $(prefix)/share/newdir/link)" = a.txt
	mv -T $(prefix)/share/other $(prefix)/share/emptydir
	install -m 640 -o games prog $(prefix)/share/more/own
	mv $(prefix)/share/more $(prefix)/opt/more
	test -f $(prefix)/share/emptydir/c.txt
	mv -T $(prefix)/share/keep $(prefix)/share/newdir 2>&1 | grep -q 'Directory not empty'
	test -f $(prefix)/share/keep/k.txt
	rm $(prefix)/share/full2/x.txt
	mv -T $(prefix)/share/keep $(prefix)/share/full2
	test ! -e $(prefix)/share/full2/x.txt && test -f $(prefix)/share/full2/k.txt
	mv $$STAGE_DESTDIR$(prefix)/share/viadest $$STAGE_DESTDIR$(prefix)/share/viadest2
	install -d -m 750 $(prefix)/lib/x
	install -m 640 prog $(prefix)/lib/x/f
	cp -a $(prefix)/lib/x $(prefix)/lib/y
	cp prog $(prefix)/lib/z
	setfacl -m u::rw,g::-,o::- $(prefix)/lib/z
MK
chown -R nobody:nogroup "$T"
snapshot_host "$P"

# The anchor: root, over a copy of the host's prefix on a tmpfs of its own mount namespace.
root_anchor "$P" make install prefix="$P"
expect_eq "root install in a private mount namespace" 0 $?
[ -s "$T/root-run.log" ] && sed 's/^/  root: /' "$T/root-run.log" >&2
new_entries "$T/host.list" <"$T/root.list" >"$T/root.new"
check "the root install added the moved trees" grep -q "^$P/share/newdir/sub/b.txt " "$T/root.new"
check "and the directory moved into a host directory the build had not touched" grep -q "^$P/opt/more/own file 0640 games root " "$T/root.new"
check "and the hard link" grep -q "^$P/share/newdir/hard file 0600 games games " "$T/root.new"
deleted=$(comm -23 <(awk '{print $1}' "$T/host.list" | sort) <(awk '{print $1}' "$T/root.list" | sort))
check "the root install deleted the old names" test "$(echo "$deleted" | wc -l)" -eq 15
# A deleted host directory is recorded as one deletion, which stands for all below it.
deleted_top=$(echo "$deleted" | awk '{ for (i = 1; i <= n; i++) if (index($0, top[i] "/") == 1) next; top[++n] = $0; print }')
expect_eq "the old directories are what the root install deleted at the top" "$P/share/full2/x.txt $P/share/keep $P/share/more $P/share/olddir $P/share/other $P/share/viadest" "$(echo $deleted_top)"

for who in $(capture_whos); do
  capture_as $who "$P" make install prefix="$P"
  if [ $who = nobody ]; then run=as_nobody; else run=env; fi
  $run "$STAGE_BIN/stage-ls" --destdir "$S" --check >"$T/check-$who.out" 2>&1
  expect_eq "$who: stage-ls --check reports findings" 1 $?
  expect_eq "$who: stage-ls --check lists exactly what the root install deleted" "$deleted_top" \
    "$(sed -n 's/^deleted: \([^:]*\): .*/\1/p' "$T/check-$who.out" | sort)"
  $run "$STAGE_BIN/stage-ls" --destdir "$S" --format mtree >"$T/staged-$who.mtree"
  expect_eq "$who: mtree export" 0 $?
  $cmp_tool mtree "$T/staged-$who.mtree" "$S" "$P" >"$T/staged-$who.list"
  new_entries "$T/host.list" <"$T/staged-$who.list" >"$T/staged-$who.new"
  if diff -u "$T/root.new" "$T/staged-$who.new"; then pass "$who: the stage equals what the root install added"
  else fail "$who: the stage differs from the root install"; cat "$T/capture-$who.log" >&2; fi
  $run "$STAGE_BIN/stage-ls" --destdir "$S" >"$T/ls-$who.out" 2>&1
  check "$who: the hard link's record names the moved file" grep -q "/share/newdir/hard => $P/share/newdir/staged\$" "$T/ls-$who.out"
  check "$who: no temporary name is left in the stage" eval "! find '$S' -name '.stage-tmp.*' | grep -q ."
done

# A host directory that holds a file the build user cannot read (root's
# 0600): run unprivileged, the rename is refused (EACCES) before anything
# moves, and nothing is recorded.
as_nobody env HOME="$T" "$STAGE_BIN/stage-run" --root --map "$P" --destdir "$T/stage-secret" -- \
  sh -c "mv $P/share/secret $P/share/secret2; test -f $P/share/secret/s && test ! -e $P/share/secret2" \
  >"$T/secret.log" 2>&1
expect_eq "nobody: the unreadable host file stays where it was" 0 $?
check "nobody: mv reports Permission denied" grep -q "cannot move .*secret.*: Permission denied" "$T/secret.log"
as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage-secret" --check >"$T/check-secret.out" 2>&1
check "nobody: no deletion is recorded" eval "! grep -q '^deleted:' '$T/check-secret.out'"
check "nobody: nothing of it is staged" eval "! find '$T/stage-secret' -name 'secret2*' -o -name '.stage-tmp.*' | grep -q ."
expect_eq "the host's prefix is unchanged" "$before" "$(host_fingerprint "$P")"
done_testing
