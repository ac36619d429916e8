# chown and chgrp, inactive: generated invocations give what GNU coreutils
# gives (exit status, stdout, stderr, resulting owners). Runs as root, as CI does.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/differential.bash"
unset STAGE_DESTDIR
umask 022
if [ "$(id -u)" -ne 0 ]; then skip_test "needs root to give files away"; fi

F=$T/fixture
mkdir -p "$F/d/sub" "$F/e"
echo x >"$F/f"; echo yy >"$F/g"; echo z >"$F/d/a"; : >"$F/d/sub/b"
chown bin:staff "$F/g"; chown -h daemon:games "$F/d/a"; chown 1234:4321 "$F/e"
ln -s f "$F/lf"; ln -s d "$F/ld"; ln -s nowhere "$F/dang"; ln -s loop "$F/loop"
chown -h games "$F/lf"; ln -s .. "$F/d/sub/parent"; ln -s ../g "$F/d/lg"

# Hand-picked cases: the spec grammar and GNU's messages.
for spec in root root: root:root :root :games 0 0: 0:0 :0 +0 +0:+50 bin bin:staff bin.staff games. .games \
  daemon: nosuch nosuch: nosuch:root root:nosuch '' : 65534 4294967295 4294967294 ' 5' 5x +bin root:+staff \
  'bin:staff:x' root.root.x 1234:; do
  differ "$F" chown -v "$spec" f
done
differ "$F" chown
differ "$F" chown root
differ "$F" chown -R
differ "$F" chown --reference=g
differ "$F" chown --reference=g f d
differ "$F" chown -v --reference=d/a f lf
differ "$F" chown --reference=missing f
differ "$F" chown --from=bin:staff -v root g f
differ "$F" chown --from=:staff -c games f g
differ "$F" chown --from=nosuch root f
differ "$F" chown --from=bin.staff root g
differ "$F" chown -R --dereference root d
differ "$F" chown -R --preserve-root root /
differ "$F" chown -vh games lf dang loop
differ "$F" chown -v games lf dang loop missing
differ "$F" chown -Rv bin:bin d ld
differ "$F" chown -RHv bin ld d/sub/parent
differ "$F" chown -RLv bin ld
differ "$F" chown -RLc bin d
differ "$F" chown -cR daemon: .
differ "$F" chgrp
differ "$F" chgrp staff
differ "$F" chgrp -v staff f g lf
differ "$F" chgrp -v 50 f
differ "$F" chgrp -v +50 f
differ "$F" chgrp nosuch f
differ "$F" chgrp -v '' f
differ "$F" chgrp -v 4294967295 f
differ "$F" chgrp --from=root staff f
differ "$F" chgrp -Rc games d e
differ "$F" chgrp -v --reference=g f
differ "$F" chgrp -hv staff lf dang

# Generated cases.
RANDOM=777
specs=(root root: :root bin:staff daemon:games 0 0:0 :50 2:2 games bin. nosuch :nosuch '' : +1 1234:4321 65534:65534)
groups=(root staff games 50 0 +60 nosuch '' 4321 nogroup)
options=('' '' -R -h -v -c -f -Rv -Rh -RH -RL -RLv -Rc -hv --dereference '--from=root' '--from=:staff'
  '--from=bin:staff' '--from=daemon' -HR -LR -PR)
operands=(f g d d/a lf ld dang loop missing d/sub e d/sub/parent d/lg @/d '' ld/ .)
for i in $(seq 1 150); do
  args=()
  pick_into opt "${options[@]}"; [ -n "$opt" ] && args+=("$opt")
  n=$((RANDOM % 3 + 1))
  if [ $((RANDOM % 3)) -eq 0 ]; then
    tool=chgrp
    case $opt in --from*) args=() ;; esac
    pick_add args "${groups[@]}"
  else
    tool=chown
    pick_add args "${specs[@]}"
  fi
  for _ in $(seq 1 $n); do pick_add args "${operands[@]}"; done
  # GNU's -v message for a symlink it cannot dereference (the loop as an
  # operand; under -L also the dangling link met while walking '.') prints an
  # owner from a stale buffer: uninitialised memory, different from run to
  # run (seen: "32666:root", "32734:root" for ./dang under -RLv). No output
  # can match that; such cases keep their exit status and stderr checks
  # without -v.
  if [[ $opt == -*v* && ${args[0]} == "$opt" ]] && [[ " ${args[*]} " == *" loop "* || $opt == -*L* ]]; then
    args=("${args[@]:1}")
  fi
  differ "$F" "$tool" "${args[@]}"
done

echo "$CASES cases"
done_testing
