# Paths the kernel would refuse whole (DESTDIR + logical path of PATH_MAX
# bytes or more, a component over NAME_MAX) are refused by every drop-in, as
# GNU refuses them on the host ("File name too long", exit 1): nothing is
# staged or recorded, and the exports of the stage keep working. Issue 9, item 10.
. "$STAGE_SOURCE/tests/lib.sh"
new_stage
echo x >"$T/f"
echo 'INFO-DIR-SECTION Misc' >"$T/x.info"
printf 'START-INFO-DIR-ENTRY\n* X: (x).   The x.\nEND-INFO-DIR-ENTRY\n' >>"$T/x.info"
chmod 644 "$T/f" "$T/x.info"
staged_nobody "$D/install" -D "$T/f" "$DESTDIR/usr/share/kept"
H=$T/hosts  # GNU's root on the host, as long as $DESTDIR
mkdir "$H" && chmod 777 "$H"
check "host root as long as the stage" test ${#H} -eq ${#DESTDIR}

# long_path ROOT LENGTH: ROOT/usr/long/aaa.../bbb of exactly LENGTH bytes.
long_path() {
  local p=$1/usr/long a200
  a200=$(printf 'a%.0s' {1..200})
  while [ $(($2 - ${#p})) -gt 250 ]; do p+=/$a200; done
  p+=/$(printf "%$(($2 - ${#p} - 1))s" "" | tr ' ' b)
  printf '%s' "$p"
}
L=$(long_path "" 4096)  # the logical path: with either root, 4096 + root bytes
L=${L:0:$((4096 - ${#DESTDIR}))}
check "DESTDIR + logical path is PATH_MAX long" test $((${#DESTDIR} + ${#L})) -eq 4096
NAME256=$(printf 'n%.0s' {1..256})
before=$(db_rows)

# same_as_gnu NAME TOOL ARGS... (@ stands for the root): GNU on $H (inactive)
# and ours staged in $DESTDIR, as nobody; exit status and stderr compared,
# each root written as ROOT.
same_as_gnu() {
  local name=$1 tool=$2 g o a
  shift 2
  local gargs=() oargs=()
  for a; do gargs+=("${a//@/$H}"); oargs+=("${a//@/$DESTDIR}"); done
  g=$(cd "$T" && as_nobody env LC_ALL=C "$tool" "${gargs[@]}" 2>&1 >/dev/null; echo "exit $?")
  o=$(cd "$T" && staged_nobody env PATH="$D:$PATH" "$tool" "${oargs[@]}" 2>&1 >/dev/null; echo "exit $?")
  g=${g//$H/ROOT}
  o=${o//$DESTDIR/ROOT}
  expect_eq "$name: as GNU" "$g" "$o"
  check "$name: File name too long, exit 1" grep -q "File name too long.*"$'\n'"exit 1" <<<"$o"
}
same_as_gnu "install" install "$T/f" "@$L"
same_as_gnu "install -D" install -D "$T/f" "@$L"
same_as_gnu "install -t" install -t "@$L" "$T/f"
same_as_gnu "mkdir" mkdir "@$L"
same_as_gnu "ln -s" ln -s target "@$L"
same_as_gnu "ln (hard)" ln "$T/f" "@$L"
same_as_gnu "chmod" chmod 600 "@$L"
same_as_gnu "chown" chown root "@$L"
same_as_gnu "chgrp" chgrp root "@$L"
same_as_gnu "component over NAME_MAX: install" install "$T/f" "@/usr/$NAME256"
same_as_gnu "component over NAME_MAX: mkdir" mkdir "@/usr/$NAME256"
same_as_gnu "component over NAME_MAX: ln -s" ln -s t "@/usr/$NAME256"

# GNU's mkdir -p and install -d make such trees one directory at a time; in
# the stage that would make the stage unexportable, so they are refused.
for cmd in "mkdir -p" "install -d"; do
  out=$(staged_nobody $D/$cmd "$DESTDIR$L" 2>&1)
  expect_eq "$cmd: exit 1" 1 $?
  check "$cmd: File name too long" grep -q "File name too long" <<<"$out"
done
out=$(cd "$T" && staged_nobody "$D/install-info" "$T/x.info" "$DESTDIR$L" 2>&1)
check "install-info: refused" test $? -ne 0
check "install-info: File name too long" grep -q "File name too long" <<<"$out"

# Mapped (SPEC rule 3): the logical path is shorter than PATH_MAX, but the
# staged path, DESTDIR + logical path, is not.
M=$(long_path /opt/m $((4096 - ${#DESTDIR})))
out=$(staged_nobody env STAGE_MAP=/opt "$D/install" -D "$T/f" "$M" 2>&1)
expect_eq "mapped: exit 1" 1 $?
check "mapped: File name too long" grep -q "File name too long" <<<"$out"
out=$(staged_nobody env STAGE_MAP=/opt "$D/mkdir" -p "$M" 2>&1)
expect_eq "mapped mkdir -p: exit 1" 1 $?

expect_eq "nothing recorded" "$before" "$(db_rows)"
check "no directory made for a refused path" test ! -e "$DESTDIR/usr/long" -a ! -e "$DESTDIR/opt"

# One byte shorter is a path like any other, and every export takes it.
L1=${L%?}
staged_nobody "$D/install" -D "$T/f" "$DESTDIR$L1"
expect_eq "PATH_MAX - 1: staged" 0 $?
expect_eq "  recorded" "file 755 root root" "$(db_row "$L1")"
for format in ls mtree json fakeroot; do
  as_nobody "$STAGE_BIN/stage-ls" --destdir "$DESTDIR" --format $format >"$T/out.$format" 2>"$T/err.$format"
  expect_eq "stage-ls --format $format: exit 0" "0:" "$?:$(cat "$T/err.$format")"
done
check "mtree lists it" grep -q "bbb" "$T/out.mtree"
as_nobody "$STAGE_BIN/stage-pack" --destdir "$DESTDIR" -o "$T/pkg.tar" 2>"$T/err.pack"
expect_eq "stage-pack: exit 0" "0:" "$?:$(cat "$T/err.pack")"
done_testing
