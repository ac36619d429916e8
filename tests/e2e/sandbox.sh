# stage-run --sandbox as a boundary (issue 12), as root and as nobody: for
# each requirement the attack is tried from inside and must fail, and the
# host must be unchanged (a canary owned by the user keeps mode, owner, time
# and content; an outside process survives; nothing the build started is
# left; an outside abstract socket never sees a connection; a key in ~/.ssh
# stays unread; the host name is neutral; only loopback; /dev minimal).
#
# e2e/sandbox-root runs the same blocks under `--sandbox --root`
# (SANDBOX_EXTRA=--root): the build is root of its user namespace, nobody
# outside, and every block must hold all the same.
. "$STAGE_SOURCE/tests/lib.sh"
SR=$STAGE_BIN/stage-run
SANDBOX_EXTRA=${SANDBOX_EXTRA:-}
if ! out=$("$SR" -q --sandbox $SANDBOX_EXTRA --destdir "$T/probe" -- true 2>&1); then
  echo "skip: --sandbox cannot run on this kernel: $out"; exit 77
fi
# "Outside" is outside every writable tree and every temp directory.
if [ "$MY_UID" -eq 0 ]; then O=$(mktemp -d /var/lib/stage-sandbox-outside.XXXXXX); whos="root nobody"
else O=$(mktemp -d "$HOME/.stage-sandbox-outside.XXXXXX"); whos=$(id -un); fi
chmod 755 "$O"
PIDS=
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null; done
  rm -rf "$T" "$O" /root/.stage-sandbox-secret.$$ 2>/dev/null
}
trap cleanup EXIT
host_name=$(uname -n)

# inside WHO ARGS... -- SCRIPT: runs SCRIPT under `stage-run --sandbox ARGS`
# as WHO from $B with HOME=$H; stdout in $T/out, stderr in $T/err.
inside() {
  local who=$1; shift
  local args=()
  while [ "$1" != -- ]; do args+=("$1"); shift; done
  shift
  (cd "$B" && run env HOME="$H" "$SR" --sandbox $SANDBOX_EXTRA "${args[@]}" -- sh -c "$1" >"$T/out" 2>"$T/err")
}
state() { stat -c '%a %u %g %Y %s' "$1"; cat "$1"; }

