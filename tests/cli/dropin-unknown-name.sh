# The multicall drop-in answers only to the names it knows, and fails loudly
# under any other; the drop-in directory holds nothing but drop-ins.
. "$STAGE_SOURCE/tests/lib.sh"

BIN=$(readlink -f "$D/install")
ln -s "$BIN" "$T/frobnicate"
"$T/frobnicate" --version >"$T/out" 2>"$T/err"
expect_eq "an unknown name fails" 1 "$?"
check "an unknown name prints nothing on stdout" test ! -s "$T/out"
case $(cat "$T/err") in
  *"unknown tool name 'frobnicate'"*install*mkdir*) pass "the message names the tool and the known names" ;;
  *) fail "the message names the tool and the known names: $(cat "$T/err")" ;;
esac
"$BIN" >/dev/null 2>&1
expect_eq "its own name is not a tool" 1 "$?"
# An unknown name changes nothing, even when staging.
new_stage
ln -s "$BIN" "$T/cp"
STAGE_DESTDIR=$DESTDIR "$T/cp" /dev/null "$DESTDIR/x" 2>/dev/null
expect_eq "an unknown name stages nothing" "" "$(ls -A "$DESTDIR")"
check "an unknown name opens no database" test ! -e "$DESTDIR.stagedb"
# Each known name is the tool it names.
# (ginstall answers as GNU's install does under any name.)
for name in install:install ginstall:install mkdir:mkdir ln:ln chgrp:chgrp; do
  expect_eq "${name%%:*} answers as ${name#*:}" "${name#*:} (GNU coreutils) 9.1" "$("$D/${name%%:*}" --version | head -1)"
done
# Every entry of the drop-in directory is a drop-in that answers --version.
for f in "$D"/*; do
  check "$(basename "$f") in the drop-in directory is a drop-in" sh -c "'$f' --version | sed -n 2p | grep -q '^stage '"
done

done_testing
