# install's errors: GNU's message and exit status when inactive; when staged,
# also nothing recorded, no partial destination, no temporary file left.
. "$STAGE_SOURCE/tests/lib.sh"

s_files() { echo one > f; echo two > g; mkdir d; ln -s nowhere dangling; }
# ---- Inactive: the same as GNU install ----
gnu_vs_ours_each "install errors" s_files \
  'install -m q+z f h' \
  'install -m 8 f h' \
  'install -m 77777 f h' \
  'install -m u+ f h' \
  'install -d -m a+q newdir' \
  'install nope h' \
  'install f nope g d' \
  'install dangling h' \
  'install d h' \
  'install f d g d' \
  'install --bogus f h' \
  'install f nodir/h' \
  'install f g nodir' \
  'install -t nodir f' \
  'install -t f g' \
  'install -T f d' \
  'install f f' \
  'install f .' \
  'install -d f' \
  'install -d f/sub' \
  'install -D g f/sub/h' \
  'install -o no-such-user-x f h' \
  'install -g no-such-group-x f h' \
  'install -d -o no-such-user-x newdir'
s_ro() { echo one > f; mkdir ro; chmod 555 ro; }
RUNAS=as_nobody gnu_vs_ours "as nobody: unwritable directory" install s_ro f ro/h
# GNU leaves the copy behind (mode 0600) when it cannot chown it; we write
# through a temporary file and leave nothing: only the messages must match.
for opt in "-o root" "-g root"; do
  RUNAS=as_nobody SKIP_TREE=1 gnu_vs_ours "as nobody: $opt" install s_files $opt f h
  check "as nobody: $opt leaves no partial file" test ! -e "$T/c$CASE_N/ours/h"
  check "as nobody: $opt leaves no temporary file" no_temp_files "$T/c$CASE_N/ours"
done
RUNAS=as_nobody gnu_vs_ours "as nobody: -d -o root" install s_files -d -o root newdir
s_unreadable() { echo secret > f; chmod 000 f; }
RUNAS=as_nobody gnu_vs_ours "as nobody: unreadable source" install s_unreadable f h

# ---- Active: each error records nothing and leaves nothing behind ----
echo data > "$T/src"
chmod 644 "$T/src"
# staged_error NAME EXPECTED-STDERR CMD...: CMD fails with exit 1 and exactly
# EXPECTED-STDERR, records nothing and leaves no .stage-tmp.* or new file.
staged_error() {
  local name=$1 want=$2
  shift 2
  local before after
  before=$(cd "$DESTDIR" && find . | sort)
  (cd "$T/work" && staged_nobody "$@" >"$T/out" 2>"$T/err")
  expect_eq "$name: exit status" 1 "$?"
  expect_eq "$name: message" "$want" "$(cat "$T/err")"
  expect_eq "$name: nothing recorded" 0 "$(db_count)"
  after=$(cd "$DESTDIR" && find . | sort)
  expect_eq "$name: stage unchanged" "$before" "$after"
  check "$name: no temporary file" no_temp_files "$DESTDIR"
}
new_stage
mkdir -p "$T/work"
cp "$T/src" "$T/work/f"
chown -R nobody "$T/work"
as_nobody mkdir -p "$DESTDIR/usr/bin"
I=$D/install
staged_error "staged invalid mode" "$I: invalid mode 'q+z'" \
  "$I" -m q+z f "$DESTDIR/usr/bin/f"
staged_error "staged missing source" "$I: cannot stat 'nope': No such file or directory" \
  "$I" nope "$DESTDIR/usr/bin/f"
staged_error "staged unknown option" "$I: unrecognized option '--bogus'
Try '$I --help' for more information." \
  "$I" --bogus f "$DESTDIR/usr/bin/f"
staged_error "staged destination in a missing directory" \
  "$I: cannot create regular file '$DESTDIR/usr/lib/f': No such file or directory" \
  "$I" f "$DESTDIR/usr/lib/f"
staged_error "staged mapped destination in a missing directory" \
  "$I: cannot create regular file '/usr/lib/f': No such file or directory" \
  "$I" f /usr/lib/f
as_nobody cp "$T/src" "$DESTDIR/usr/bin/file"
staged_error "staged -d below a file" \
  "$I: cannot create directory '$DESTDIR/usr/bin/file': Not a directory" \
  "$I" -d "$DESTDIR/usr/bin/file/x"
staged_error "staged -D below a file" \
  "$I: cannot create directory '/usr/bin/file': Not a directory" \
  "$I" -D f /usr/bin/file/x/y
staged_error "staged failing strip" "$I: strip process terminated abnormally" \
  "$I" -s --strip-program=false f "$DESTDIR/usr/bin/f"
staged_error "staged unrunnable strip" "$I: cannot run '/nonexistent/strip': No such file or directory
$I: strip process terminated abnormally" \
  "$I" -s --strip-program=/nonexistent/strip f "$DESTDIR/usr/bin/f"
staged_error "staged file onto a directory" \
  "$I: cannot overwrite directory '$DESTDIR/usr/bin' with non-directory" \
  "$I" -T f "$DESTDIR/usr/bin"
# A failing operand among good ones: the good ones are recorded.
(cd "$T/work" && staged_nobody "$I" f nope f "$DESTDIR/usr/bin" 2>"$T/err")
expect_eq "partial failure: exit status" 1 "$?"
expect_eq "partial failure: the good operand is recorded" "/usr/bin/f" "$(db_rows | cut -d' ' -f1)"

# ---- A bad staging environment: a clear message, nothing changed ----
bad_env() {  # bad_env NAME EXPECTED-MESSAGE VAR=VALUE...
  local name=$1 want=$2
  shift 2
  rm -rf "$T/env" && mkdir "$T/env" && chmod 777 "$T/env"
  (cd "$T/env" && as_nobody env LC_ALL=C "$@" "$I" -D /dev/null "$T/env/x/y" 2>"$T/err")
  expect_eq "$name: exit status" 1 "$?"
  expect_eq "$name: message" "$want" "$(cat "$T/err")"
  expect_eq "$name: nothing created" "" "$(ls -A "$T/env")"
}
bad_env "relative STAGE_DESTDIR" "$I: STAGE_DESTDIR must be an absolute path, not 'stage'" STAGE_DESTDIR=stage
bad_env "missing STAGE_DESTDIR" "$I: STAGE_DESTDIR '$T/env/none' is not an existing directory" \
  STAGE_DESTDIR="$T/env/none"
bad_env "STAGE_DESTDIR is a file" "$I: STAGE_DESTDIR '$T/src' is not an existing directory" STAGE_DESTDIR="$T/src"
bad_env "STAGE_DB inside the stage" "$I: STAGE_DB '$DESTDIR/db' must not lie inside STAGE_DESTDIR" \
  STAGE_DESTDIR="$DESTDIR" STAGE_DB="$DESTDIR/db"
bad_env "unusable STAGE_DB" "$I: cannot create database '$T/env/no/db': No such file or directory" \
  STAGE_DESTDIR="$DESTDIR" STAGE_DB="$T/env/no/db"
check "the stage is unchanged by bad environments" test ! -e "$DESTDIR/x"

done_testing