for who in $whos; do
  if [ "$who" = nobody ]; then run() { as_nobody "$@"; }; else run() { "$@"; }; fi
  B=$T/build-$who; H=$O/home-$who
  mkdir -p "$B" "$H/.ssh" "$H/pub" "$H/proj"
  echo "secret key" >"$H/.ssh/id_test"; chmod 600 "$H/.ssh/id_test"
  echo notes >"$H/notes"; echo public >"$H/pub/data"
  echo canary >"$O/canary-$who"; chmod 644 "$O/canary-$who"; touch -d 2001-02-03 "$O/canary-$who"
  echo control >"$O/control-$who"
  if [ "$who" = nobody ]; then chown -R nobody:nogroup "$B" "$H" "$O/canary-$who" "$O/control-$who"; fi
  uid=$(run id -u)
  before=$(state "$O/canary-$who")
  listing=$(ls -A "$O")

  # 1. No host privilege: another user when started as root, no capability,
  # an empty bounding set, no_new_privs.
  inside "$who" -q --destdir "$B/dest" -- 'id -u; grep -E "^(CapBnd|CapEff|CapPrm|NoNewPrivs)" /proc/self/status'
  expect_eq "$who: 1. the command runs unprivileged" 0 $?
  if [ -n "$SANDBOX_EXTRA" ]; then
    # uid 0 of a user namespace mapped to nobody (or the user): no host privilege.
    expect_eq "$who: 1. ... as root of its user namespace" 0 "$(head -1 "$T/out")"
  elif [ "$who" = root ]; then expect_eq "root: 1. ... as nobody" 65534 "$(head -1 "$T/out")"
  else expect_eq "$who: 1. ... as itself" "$uid" "$(head -1 "$T/out")"; fi
  expect_eq "$who: 1. no capability, empty bounding set, no_new_privs" \
    "CapPrm: 0000000000000000 CapEff: 0000000000000000 CapBnd: 0000000000000000 NoNewPrivs: 1" \
    "$(tail -n +2 "$T/out" | tr -s '\t\n' '  ' | sed 's/ $//')"

  # 2. Nothing outside the writable trees changes: not writes, and not
  # chmod, chown, utimes or xattrs of a file the user owns either.
  run /bin/chmod 600 "$O/control-$who"
  expect_eq "$who: 2. (control: outside the sandbox the user may chmod its file)" 600 "$(stat -c %a "$O/control-$who")"
  c=$O/canary-$who
  inside "$who" --destdir "$B/dest" -- "
    echo x >>'$c' && echo LEAK:write
    /bin/chmod 777 '$c' && echo LEAK:chmod
    /bin/chown $uid:$uid '$c' && echo LEAK:chown
    /usr/bin/touch -d 2020-01-01 '$c' && echo LEAK:utimes
    python3 -c 'import os; os.setxattr(\"$c\", \"user.stage\", b\"1\")' 2>/dev/null && echo LEAK:xattr
    /bin/rm -f '$c' && test ! -e '$c' && echo LEAK:unlink
    /bin/mkdir '$O/new' && echo LEAK:mkdir
    /bin/ln -s x '$O/link' && echo LEAK:symlink
    exit 0"
  expect_eq "$who: 2. write, chmod, chown, utimes, xattr, unlink, mkdir, symlink outside all fail" "" "$(cat "$T/out")"
  expect_eq "$who: 2. the canary keeps mode, owner, time and content" "$before" "$(state "$c")"
  expect_eq "$who: 2. nothing new outside" "$listing" "$(ls -A "$O")"
  # 11. ... and the summary says so, with the usual cause.
  check "$who: 11. the summary names the writes outside" grep -q '^stage-run: sandbox denied [0-9]* writes outside the writable trees (e.g. .*usual cause' "$T/err"
  check "$who: 11. ... and the chmod/chown/utimes/xattr calls" grep -q '^stage-run: sandbox denied [0-9]* chmod/chown/utimes/xattr calls outside' "$T/err"
  # 12. The audit record of that run.
  run "$STAGE_BIN/stage-ls" --destdir "$B/dest" --log >"$T/log"
  expect_eq "$who: 12. one audit record per run (2 so far)" 2 "$(wc -l <"$T/log")"
  IFS=$'\t' read -r start end status user mode denials command < <(tail -1 "$T/log")
  expect_eq "$who: 12. audit: user, status, sandbox" "$([ "$who" = root ] && echo nobody || echo "$who") 0 strict" "$user $status $mode"
  check "$who: 12. audit: start and end times" test -n "$start" -a "$end" \> "2000"
  check "$who: 12. audit: the denials" eval 'case $denials in *write-outside=*metadata-outside=*) true;; *) false;; esac'
  check "$who: 12. audit: the command" eval 'case $command in "sh -c '\''"*) true;; *) false;; esac'

  # 3. Private /tmp and /var/tmp; the build directory (under /tmp) stays reachable.
  echo host >"$T/host-file"
  inside "$who" -q --destdir "$B/dest" -- "
    test -e '$T/host-file' && echo LEAK:host-tmp
    echo in >/tmp/stage-sandbox-inside.$$ && echo in >/var/tmp/stage-sandbox-inside.$$ || echo FAIL:private-tmp
    test \"\$PWD\" = '$B' && echo scratch >scratch || echo FAIL:build-dir"
  expect_eq "$who: 3. host /tmp unseen, private /tmp writable, build directory reachable" "" "$(cat "$T/out")"
  check "$who: 3. the private temp files stay private" test ! -e /tmp/stage-sandbox-inside.$$ -a ! -e /var/tmp/stage-sandbox-inside.$$
  check "$who: 3. the build directory's file reached the host" grep -q scratch "$B/scratch"

  # 4. Other processes: an outside process of the same user survives kill
  # and ptrace; nothing the build started in the background is left.
  run sleep 1000 </dev/null >/dev/null 2>&1 & victim=$!; PIDS="$PIDS $victim"
  cp /bin/sleep "$B/leftover-$$-$who"
  inside "$who" -q --destdir "$B/dest" -- "
    kill -9 $victim 2>/dev/null && echo LEAK:kill
    kill -9 -1 2>/dev/null
    python3 -c 'import ctypes,sys; sys.exit(ctypes.CDLL(None).ptrace(16, $victim, 0, 0) == 0)' || echo LEAK:ptrace
    (setsid ./leftover-$$-$who 1001 >/dev/null 2>&1 &)
    nohup ./leftover-$$-$who 1002 >/dev/null 2>&1 &
    exit 0"
  expect_eq "$who: 4. no kill, no ptrace of an outside process" "" "$(cat "$T/out")"
  check "$who: 4. the outside process survived" kill -0 "$victim"
  expect_eq "$who: 4. nothing the build started is left" "" "$(pgrep -f "leftover-$$-$who")"

  # 5. Network: only loopback, no IP socket, the host's abstract unix sockets
  # unreachable (the server answers "ok" to each connection).
  sock=stage-sandbox-$$-$who
  : >"$O/connections-$who"; [ "$who" = nobody ] && chown nobody "$O/connections-$who"
  server=$(run python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0" + sys.argv[1]); s.listen(8)
pid = os.fork()
if pid: sys.stdout.write(str(pid)); sys.stdout.flush(); os._exit(0)
null = os.open("/dev/null", os.O_RDWR)
for fd in 0, 1, 2: os.dup2(null, fd)
while True:
    c, _ = s.accept()
    open(sys.argv[2], "a").write("connected\n"); c.sendall(b"ok"); c.close()' "$sock" "$O/connections-$who")
  PIDS="$PIDS $server"
  connect='import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect("\0"+sys.argv[1]); print(s.recv(2).decode())'
  expect_eq "$who: 5. (control: outside, the abstract socket answers)" ok "$(run python3 -c "$connect" "$sock")"
  inside "$who" -q --destdir "$B/dest" -- "
    python3 -c '$connect' $sock 2>/dev/null && echo LEAK:abstract-socket
    python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM)' 2>/dev/null && echo LEAK:inet
    tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"
  expect_eq "$who: 5. only loopback, no IP socket, no abstract socket of the host" lo "$(cat "$T/out")"
  expect_eq "$who: 5. the abstract socket saw only the control connection" connected "$(cat "$O/connections-$who")"
  kill "$server"

  # 6. A neutral host name, the host's unchanged.
  inside "$who" -q --destdir "$B/dest" -- 'uname -n; hostname'
  expect_eq "$who: 6. the host name inside is neutral" "localhost localhost" "$(tr '\n' ' ' <"$T/out" | sed 's/ $//')"
  expect_eq "$who: 6. the host's name is unchanged" "$host_name" "$(uname -n)"

  # 7. Secrets: the home unreadable (a key in ~/.ssh above all), /root
  # never, --allow-read opens a path; a build directory in the home works.
  expect_eq "$who: 7. (control: outside, the user reads its key)" "secret key" "$(run cat "$H/.ssh/id_test")"
  [ "$MY_UID" -eq 0 ] && echo root-secret >/root/.stage-sandbox-secret.$$
  inside "$who" -q --destdir "$B/dest" --allow-read "$H/pub" -- "
    cat '$H/.ssh/id_test' 2>/dev/null && echo LEAK:ssh-key
    cat '$H/notes' 2>/dev/null && echo LEAK:home
    ls -A '$H' | grep -v '^pub\$'
    test -e /root/.stage-sandbox-secret.$$ && echo LEAK:root
    cat '$H/pub/data'"
  expect_eq "$who: 7. ~/.ssh, the home and /root unreadable; --allow-read opens a path" public "$(cat "$T/out")"
  (cd "$H/proj" && run env HOME="$H" "$SR" -q --sandbox $SANDBOX_EXTRA --destdir "$B/dest" -- sh -c \
    "echo built >out; cat ../.ssh/id_test 2>/dev/null && echo LEAK:ssh-key-from-home; exit 0" >"$T/out" 2>"$T/err")
  expect_eq "$who: 7. a build directory in the home works, the key stays unread" "0 built" "$? $(cat "$H/proj/out" "$T/out")"

  # 8. A minimal /dev.
  inside "$who" -q --destdir "$B/dest" -- '
    echo $(ls /dev)
    echo x >/dev/null && head -c 1 /dev/urandom >/dev/null || echo FAIL:dev
    python3 -c "import os; os.mknod(\"node\", 0o20666, os.makedev(1, 3))" 2>/dev/null && echo LEAK:mknod'
  expect_eq "$who: 8. /dev holds only the minimal nodes; no mknod" \
    "fd full null random shm stderr stdin stdout tty urandom zero" "$(cat "$T/out")"

  # 9. Resource limits: documented defaults, --rlimit, bad input refused.
  limits='import resource as r; print(*[r.getrlimit(getattr(r, "RLIMIT_" + n))[0] for n in ("NPROC", "FSIZE", "CPU", "AS", "CORE")])'
  inside "$who" -q --destdir "$B/dest" -- "python3 -c '$limits'"
  expect_eq "$who: 9. default limits (nproc, fsize, cpu, as, core)" "4096 68719476736 7200 34359738368 0" "$(cat "$T/out")"
  inside "$who" -q --destdir "$B/dest" --rlimit fsize=1M --rlimit nproc=64 --rlimit as=unlimited -- \
    "python3 -c '$limits'; head -c 2M /dev/zero >big 2>/dev/null && echo LEAK:fsize; stat -c %s big"
  expect_eq "$who: 9. --rlimit sets them; a file cannot outgrow fsize" "64 1048576 7200 -1 0
