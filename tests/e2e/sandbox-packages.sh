# Real packages install unchanged under stage-run --sandbox and under
# --sandbox --root: the bundled
# example (as the invoking user, root in CI, and as nobody) and GNU hello 2.10
# (Debian's source package `hello`): the stage-ls listing equals the one of a
# plain stage-run of the same build tree (mtree: paths, types, modes, owners,
# sizes, digests), with the same summary, and nothing is denied.
. "$STAGE_SOURCE/tests/lib.sh"
umask 022
if ! out=$("$STAGE_BIN/stage-run" -q --sandbox --destdir "$T/probe" -- true 2>&1); then
  echo "skip: --sandbox cannot run on this kernel: $out"; exit 77
fi
# same_install NAME RUN DIR TARGET...: `make TARGET` under plain stage-run and
# under --sandbox, run by RUN (a command prefix) in DIR; the listings must match.
same_install() {
  local name=$1 run=$2 dir=$3; shift 3
  (cd "$dir" && $run "$STAGE_BIN/stage-run" --destdir "$T/plain-$name" -- make "$@" >"$T/plain-$name.log" 2>&1)
  expect_eq "$name: plain install" 0 $?
  (cd "$dir" && $run "$STAGE_BIN/stage-run" --sandbox --destdir "$T/sandbox-$name" -- make "$@" >"$T/sandbox-$name.log" 2>&1)
  expect_eq "$name: install under --sandbox" 0 $?
  expect_eq "$name: the same summary (entries recorded, untracked)" "$(grep '^stage-run: [0-9]* entr' "$T/plain-$name.log")" \
    "$(grep '^stage-run: [0-9]* entr' "$T/sandbox-$name.log")"
  check "$name: nothing denied" eval "! grep -q 'sandbox denied' '$T/sandbox-$name.log'"
  $run "$STAGE_BIN/stage-ls" --destdir "$T/plain-$name" --format mtree --unknown-id 60000 | grep -v '^#' >"$T/plain-$name.mtree"
  $run "$STAGE_BIN/stage-ls" --destdir "$T/sandbox-$name" --format mtree --unknown-id 60000 | grep -v '^#' >"$T/sandbox-$name.mtree"
  check "$name: the stage is not empty" test "$(wc -l <"$T/plain-$name.mtree")" -gt 3
  if diff -u "$T/plain-$name.mtree" "$T/sandbox-$name.mtree"; then pass "$name: same entries, modes, owners, contents"
  else fail "$name: the sandboxed install differs"; fi
  # The same under --sandbox --root: the build is root of its user namespace.
  (cd "$dir" && $run "$STAGE_BIN/stage-run" --sandbox --root --destdir "$T/sandbox-root-$name" -- make "$@" >"$T/sandbox-root-$name.log" 2>&1)
  expect_eq "$name: install under --sandbox --root" 0 $?
  check "$name: nothing denied under --sandbox --root" eval "! grep -q 'sandbox denied' '$T/sandbox-root-$name.log'"
  $run "$STAGE_BIN/stage-ls" --destdir "$T/sandbox-root-$name" --format mtree --unknown-id 60000 | grep -v '^#' >"$T/sandbox-root-$name.mtree"
  if diff -u "$T/plain-$name.mtree" "$T/sandbox-root-$name.mtree"; then pass "$name: --sandbox --root: same entries, modes, owners, contents"
  else fail "$name: the install under --sandbox --root differs"; fi
}

cp -r "$STAGE_SOURCE/examples/hello" "$T/example"
[ "$MY_UID" -eq 0 ] && chown -R nobody:nogroup "$T"
same_install example-nobody as_nobody "$T/example" install
if [ "$MY_UID" -eq 0 ]; then
  cp -r "$STAGE_SOURCE/examples/hello" "$T/example-root"
  same_install example-root "" "$T/example-root" install
fi

orig=$(ls /var/cache/stage/deb-src/hello_2.10.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -1)
[ -n "$orig" ] || { fail "hello source missing from /var/cache/stage/deb-src: run scripts/setup"; done_testing; }
tar -xf "$orig" -C "$T" || { fail "unpack"; done_testing; }
[ "$MY_UID" -eq 0 ] && chown -R nobody:nogroup "$T"
cd "$T/hello-2.10"
as_nobody env HOME="$T" "$STAGE_BIN/stage-run" -q --destdir "$T/configure" -- ./configure --prefix=/usr/pkg --disable-nls >"$T/configure.log" 2>&1
expect_eq "hello 2.10: configure under stage-run" 0 $?
as_nobody make -j2 >"$T/build.log" 2>&1
expect_eq "hello 2.10: build" 0 $?
same_install hello-2.10 as_nobody "$T/hello-2.10" install
check "hello 2.10: the program is staged" grep -q '^\./usr/pkg/bin/hello type=file uname=root gname=root .*mode=0755' "$T/sandbox-hello-2.10.mtree"
check "hello 2.10: and its info manual" grep -q '^\./usr/pkg/share/info/hello.info ' "$T/sandbox-hello-2.10.mtree"
done_testing
