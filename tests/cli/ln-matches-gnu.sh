# ln, inactive: generated invocations give what GNU coreutils ln gives (exit
# status, stdout, stderr, resulting tree with link counts and link texts).
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/differential.bash"
unset STAGE_DESTDIR
umask 022

F=$T/fixture
mkdir -p "$F/d/sub" "$F/e"
echo x >"$F/f"; echo yy >"$F/g"; echo z >"$F/d/a"; echo w >"$F/e/f"
ln -s f "$F/lf"; ln -s d "$F/ld"; ln -s nowhere "$F/dang"; ln -s loop "$F/loop"
ln "$F/g" "$F/hg"; echo old >"$F/d/f"; echo b >"$F/g~"

# Hand-picked cases.
differ "$F" ln
differ "$F" ln -s
differ "$F" ln f new
differ "$F" ln -s f new
differ "$F" ln -sv f
differ "$F" ln -v @/d/a
differ "$F" ln f g
differ "$F" ln -f f g
differ "$F" ln -sf f g
differ "$F" ln -s f d
differ "$F" ln -sv f g d
differ "$F" ln f g h
differ "$F" ln f g missing/
differ "$F" ln -T f d
differ "$F" ln -T f
differ "$F" ln -T f g h
differ "$F" ln -t d f g
differ "$F" ln -t f g
differ "$F" ln -t missing g
differ "$F" ln -t d -t e f
differ "$F" ln -t d -T f
differ "$F" ln d newdir
differ "$F" ln -d d newdir
differ "$F" ln missing new
differ "$F" ln -s missing new
differ "$F" ln -r f new
differ "$F" ln -sr f d/sub/new
differ "$F" ln -srv d/a e/x
differ "$F" ln -srv @/d/a @/e/y
differ "$F" ln -srv ld/a e/z
differ "$F" ln -sr f f
differ "$F" ln -sf f f
differ "$F" ln -f f f
differ "$F" ln -f g hg
differ "$F" ln -bv f g
differ "$F" ln -b --suffix=.old -v f g
differ "$F" ln --backup=numbered -v f g
differ "$F" ln --backup=bogus f new
differ "$F" ln --backup=t -sv f d/f
differ "$F" ln -sfn e ld
differ "$F" ln -sf e ld
differ "$F" ln -sfn e ld f
differ "$F" ln -sfT e ld
differ "$F" ln -i f g
differ "$F" ln -L lf new
differ "$F" ln -P lf new
differ "$F" ln -L dang new
differ "$F" ln -P dang new
differ "$F" ln -f d/f e/f d
differ "$F" ln -f f d/f e
differ "$F" ln f d/sub/
differ "$F" ln -s f new/
differ "$F" ln -s '' empty
differ "$F" ln -s f ''
differ "$F" ln --sym f x
differ "$F" ln --s f x
differ "$F" ln --bogus f x

# Generated cases.
RANDOM=4242
options=('' '' -s -s -f -sf -sn -sfn -v -sv -fv -b -sb -S.bak -T -sT -r -sr -srf -L -P -sL -i -n -d
  --backup=numbered --backup=simple -sfv -srv)
sources=(f g d missing lf ld dang loop hg @/f @/d d/a ./f e/f '' d/ f/ g~)
dests=(new g d e ld lf dang d/new d/sub missing/x . d/f @/new @/d hg new/ e/f)
for i in $(seq 1 180); do
  args=()
  pick_into opt "${options[@]}"; [ -n "$opt" ] && args+=("$opt")
  case $((RANDOM % 6)) in
    0) pick_add args "${sources[@]}" ;;
    1) args+=(-t); pick_add args d e f missing ld .; pick_add args "${sources[@]}"; pick_add args "${sources[@]}" ;;
    2) pick_add args "${sources[@]}"; pick_add args "${sources[@]}"; pick_add args d e ld g missing ;;
    *) pick_add args "${sources[@]}"; pick_add args "${dests[@]}" ;;
  esac
  differ "$F" ln "${args[@]}"
done

echo "$CASES cases"
done_testing
