# GNU coreutils 9.1's own tests for install, mkdir, ln, chmod, chown and chgrp
# pass against the drop-ins (scripts/coreutils-tests), except the ones listed,
# with their reason, in tests/coreutils-expected-failures.txt.
# Needs the coreutils build that scripts/coreutils-tests makes once (configure
# + make, several minutes, at its default place or $STAGE_COREUTILS_BUILD);
# without it the test is skipped (77). About 30 s once built.
. "$STAGE_SOURCE/tests/lib.sh"
allow=$STAGE_SOURCE/tests/coreutils-expected-failures.txt
"$STAGE_SOURCE/scripts/coreutils-tests" --cached-only ${STAGE_COREUTILS_BUILD:+--build "$STAGE_COREUTILS_BUILD"} \
  --dropins "$D" > out 2>&1
st=$?
cat out
if [ $st -eq 77 ]; then echo "SKIP: no coreutils build; run scripts/coreutils-tests once"; exit 77; fi
sed -n 's/^\(FAIL\|ERROR\|XPASS\) *\([^ ]*\).*/\2/p' out | sort -u > failed
sed 's/#.*//' "$allow" | awk 'NF { print $1 }' | sort -u > allowed
unexpected=$(comm -23 failed allowed)
fixed=$(comm -13 failed allowed)
[ -z "$fixed" ] || echo "note: listed as expected failures but did not fail: $fixed"
check "coreutils' own tests ran" grep -q '^all: ' out
check "no failure outside tests/coreutils-expected-failures.txt${unexpected:+: $unexpected}" test -z "$unexpected"
done_testing
