# Union capture, host directories the build changes or makes anew (issue 11):
# as nobody and as root, under stage-run --root --map P, a Makefile chowns and
# chmods a host directory with the drop-ins, removes host directories with
# `rm -rf` and makes them again (empty, or with new files), and makes a
# directory with /bin/mkdir inside one. The host's P stays unchanged; the
# stage records the host directory's new owner and mode (not the host's), the
# directories made anew (an empty one too) with their modes, and exactly the
# host files the new directories hide as deletions; the whole tree, host
# directories included, equals a root install over a copy of the host's P.
. "$STAGE_SOURCE/tests/lib.sh"
umask 022
skip_unless_root_capture
cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"
host_prefix
mkdir -p "$P/share/games/levels" "$P/share/doc/sub" "$P/lib/old"
echo a >"$P/share/games/levels/a"; echo b >"$P/share/doc/sub/b"; echo k >"$P/share/doc/keep"
echo o >"$P/share/doc/old"; echo l >"$P/lib/old/libx"

mkdir "$T/src" && cd "$T/src"
echo new >new.txt
cat >Makefile <<'MK'
install:
	install -m 644 new.txt $(prefix)/share/games/new.txt
	chown games:games $(prefix)/share/games
	chmod 2770 $(prefix)/share/games
	rm -rf $(prefix)/share/doc
	mkdir -p $(prefix)/share/doc/sub
	cp new.txt $(prefix)/share/doc/keep
	rm -rf $(prefix)/lib/old
	/bin/mkdir -m 750 $(prefix)/lib/old
	/bin/mkdir -m 700 $(prefix)/lib/old/private
MK
chown -R nobody:nogroup "$T"
snapshot_host "$P"

# The anchor: root, over a copy of the host's prefix on a tmpfs of its own mount namespace.
root_anchor "$P" make install prefix="$P"
expect_eq "root install in a private mount namespace" 0 $?
check "the root install chowned the host directory" grep -q "^$P/share/games dir .*games games" "$T/root.list"
deleted=$(comm -23 <(awk '{print $1}' "$T/host.list" | sort) <(awk '{print $1}' "$T/root.list" | sort) | tr '\n' ' ')
expect_eq "the root install deleted what the new directories hide" \
  "$P/lib/old/libx $P/share/doc/old $P/share/doc/sub/b " "$deleted"

for who in nobody root; do
  capture_as $who "$P" make install prefix="$P"
  if [ $who = nobody ]; then run=as_nobody; else run=env; fi
  $run "$STAGE_BIN/stage-ls" --destdir "$S" --check >"$T/check-$who.out" 2>&1
  expect_eq "$who: stage-ls --check lists the hidden host files as deleted" \
    "$P/lib/old/libx $P/share/doc/old $P/share/doc/sub/b " \
    "$(sed -n 's/^deleted: \([^:]*\): .*/\1/p' "$T/check-$who.out" | sort | tr '\n' ' ')"
  $run "$STAGE_BIN/stage-ls" --destdir "$S" --format mtree >"$T/staged-$who.mtree"
  expect_eq "$who: mtree export" 0 $?
  $cmp_tool mtree "$T/staged-$who.mtree" "$S" "$P" >"$T/staged-$who.list"
  # Everything the root install has that the build touched or made, host
  # directories included (their owner and mode are what is at stake).
  for f in "$T/root.list" "$T/staged-$who.list"; do
    grep -E "^$P/(share/games|share/doc|lib/old)( |/)" "$f" | grep -v "^$P/share/games/levels" >"$f.touched"
  done
  check "$who: the root install has the touched entries" test "$(wc -l <"$T/root.list.touched")" -eq 7
  if diff -u "$T/root.list.touched" "$T/staged-$who.list.touched"; then pass "$who: the stage equals the root install"
  else fail "$who: the stage differs from the root install"; cat "$T/capture-$who.log" >&2; fi
done
done_testing