1048576" "$(cat "$T/out")"
  inside "$who" -q --destdir "$B/dest" --rlimit bogus=1 -- 'touch ran-bogus'
  check "$who: 9. --rlimit bogus=1 is refused" test $? -ne 0 -a ! -e "$B/ran-bogus"
  check "$who: 9. ... with a message" grep -q "^stage-run: --rlimit: unknown limit 'bogus'" "$T/err"

  # 10. --fresh refuses a stage or database that holds anything.
  inside "$who" -q --fresh --destdir "$B/dest" -- 'touch ran-fresh'
  check "$who: 10. --fresh refuses a used stage and runs nothing" test $? -ne 0 -a ! -e "$B/ran-fresh"
  check "$who: 10. ... saying why" grep -q "^stage-run: --fresh: the database '$B/dest.stagedb' already holds records" "$T/err"
  run mkdir -p "$B/full/usr"
  inside "$who" -q --fresh --destdir "$B/full" -- 'touch ran-fresh'
  check "$who: 10. --fresh refuses a stage that holds a file" grep -q "^stage-run: --fresh: the stage '$B/full' is not empty" "$T/err"
  run mkdir "$B/empty"
  (cd "$B" && run "$SR" -q --destdir "$B/empty" -- true)
  inside "$who" -q --fresh --destdir "$B/empty" -- 'touch ran-fresh'
  check "$who: 10. --fresh refuses an empty stage whose database has a run" test $? -ne 0 -a ! -e "$B/ran-fresh"
  inside "$who" -q --fresh --destdir "$B/new" -- 'install -D -m 4755 /dev/null /usr/pkg/bin/prog'
  expect_eq "$who: 10. --fresh accepts a new stage" 0 $?
  check "$who: 10. ... and the staged file is recorded" grep -q '^-rwsr-xr-x root .* /usr/pkg/bin/prog$' <(run "$STAGE_BIN/stage-ls" --destdir "$B/new")

  # The command's exit status passes through, and lands in the audit trail.
  inside "$who" -q --destdir "$B/dest" -- 'exit 7'
  expect_eq "$who: the command's exit status" 7 $?
  expect_eq "$who: ... recorded" 7 "$(run "$STAGE_BIN/stage-ls" --destdir "$B/dest" --log | tail -1 | cut -f3)"

  if [ -n "$SANDBOX_EXTRA" ]; then
    # 13. Union capture inside the sandbox (issue 11): the captured prefix
    # is a writable tree, the rest of the host stays read-only, the owner
    # set by a plain chown is recorded, the host's prefix never appears.
    P=/usr/stage-sandbox-root-$$
    inside "$who" -q --map "$P" --destdir "$B/cap" -- "
      mkdir -p $P/bin && echo hi >$P/bin/x && chown games $P/bin/x && chmod 640 $P/bin/x || echo FAIL:capture
      echo x >/etc/stage-sandbox-root-$$ 2>/dev/null && echo LEAK:etc
      exit 0"
    expect_eq "$who: 13. the captured prefix is writable, the host is not" "" "$(cat "$T/out")"
    check "$who: 13. the file written below the prefix is staged with its chown" \
      grep -q "^-rw-r----- games  *root  *3 $P/bin/x\$" <(run "$STAGE_BIN/stage-ls" --destdir "$B/cap")
    check "$who: 13. the host's prefix did not appear" test ! -e "$P" -a ! -e /etc/stage-sandbox-root-$$
    # ... and over a prefix the host has: the build sees the host's files,
    # deletes one; the host keeps it, the deletion is recorded. (Run by a
    # user, $O lies in the home, which the sandbox hides: root only.)
    [ "$MY_UID" -eq 0 ] || skip_part "13. capture over a prefix the host has (\$O is in the hidden home)"
    [ "$MY_UID" -eq 0 ] && { P=$O/prefix-$who; mkdir -p "$P/bin"; echo old >"$P/bin/old"; echo data >"$P/bin/data"
    [ "$who" = nobody ] && chown -R nobody:nogroup "$P"
    hostview=$(host_fingerprint "$P")
    inside "$who" -q --map "$P" --destdir "$B/cap2" -- "
      cat $P/bin/data >$P/bin/copy && rm -f $P/bin/old && test ! -e $P/bin/old || echo FAIL:overlay
      exit 0"
    expect_eq "$who: 13. over the host's prefix: its files seen, one deleted" "" "$(cat "$T/out")"
    expect_eq "$who: 13. the host's prefix is unchanged" "$hostview" "$(host_fingerprint "$P")"
    check "$who: 13. the copy is staged" grep -q " $P/bin/copy\$" <(run "$STAGE_BIN/stage-ls" --destdir "$B/cap2")
    check "$who: 13. the deletion is listed by --check" grep -q "^deleted: $P/bin/old: " <(run "$STAGE_BIN/stage-ls" --destdir "$B/cap2" --check 2>&1); }
  fi

  expect_eq "$who: the canary is unchanged at the end" "$before" "$(state "$c")"
  kill "$victim" 2>/dev/null
