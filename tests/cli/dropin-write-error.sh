# Like GNU's (gnulib close_stdout), the coreutils drop-ins fail with
# "PROG: write error: ..." when stdout cannot be written, e.g. --help into
# /dev/full (coreutils tests/misc/help-version.sh).
. "$STAGE_SOURCE/tests/lib.sh"
[ -w /dev/full ] || { echo "SKIP: no /dev/full"; exit 77; }
for p in install mkdir ln chmod chown chgrp; do
  "$D/$p" --help >/dev/full 2>err; st=$?
  expect_eq "$p --help >/dev/full: status" 1 "$st"
  expect_eq "$p --help >/dev/full: message" "$D/$p: write error: No space left on device" "$(cat err)"
done
"$D/mkdir" -v d >/dev/full 2>err; st=$?
expect_eq "mkdir -v >/dev/full: status" 1 "$st"
check "mkdir -v >/dev/full: made the directory" test -d d
/usr/bin/mkdir -v d2 >/dev/full 2>/dev/null
expect_eq "GNU mkdir -v >/dev/full: status" 1 "$?"
done_testing
