# Owner and group names GNU refuses (empty, a newline, ':', ids above
# 4294967294) are refused in the stage too, with GNU's message and exit
# status, and nothing is recorded or staged; names merely unknown to the
# target are still recorded by name (unless STAGE_STRICT=1). Issue 9, item 8.
. "$STAGE_SOURCE/tests/lib.sh"
new_stage
echo x >"$T/f"
chmod 644 "$T/f"
staged_nobody "$D/install" -D -m 644 "$T/f" "$DESTDIR/usr/share/x"
expect_eq "fixture recorded" "file 644 root root" "$(db_row /usr/share/x)"
before=$(db_rows)
NL=$'\n'

# gnu_says TOOL ARGS...: GNU's exit status and stderr on a scratch host file
# (the spec is refused before any file is looked at, so the file does not matter).
gnu_says() {
  local tool=$1 out
  shift
  rm -rf "$T/h" && mkdir "$T/h" && : >"$T/h/f"
  out=$(cd "$T/h" && LC_ALL=C "$tool" "$@" 2>&1 >/dev/null)
  echo "$?:$out"
}
# ours_say [VAR=VALUE]... TOOL ARGS...: ours, staged, as nobody.
ours_say() {
  local envs=() tool out
  while [[ $1 == [A-Z]*=* ]]; do envs+=("$1"); shift; done
  tool=$1
  shift
  out=$(cd "$T" && staged_nobody env PATH="$D:$PATH" "${envs[@]}" "$tool" "$@" 2>&1 >/dev/null)
  echo "$?:$out"
}

for spec in "" "x${NL}y" "a:b" "4294967296" "99999999999999999999" "-5" "7 "; do
  for opt in -o -g; do
    g=$(gnu_says install "$opt" "$spec" f g)
    o=$(ours_say install "$opt" "$spec" "$T/f" "$DESTDIR/usr/share/y")
    expect_eq "install $opt $(printf %q "$spec"): as GNU" "$g" "${o//$T\/f/f}"
    check "install $opt $(printf %q "$spec"): refused" test "${o%%:*}" = 1
  done
done
check "install: nothing staged" test ! -e "$DESTDIR/usr/share/y"

for spec in "x${NL}y" "root:x${NL}y" "a:b:c" "root:wheel:x" ":a:b" "4294967295" "4294967296" ":4294967296" "tab	x"; do
  g=$(gnu_says chown "$spec" f)
  o=$(ours_say chown "$spec" "$DESTDIR/usr/share/x")
  expect_eq "chown $(printf %q "$spec"): as GNU" "$g" "$o"
done
for spec in "x${NL}y" "a:b" "4294967296"; do
  g=$(gnu_says chgrp "$spec" f)
  o=$(ours_say chgrp "$spec" "$DESTDIR/usr/share/x")
  expect_eq "chgrp $(printf %q "$spec"): as GNU" "$g" "$o"
done
expect_eq "no record changed" "$before" "$(db_rows)"

# GNU accepts these: empty specs change nothing, 4294967295 is (uid_t)-1.
expect_eq "chown '': exit 0, nothing changed" "0:" "$(ours_say chown "" "$DESTDIR/usr/share/x")"
expect_eq "chgrp '': exit 0, nothing changed" "0:" "$(ours_say chgrp "" "$DESTDIR/usr/share/x")"
expect_eq "  record unchanged" "$before" "$(db_rows)"
expect_eq "install -o 4294967295: accepted as GNU" "0:" "$(ours_say install -o 4294967295 -m 600 "$T/f" "$DESTDIR/usr/share/z")"
expect_eq "  the default owner is recorded" "file 600 root root" "$(db_row /usr/share/z)"
expect_eq "install -o 010: octal, as GNU install" "0:" "$(ours_say install -o 010 "$T/f" "$DESTDIR/usr/share/o")"
expect_eq "  uid 8" "8" "$(sqlite3 "$DESTDIR.stagedb" "select uid from entries where path='/usr/share/o'")"

# Unknown to the target: recorded by name; refused as GNU with STAGE_STRICT=1.
expect_eq "unknown owner kept by name" "0:" "$(ours_say chown pkgsvc:pkgsvc "$DESTDIR/usr/share/x")"
expect_eq "  recorded" "file 644 pkgsvc pkgsvc" "$(db_row /usr/share/x)"
expect_eq "STAGE_STRICT=1: GNU's message" "$(gnu_says chown pkgsvc2 f)" "$(ours_say STAGE_STRICT=1 chown pkgsvc2 "$DESTDIR/usr/share/x")"
expect_eq "STAGE_STRICT=1 install -o: GNU's message" "$(gnu_says install -o pkgsvc2 f g)" \
  "$(ours_say STAGE_STRICT=1 install -o pkgsvc2 "$T/f" "$DESTDIR/usr/share/w" | sed "s|$T/f|f|")"

# The defaults: STAGE_OWNER, STAGE_GROUP and stage-run --owner/--group.
before=$(db_rows)
out=$(cd "$T" && staged_nobody env PATH="$D:$PATH" STAGE_OWNER="x${NL}y" install "$T/f" "$DESTDIR/usr/share/d1" 2>&1)
expect_eq "STAGE_OWNER with a newline: refused" "1:install: STAGE_OWNER: invalid user 'x\\ny'" "$?:$out"
out=$(cd "$T" && staged_nobody env PATH="$D:$PATH" STAGE_GROUP="a:b" mkdir "$DESTDIR/usr/share/d2" 2>&1)
expect_eq "STAGE_GROUP with ':': refused" "1:mkdir: STAGE_GROUP: invalid group 'a:b'" "$?:$out"
check "  nothing staged" test ! -e "$DESTDIR/usr/share/d1" -a ! -e "$DESTDIR/usr/share/d2"
expect_eq "  nothing recorded" "$before" "$(db_rows)"
out=$(as_nobody "$STAGE_BIN/stage-run" -q --destdir "$T/run" --owner "x${NL}y" -- true 2>&1)
rc=$?
check "stage-run --owner with a newline: refused ($rc)" test $rc -ne 0
check "  says which" grep -q "^stage-run: --owner: invalid user 'x\\\\ny'" <<<"$out"
out=$(as_nobody "$STAGE_BIN/stage-run" -q --destdir "$T/run" --group "" -- true 2>&1)
check "stage-run --group '': refused" test $? -ne 0
check "  says which" grep -q "^stage-run: --group: invalid group ''" <<<"$out"
out=$(as_nobody "$STAGE_BIN/stage-run" -q --destdir "$T/run" --owner 4294967296 -- true 2>&1)
check "stage-run --owner 4294967296: refused" test $? -ne 0
out=$(STAGE_OWNER="bad${NL}name" "$STAGE_BIN/stage-ls" --destdir "$DESTDIR" 2>&1)
check "stage-ls with a bad STAGE_OWNER: refused" test $? -ne 0
check "  says which" grep -q "STAGE_OWNER: invalid user" <<<"$out"

# stage-ls keeps one line per entry.
expect_eq "stage-ls: one line per record" "$(db_count)" "$("$STAGE_BIN/stage-ls" --destdir "$DESTDIR" | wc -l)"
done_testing
