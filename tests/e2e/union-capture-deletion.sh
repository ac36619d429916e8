# Union capture as a layer (issue 11): as nobody under stage-run --root --map
# P, where the host's P (a temporary directory of the build user's) already
# holds files, a Makefile sees them, deletes one (rm -f) and renames another
# away (mv). The host's P stays unchanged; both deletions are recorded and
# listed by stage-ls --check; no whiteout is exported; and the stage holds
# exactly what a root install of the same Makefile over a copy of the host's
# P adds or changes (paths, types, owners, groups, modes, sizes, contents,
# link targets).
. "$STAGE_SOURCE/tests/lib.sh"
umask 022
skip_unless_root_capture
cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"
host_prefix
mkdir -p "$P/bin" "$P/share/doc"
echo old >"$P/bin/old"; echo keep >"$P/bin/keep"; chmod 755 "$P/bin/old" "$P/bin/keep"
echo data >"$P/share/doc/data.txt"
# The host's prefix belongs to the build user, as a ~/pkg would: the
# default owner of untracked paths is that user too, as on the host.
chown -R nobody:nogroup "$P"

mkdir "$T/src" && cd "$T/src"
printf '#!/bin/sh\necho prog\n' >prog
cat >Makefile <<'MK'
install:
	test -f $(prefix)/share/doc/data.txt
	install -o root -g root -m 755 prog $(prefix)/bin/prog
	rm -f $(prefix)/bin/old
	mv $(prefix)/bin/keep $(prefix)/bin/renamed
	mkdir -p $(prefix)/etc
	chown root:root $(prefix)/etc
	cat $(prefix)/share/doc/data.txt > $(prefix)/etc/copy.conf
	chown games:games $(prefix)/etc/copy.conf
	cd $(prefix)/bin && ln -sf prog alias && chown -h root:root alias
MK
chown -R nobody:nogroup "$T"
snapshot_host "$P"

as_nobody env HOME="$T" "$STAGE_BIN/stage-run" --root --map "$P" --owner nobody --group nogroup \
  --destdir "$T/stage" -- make install prefix="$P" >"$T/capture.log" 2>&1
expect_eq "captured run by nobody" 0 $?
expect_eq "the host's prefix is unchanged" "$before" "$(host_fingerprint "$P")"
check "the summary says what was deleted" grep -q '^stage-run: 2 host files deleted under union capture, recorded, not applied' "$T/capture.log"

as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --check >"$T/check.out" 2>&1
expect_eq "stage-ls --check reports findings" 1 $?
check "stage-ls --check lists the rm -f" grep -q "^deleted: $P/bin/old: " "$T/check.out"
check "stage-ls --check lists the file renamed away" grep -q "^deleted: $P/bin/keep: " "$T/check.out"
# The export's default owner for untracked paths (the file renamed by mv) is
# the host prefix's owner too.
as_nobody env STAGE_OWNER=nobody STAGE_GROUP=nogroup "$STAGE_BIN/stage-ls" --destdir "$T/stage" --format mtree >"$T/staged.mtree"
expect_eq "mtree export" 0 $?
check "no whiteout is exported" eval "! grep -qE 'type=char|/bin/old |/bin/keep ' '$T/staged.mtree'"
check "nor listed" eval "! as_nobody '$STAGE_BIN/stage-ls' --destdir '$T/stage' | grep -qE '^c|/bin/old\$|/bin/keep\$'"
as_nobody "$STAGE_BIN/stage-pack" --destdir "$T/stage" -o "$T/pkg.tar" >/dev/null 2>&1
expect_eq "stage-pack" 0 $?
check "no whiteout in the package" eval "! tar -tvf '$T/pkg.tar' | grep -qE '^c|bin/old\$|bin/keep\$'"

# The anchor: root, over a copy of the host's prefix on a tmpfs of its own mount namespace.
root_anchor "$P" make install prefix="$P"
expect_eq "root run in a private mount namespace" 0 $?
$cmp_tool mtree "$T/staged.mtree" "$T/stage" "$P" >"$T/staged.list"
# What the root install added or changed, and what it deleted; the host's
# own directories are left out on both sides (the stage mirrors them).
new_entries "$T/host.list" <"$T/root.list" >"$T/root.new"
new_entries "$T/host.list" <"$T/staged.list" >"$T/staged.new"
check "the root install added something" test "$(wc -l <"$T/root.new")" -ge 4
if diff -u "$T/root.new" "$T/staged.new"; then pass "the stage equals what the root install added or changed"
else fail "the stage differs from the root install"; cat "$T/capture.log" >&2; fi
expect_eq "the root install deleted exactly what was recorded" "$P/bin/keep $P/bin/old" \
  "$(comm -23 <(awk '{print $1}' "$T/host.list" | sort) <(awk '{print $1}' "$T/root.list" | sort) | tr '\n' ' ' | sed 's/ $//')"
done_testing
