# chmod, inactive: generated invocations give what GNU coreutils chmod gives
# (exit status, stdout, stderr, resulting tree).
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/differential.bash"
unset STAGE_DESTDIR
umask 022

F=$T/fixture
mkdir -p "$F/d/sub" "$F/e"
echo x >"$F/f"; echo yy >"$F/g"; echo z >"$F/d/a"; : >"$F/d/sub/b"; : >"$F/e/x"
chmod 640 "$F/g"; chmod 4755 "$F/d/a"; chmod 1777 "$F/e"
ln "$F/f" "$F/hf"
ln -s f "$F/lf"; ln -s d "$F/ld"; ln -s nowhere "$F/dang"; ln -s loop "$F/loop"
ln -s ../f "$F/d/up"; ln -s .. "$F/d/sub/parent"
mkfifo "$F/fifo"

# Hand-picked cases: GNU's documented corners.
differ "$F" chmod 755 f
differ "$F" chmod -w f
differ "$F" chmod -rw f
differ "$F" chmod -Rw d
differ "$F" chmod -R -w d
differ "$F" chmod -v -x,+r f g
differ "$F" chmod -- -w f
differ "$F" chmod q+z f
differ "$F" chmod
differ "$F" chmod 755
differ "$F" chmod -w
differ "$F" chmod --reference=g f d
differ "$F" chmod --reference=missing f
differ "$F" chmod --reference=g 755 f
differ "$F" chmod -w --reference=g f
differ "$F" chmod -R --preserve-root u+w /
differ "$F" chmod -vR go-w @/d
differ "$F" chmod -c 644 f g d/a
differ "$F" chmod 644 dang loop missing '' f
differ "$F" chmod -f 644 dang missing f
differ "$F" chmod -v 644 dang missing
differ "$F" chmod -Rv a+X d e
differ "$F" chmod -R 700 ld
differ "$F" chmod -Rv u+x ld/
differ "$F" chmod 2755 d
differ "$F" chmod 02755 d
differ "$F" chmod 00755 d
differ "$F" chmod g-s,u+t d
differ "$F" chmod =,u=rw fifo
differ "$F" chmod --verb 600 f
differ "$F" chmod --ref=g f
differ "$F" chmod --bogus f
differ "$F" chmod -Z f

# Generated cases.
RANDOM=1789
modes=(755 644 0 7777 4755 2755 1777 00755 000644 u+x g-w o= a=r +x -x u=rwx,g=rx,o= u+s g+s +t
  a+X u=g go=u o-w ug+rw = =rw-x a+rwX u+x,g+w + - '' 8 u+q q+z a+ 755x ugo +4 =755 u=7 g=u-w , o+t,u-s
  -w -r -x -X -s -t -rwx -u -g -o -a -0 -7 -644 +r,-w u-w,+w g=o a-s 7000 1 u=s g=t)
options=('' '' '' -R -v -c -f -Rv -Rc -Rf --silent --changes --recursive --verbose --quiet)
operands=(f g d d/a lf ld dang loop missing d/sub hf e fifo d/up d/sub/parent '' d/ @/f @/d ./f)
for i in $(seq 1 200); do
  args=()
  pick_into opt "${options[@]}"; [ -n "$opt" ] && args+=("$opt")
  pick_add args "${modes[@]}"
  n=$((RANDOM % 3 + 1))
  for _ in $(seq 1 $n); do pick_add args "${operands[@]}"; done
  differ "$F" chmod "${args[@]}"
done

umask 077
for i in $(seq 1 40); do
  pick_into m -w -r -x +w +rwx =w =rx -rw,+x u+x,+r; pick_into o f g d d/a; differ "$F" chmod "$m" "$o"
done
umask 022

# Names that need quoting in messages.
: >"$F/a b"; : >"$F/c:d"; : >"$F/it's"
umask 077
differ "$F" chmod -w 'a b' 'c:d' "it's"
differ "$F" chmod -v +x 'a b' 'c:d' "it's" 'no such'
umask 022

# As an ordinary user: permission errors, and a directory chmod -R must make
# readable before it can descend (or makes unreadable on the way down).
if [ "$(id -u)" -eq 0 ]; then
  N=$T/nfixture
  mkdir -p "$N/closed/in" "$N/open/in"
  : >"$N/closed/in/f"; : >"$N/open/in/f"; : >"$N/mine"; : >"$N/roots"
  chown -R nobody "$N"; chown root "$N/roots"
  chmod 000 "$N/closed"
  export RUNAS=nobody
  differ "$N" chmod -R u+rwx closed
  differ "$N" chmod -Rv u+rx closed
  differ "$N" chmod -R u+w closed
  differ "$N" chmod -R a-r open
  differ "$N" chmod -Rv a-x open
  differ "$N" chmod 644 roots mine
  differ "$N" chmod -c 4755 roots mine
  differ "$N" chmod -f 600 roots
  unset RUNAS
else
  skip_part "the permission-error cases need root to switch to nobody"
fi

echo "$CASES cases"
done_testing
