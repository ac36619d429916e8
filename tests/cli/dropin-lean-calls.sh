# What keeps a drop-in call cheap (SPEC "Speed budget"; measured in bench/,
# never timed here): no iostream set-up in the binary, no fchmod of a file
# made with the right bits, and under stage-run no checkpoint per call.
. "$STAGE_SOURCE/tests/lib.sh"

# libstdc++'s static iostream set-up runs in every call of a binary one of
# whose files includes <iostream> (44k instructions, callgrind).
if command -v nm >/dev/null; then
  expect_eq "no std::ios_base::Init in the drop-in binary" "" \
    "$(nm -C "$STAGE_BUILD/libexec/stage/stage-dropin" | grep 'ios_base::Init::Init' || true)"
else
  skip_part "nm (binutils) is not installed"
fi

# install makes its temporary file with the final bits: no fchmod when the
# umask leaves them (under stage-run --root each fchmod stops in the supervisor).
echo data > "$T/src"
new_stage
if command -v strace >/dev/null; then
  # LeakSanitizer cannot run under strace (scripts/sanitize's build): no leak check there.
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  for m in 644 755 600; do
    n=$(staged strace -f -e trace=fchmod,fchmodat "$D/install" -m $m "$T/src" "$DESTDIR/f$m" 2>&1 >/dev/null |
      grep -c 'chmod(' || true)
    expect_eq "staged install -m $m (umask 022): no fchmod" 0 "$n"
  done
  # (install runs with umask 0, as GNU's does.) A default ACL that takes bits
  # away: then the fchmod puts them back.
  mkdir "$DESTDIR/acl"
  if setfacl -d -m u::rwx,g::---,o::--- "$DESTDIR/acl" 2>/dev/null; then
    n=$(staged strace -f -e trace=fchmod,fchmodat "$D/install" -m 644 "$T/src" "$DESTDIR/acl/g" 2>&1 >/dev/null |
      grep -c 'chmod(' || true)
    expect_eq "staged install -m 644 under a default ACL of 0700: one fchmod" 1 "$n"
    expect_eq "... and the mode on disk is 644" 644 "$(stat -c %a "$DESTDIR/acl/g")"
  else
    skip_part "no ACLs on $T's file system"
  fi
else
  skip_part "strace is not installed"
fi

# A drop-in alone is the database's last connection: its close checkpoints
# and truncates the WAL. Under stage-run, which holds a connection open, the
# calls leave the WAL to SQLite's autocheckpoint and stage-run's close.
new_stage
staged "$D/install" -m 644 "$T/src" "$DESTDIR/alone"
expect_eq "a drop-in alone leaves an empty WAL" 0 "$(stat -c %s "$DESTDIR.stagedb-wal")"
during=$("$STAGE_BIN/stage-run" -q --destdir "$DESTDIR" -- sh -c \
  'install -m 644 "$1" "$DESTDIR/a" && install -m 644 "$1" "$DESTDIR/b" && stat -c %s "$DESTDIR.stagedb-wal"' _ "$T/src")
check "under stage-run the drop-ins' commits stay in the WAL ($during bytes)" test "${during:-0}" -gt 0
expect_eq "stage-run's close checkpoints and truncates it" 0 "$(stat -c %s "$DESTDIR.stagedb-wal")"
expect_eq "every record is there" "file 644 root root|file 644 root root|file 644 root root" \
  "$(db_row /alone)|$(db_row /a)|$(db_row /b)"

done_testing