done

# Started as root, --user chooses the user, after handing it the trees
# (not with --root: the build is the root of its user namespace).
if [ "$MY_UID" -eq 0 ] && [ -z "$SANDBOX_EXTRA" ]; then
  B=$T/build-daemon; H=$O/home-root; mkdir -p "$B"
  run() { "$@"; }
  inside root -q --user daemon --destdir "$B/dest" -- 'id -un; echo x >file'
  expect_eq "root: 1. --user daemon runs the command as daemon, who may write the build directory" "0 daemon" "$? $(cat "$T/out")"
  expect_eq "root: 1. ... the stage and the build directory were handed to daemon" "daemon daemon" "$(stat -c %U "$B/dest" "$B/file" | tr '\n' ' ' | sed 's/ $//')"
  inside root -q --user root --destdir "$B/dest" -- 'true'
  check "root: 1. --user root is refused" test $? -ne 0
  (cd /tmp && "$SR" -q --sandbox --destdir "$B/dest" -- true 2>"$T/err")
  check "root: 1. a system directory (/tmp) is never handed over as the build directory" test $? -ne 0
  check "root: 1. ... and /tmp keeps its owner" test "$(stat -c %U:%a /tmp)" = root:1777
fi

# Fails closed: where the kernel refuses a mechanism (here user namespaces,
# refused inside an unmapped user namespace) --sandbox exits 2 naming it and
# runs nothing; --sandbox=best-effort runs and says what it did not enforce.
B=$T/build-closed; mkdir -p "$B"; [ "$MY_UID" -eq 0 ] && chown nobody:nogroup "$B"
(cd "$B" && as_nobody unshare -U "$SR" -q --sandbox $SANDBOX_EXTRA --destdir "$B/dest" -- touch ran >"$T/out" 2>"$T/err")
expect_eq "fail closed: exit 2" 2 $?
check "fail closed: the message names the mechanism" grep -q '^stage-run: --sandbox: user namespace: ' "$T/err"
check "fail closed: the command did not run" test ! -e "$B/ran"
if [ -n "$SANDBOX_EXTRA" ]; then
  # --root rests on its user namespace: best-effort cannot do without it.
  (cd "$B" && as_nobody unshare -U "$SR" -q --sandbox=best-effort $SANDBOX_EXTRA --destdir "$B/dest" -- touch ran >"$T/out" 2>"$T/err")
  expect_eq "best-effort --root: still exit 2 without a user namespace" 2 $?
  check "best-effort --root: the message names it" grep -q '^stage-run: --sandbox: user namespace: ' "$T/err"
  check "best-effort --root: the command did not run" test ! -e "$B/ran"
  check "the host stayed untouched" test ! -e /usr/pkg/bin/prog
  done_testing
  exit $?
fi
(cd "$B" && as_nobody unshare -U "$SR" -q --sandbox=best-effort --destdir "$B/dest" -- touch ran >"$T/out" 2>"$T/err")
expect_eq "best-effort: runs" 0 $?
check "best-effort: the command ran" test -e "$B/ran"
check "best-effort: says what it could not enforce" grep -q '^stage-run: --sandbox=best-effort: not enforced: user namespace: ' "$T/err"
check "best-effort: the audit record says so too" grep -q 'best-effort; not enforced: user namespace' <(as_nobody "$STAGE_BIN/stage-ls" --destdir "$B/dest" --log)
check "the host stayed untouched" test ! -e /usr/pkg/bin/prog
done_testing
