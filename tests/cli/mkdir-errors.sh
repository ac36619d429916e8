# mkdir's errors: GNU's message and status inactive; staged, nothing recorded.
. "$STAGE_SOURCE/tests/lib.sh"

s_none() { :; }
s_file() { echo x > f; mkdir d; }
gnu_vs_ours_each "mkdir usage errors" s_none \
  'mkdir -m q+z a' \
  'mkdir -m 8 a' \
  'mkdir -m 77777 a' \
  'mkdir --bogus a'
gnu_vs_ours "missing operand" mkdir s_none
gnu_vs_ours "existing" mkdir s_file d
gnu_vs_ours "existing file" mkdir s_file f
gnu_vs_ours "missing parent" mkdir s_none a/b
gnu_vs_ours_each "mkdir operand errors" s_file \
  'mkdir f/a' \
  'mkdir -p f/a/b' \
  'mkdir f a d b'

# ---- Staged ----
new_stage
M=$D/mkdir
as_nobody mkdir "$DESTDIR/d"
as_nobody touch "$DESTDIR/f"
staged_error() {  # NAME EXPECTED-STDERR ARGS...
  local name=$1 want=$2
  shift 2
  staged_nobody "$M" "$@" 2>"$T/err"
  expect_eq "$name: exit status" 1 "$?"
  expect_eq "$name: message" "$want" "$(cat "$T/err")"
  expect_eq "$name: nothing recorded" 0 "$(db_count)"
}
staged_error "staged invalid mode" "$M: invalid mode 'q+z'" -m q+z "$DESTDIR/a"
staged_error "staged existing" "$M: cannot create directory '$DESTDIR/d': File exists" "$DESTDIR/d"
staged_error "staged missing parent" "$M: cannot create directory '$DESTDIR/x/y': No such file or directory" "$DESTDIR/x/y"
staged_error "staged mapped missing parent" "$M: cannot create directory '/x/y': No such file or directory" /x/y
staged_error "staged file as parent" "$M: cannot create directory '$DESTDIR/f/a': Not a directory" "$DESTDIR/f/a"
staged_error "staged -p file as parent" "$M: cannot create directory '$DESTDIR/f': Not a directory" -p "$DESTDIR/f/a/b"
staged_error "staged -p onto a file" "$M: cannot create directory '$DESTDIR/f': File exists" -p "$DESTDIR/f"
check "staged errors made nothing" test ! -e "$DESTDIR/a" -a ! -e "$DESTDIR/x"
(cd "$T" && as_nobody env STAGE_DESTDIR=relative "$M" -p /usr/x 2>"$T/err")
expect_eq "relative STAGE_DESTDIR" "$M: STAGE_DESTDIR must be an absolute path, not 'relative'" "$(cat "$T/err")"

done_testing
