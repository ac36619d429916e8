# The libFuzzer targets (fuzz/) build with clang in a build directory of
# their own and run every input of the committed corpus once, without a
# finding. No random fuzzing here: a test must give the same answer every
# run (new findings come from scripts/fuzz and are committed as seeds).
# The long form is scripts/fuzz SECONDS. Skipped (77) without clang's fuzzer runtime.
. "$STAGE_SOURCE/tests/lib.sh"
command -v clang++ >/dev/null || skip_test "no clang++ (Debian package clang)"
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$T/probe.cc"
clang++ -fsanitize=fuzzer,address,undefined "$T/probe.cc" -o "$T/probe" 2>"$T/probe.err" ||
  skip_test "clang cannot link libFuzzer ($(head -1 "$T/probe.err")); install libclang-rt-14-dev"

B=$STAGE_BUILD/fuzz-build
CC=clang CXX=clang++ cmake -S "$STAGE_SOURCE" -B "$B" -G Ninja -DSTAGE_FUZZ=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$T/configure.log" 2>&1
expect_eq "configure the fuzz build" 0 $?
cmake --build "$B" --target fuzzers >"$T/build.log" 2>&1
rc=$?
expect_eq "build the fuzzers" 0 $rc
[ $rc -eq 0 ] || { tail -20 "$T/build.log" >&2; done_testing; }

for t in mode owner_spec id_database info_dir vis store_open; do
  seeds=$STAGE_SOURCE/fuzz/corpus/$t
  check "$t: a committed corpus" test -n "$(ls -A "$seeds" 2>/dev/null)"
  mkdir -p "$T/new-$t" "$T/findings-$t"
  # -runs=0: execute the corpus, then stop; the committed seeds are only read.
  "$B/fuzz/fuzz_$t" -runs=0 -timeout=10 -artifact_prefix="$T/findings-$t/" \
    "$T/new-$t" "$seeds" >"$T/$t.log" 2>&1
  rc=$?
  expect_eq "$t: every committed seed, no finding" 0 $rc
  if [ $rc -ne 0 ]; then grep -E 'ERROR|property broken|runtime error|SUMMARY' "$T/$t.log" | head -5 >&2; fi
  check "$t: read the whole corpus" grep -q 'INITED' "$T/$t.log"
done
done_testing
