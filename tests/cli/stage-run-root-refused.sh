# stage-run --root where user namespaces are disabled: exit 2, a message
# naming the cause and the fix, and the command never runs. The test makes
# such a place: a user namespace whose user.max_user_namespaces is 0.
. "$STAGE_SOURCE/tests/lib.sh"
chown nobody:nogroup "$T"
if ! as_nobody unshare -Ur sh -c 'echo 0 >/proc/sys/user/max_user_namespaces' 2>/dev/null; then
  echo "skip: cannot make a user namespace with max_user_namespaces=0 here (unshare -Ur refused)"; exit 77
fi
as_nobody unshare -Ur sh -c "echo 0 >/proc/sys/user/max_user_namespaces &&
  exec '$STAGE_BIN/stage-run' -q --root --destdir '$T/d' -- touch '$T/ran'" >"$T/out" 2>"$T/err"
expect_eq "exit status 2" 2 $?
check "the message names the cause and the fix" grep -q '^stage-run: --root: user namespace: user.max_user_namespaces is 0.*sysctl -w user.max_user_namespaces=' "$T/err"
check "the command did not run" test ! -e "$T/ran"
check "nothing on stdout" test ! -s "$T/out"
# Without --root the same place runs the command as before.
as_nobody unshare -Ur sh -c "echo 0 >/proc/sys/user/max_user_namespaces &&
  exec '$STAGE_BIN/stage-run' -q --destdir '$T/d' -- touch '$T/ran'"
expect_eq "plain stage-run still works there" 0 $?
check "... and runs the command" test -e "$T/ran"
done_testing
