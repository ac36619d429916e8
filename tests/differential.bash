# Differential testing against GNU coreutils, for the inactive mode (source
# after lib.sh). Each case copies one fixture tree twice, runs GNU's tool in
# one copy and ours in the other, both invoked by their bare name through
# PATH so that the "tool:" prefix is the same, and compares exit status,
# stdout, stderr and the resulting trees (type, mode, owner, group, link
# count, symlink text, size). RUNAS=nobody runs both as nobody. "@" in an argument stands for the tree's own
# absolute path, and is written back as "@" in outputs before comparing.

GNUBIN=$T/gnubin
mkdir -p "$GNUBIN"
for tool in ln chmod chown chgrp; do ln -s "/usr/bin/$tool" "$GNUBIN/$tool"; done
CASES=0

# snapshot DIR: one line per object below DIR.
snapshot() {
  (cd "$1" && find . -mindepth 1 -printf '%P|%y|%m|%u|%g|%n|%l|%s\n' | sed "s|$1|@|g" | LC_ALL=C sort)
}

# run_in DIR BINDIR TOOL ARG...: runs TOOL from BINDIR in DIR; leaves rc, out, err in DIR.result/.
run_in() {
  local dir=$1 bin=$2 tool=$3
  shift 3
  local args=() a
  for a in "$@"; do args+=("${a//@/$dir}"); done
  mkdir -p "$dir.result"
  if [ "${RUNAS:-}" = nobody ]; then
    (cd "$dir" && as_nobody env PATH="$bin:$PATH" LC_ALL=C "$tool" "${args[@]}" >"$dir.result/out" \
       2>"$dir.result/err" </dev/null
     echo $? >"$dir.result/rc")
  else
    (cd "$dir" && PATH="$bin:$PATH" LC_ALL=C "$tool" "${args[@]}" >"$dir.result/out" 2>"$dir.result/err" </dev/null
     echo $? >"$dir.result/rc")
  fi
  sed -i "s|$dir|@|g" "$dir.result/out" "$dir.result/err"
  snapshot "$dir" >"$dir.result/tree"
}

# differ FIXTURE TOOL ARG...: one differential case over a copy of FIXTURE.
differ() {
  local fixture=$1 tool=$2
  shift 2
  CASES=$((CASES + 1))
  rm -rf "$T/gnu" "$T/our" "$T/gnu.result" "$T/our.result"
  cp -a "$fixture" "$T/gnu"
  cp -a "$fixture" "$T/our"
  run_in "$T/gnu" "$GNUBIN" "$tool" "$@"
  run_in "$T/our" "$STAGE_DROPINS" "$tool" "$@"
  local what bad= theirs mine
  for what in rc out err tree; do
    IFS= read -r -d '' theirs <"$T/gnu.result/$what"
    IFS= read -r -d '' mine <"$T/our.result/$what"
    [ "$theirs" = "$mine" ] || bad="$bad $what"
  done
  if [ -n "$bad" ]; then
    fail "$tool $(printf '%q ' "$@")differs in:$bad"
    for what in $bad; do
      diff -u "$T/gnu.result/$what" "$T/our.result/$what" | sed -n '3,12p' | sed 's/^/    /' >&2
    done
  fi
}

# ---- Campaigns: many generated cases per tool, in batches ------------------
# campaign_fixture DIR: the tree every campaign case starts from (a copy of
# it). Only relative, inward symlinks: a root reference must never reach
# outside its case directory. f6 is made set-id by the set-up below.
campaign_fixture() {
  local f=$1
  mkdir -p "$f/d/sub" "$f/e"
  echo x >"$f/f"; echo yy >"$f/g"; echo z >"$f/d/a"; : >"$f/d/sub/b"; echo w >"$f/e/x"; echo x >"$f/f6"
  ln -s f "$f/lf"; ln -s d "$f/ld"; ln -s nowhere "$f/dang"; ln -s loop "$f/loop"
  ln -s ../f "$f/d/up"; ln -s .. "$f/d/sub/parent"; ln "$f/g" "$f/hg"
}
# campaign_setup N: the set-up of case directories 1..N (in the current
# directory), run once for all of them with the tools under test (so that in
# a stage it is recorded): a setgid directory s of group games, and f6 made
# set-id of group games.
campaign_setup() {
  local i s=() f6=()
  for ((i = 1; i <= $1; i++)); do s+=("$i/s"); f6+=("$i/f6"); done
  install -d -g games -m 2775 "${s[@]}" && chgrp games "${f6[@]}" && chmod 6755 "${f6[@]}"
}

# pick_add ARRAY WORD...: appends one of the words to ARRAY, at random (no
# subshell, so reproducible like pick_into).
pick_add() {
  local -n _arr=$1
  shift
  local words=("$@")
  _arr+=("${words[RANDOM % ${#words[@]}]}")
}
# pick_into VAR WORD...: VAR gets one of the words, at random. No subshell:
# bash reseeds RANDOM in each one, so a pick by command substitution would
# differ from run to run.
pick_into() {
  local -n _pick=$1
  shift
  local words=("$@")
  _pick=${words[RANDOM % ${#words[@]}]}
}

# campaign_cases TOOL N SEED: N generated command lines for TOOL, one a line
# (the same ones for the same seed).
campaign_cases() {
  local tool=$1 n=$2 i k args opt w
  RANDOM=$3
  local files=(f g d d/a lf ld dang loop missing d/sub e s s/new f6 hg d/up d/sub/parent new ld/ e/x '' d/ s/x/y)
  local modes=(755 644 0 7777 4755 2755 1777 00755 000644 u+x g-w o= a=r +x -x u=rwx,g=rx,o= u+s g+s +t a+X
    u=g go=u o-w = a+rwX + - 8 q+z 755x -w -r -x -s -t g=o a-s 7000 g=t 640 0640 2640 u=rwx,g=rxs)
  local specs=(root root: :root bin:staff daemon:games 0 0:0 :50 games bin. nosuch :nosuch '' : +1 1234:4321 bin root:games)
  local groups=(root staff games 50 0 +60 nosuch '' 4321 nogroup daemon)
  for ((i = 0; i < n; i++)); do
    args=()
    case $tool in
      install)
        pick_into opt '' '' -v -c -C -p -D -b -d -dv -Dv -T -t
        case $opt in -t) pick_into w d s e new missing f; args+=(-t "$w") ;; ?*) args+=("$opt") ;; esac
        [ $((RANDOM % 2)) -eq 0 ] && { pick_into w "${modes[@]}"; args+=(-m "$w"); }
        [ $((RANDOM % 4)) -eq 0 ] && { pick_into w root bin daemon nosuch 0 1234; args+=(-o "$w"); }
        [ $((RANDOM % 4)) -eq 0 ] && { pick_into w root games staff nosuch 0 4321; args+=(-g "$w"); }
        for ((k = RANDOM % 3 + 1; k > 0; k--)); do pick_into w "${files[@]}"; args+=("$w"); done ;;
      mkdir)
        pick_into opt '' '' -p -v -pv
        [ -n "$opt" ] && args+=("$opt")
        [ $((RANDOM % 2)) -eq 0 ] && { pick_into w "${modes[@]}"; args+=(-m "$w"); }
        for ((k = RANDOM % 2 + 1; k > 0; k--)); do pick_into w new s/new s/n/m d/new new/a/b f f/x dang lf ld/x e s d/sub/parent/z '' n/; args+=("$w"); done ;;
      ln)
        pick_into opt '' '' -s -f -sf -n -sfn -v -sv -b -sb -r -sr -srf -T -sT -L -P -fv
        [ -n "$opt" ] && args+=("$opt")
        [ $((RANDOM % 5)) -eq 0 ] && { pick_into w d s e new lf; args+=(-t "$w"); }
        for ((k = RANDOM % 3 + 1; k > 0; k--)); do pick_into w "${files[@]}"; args+=("$w"); done ;;
      chmod)
        pick_into opt '' '' '' -R -v -c -f -Rv -Rc --silent
        [ -n "$opt" ] && args+=("$opt")
        pick_into w "${modes[@]}"; args+=("$w")
        for ((k = RANDOM % 3 + 1; k > 0; k--)); do pick_into w "${files[@]}"; args+=("$w"); done ;;
      chown|chgrp)
        pick_into opt '' '' -R -h -v -c -f -Rv -Rh -RH -RL -Rc -hv --dereference --from=root --from=:games --from=bin:staff
        [ "$tool" = chgrp ] && [[ $opt == --from* ]] && opt=
        [ -n "$opt" ] && args+=("$opt")
        if [ "$tool" = chown ]; then pick_into w "${specs[@]}"; args+=("$w"); else pick_into w "${groups[@]}"; args+=("$w"); fi
        for ((k = RANDOM % 3 + 1; k > 0; k--)); do pick_into w "${files[@]}"; args+=("$w"); done
        # GNU -v prints uninitialised memory as the old owner of a symlink it
        # cannot dereference, a loop (chown-matches-gnu.sh) or a dangling one
        # ("from 32682:root"): -v is dropped there.
        if [[ " ${args[*]} " == *" loop "* || " ${args[*]} " == *" dang "* ]] && [[ $opt == -*v* ]]; then
          args=("${args[@]:1}")
        fi ;;
    esac
    printf '%s ' "$tool"; printf '%q ' "${args[@]}"; echo
  done
}

# campaign_run_cases CASES-FILE: in the current directory, which holds the
# case directories 1..N, runs each line of CASES-FILE in its directory and
# prints "== N: CMD", the exit status, stdout and stderr. A case costs one
# fork and exec, its tool's: no subshell, no command substitution.
campaign_run_cases() {
  local n=0 cmd status out err nl=$'\n'
  while IFS= read -r cmd; do
    n=$((n + 1))
    cd "$n" || return 1
    eval "$cmd" >../.out 2>../.err </dev/null
    status=$?
    cd ..
    out= err=
    IFS= read -r -d '' out <.out; IFS= read -r -d '' err <.err
    while [[ $out == *"$nl" ]]; do out=${out%"$nl"}; done
    while [[ $err == *"$nl" ]]; do err=${err%"$nl"}; done
    printf '== %s: %s\nexit status %s\n-- stdout\n%s\n-- stderr\n%s\n' "$n" "$cmd" "$status" "$out" "$err"
  done <"$1"
  rm -f .out .err
}

# campaign_batch DIR BINDIR FIXTURE CASES-FILE [VAR=VALUE...]: in DIR, one
# directory per case (copies of FIXTURE made by one process, then
# campaign_setup once for all), each case run with BINDIR first on PATH and
# the environment changed by VAR=VALUE (env's -u NAME too); DIR.log gets
# campaign_run_cases' report.
campaign_batch() {
  local dir=$1 bin=$2 fixture=$3 cases=$4 n
  shift 4
  n=$(wc -l <"$cases")
  python3 "$STAGE_SOURCE/tests/tools/clone_tree.py" "$fixture" "$dir" "$n" || return 1
  env "$@" LC_ALL=C PATH="$bin:$PATH" bash -c "$(declare -f campaign_setup campaign_run_cases)"'
    cd "$1" || exit 1
    campaign_setup "$3" >../"${1##*/}.setup" 2>&1 || { echo "campaign: the set-up failed" >&2; exit 1; }
    campaign_run_cases "$2"' _ "$dir" "$cases" "$n" >"$dir.log" || { cat "$dir.setup" >&2; return 1; }
}

# campaign TOOL N SEED: N generated cases for TOOL, run (1) inactive, ours
# against GNU's, and (2) staged by nobody (STAGE_STRICT=1, as GNU knows no
# unknown names) against GNU's as root (needs root). Each case's status,
# output and resulting tree must be the same; one check per mode, listing
# every case that differs. CAMPAIGN_REPORTS=DIR keeps the reports there.
campaign() {
  local tool=$1 n=$2 seed=$3 c=$T/campaign-$1 cmp="python3 $STAGE_SOURCE/tests/tools/campaign_compare.py"
  local treecmp="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"
  mkdir -m 755 -p "$c"
  [ -d "$T/campaign-fixture" ] || campaign_fixture "$T/campaign-fixture"
  campaign_cases "$tool" "$n" "$seed" >"$c/cases"
  ln -sf /usr/bin/install /usr/bin/mkdir /usr/bin/ln /usr/bin/chmod /usr/bin/chown /usr/bin/chgrp "$GNUBIN/"
  # (1) Inactive.
  mkdir -m 777 "$c/gnu" "$c/ours"
  campaign_batch "$c/gnu" "$GNUBIN" "$T/campaign-fixture" "$c/cases" -u STAGE_DESTDIR ||
    fail "$tool: the GNU batch did not run"
  campaign_batch "$c/ours" "$STAGE_DROPINS" "$T/campaign-fixture" "$c/cases" -u STAGE_DESTDIR ||
    fail "$tool: the ours batch did not run"
  local keep=${CAMPAIGN_REPORTS:-} side
  for side in gnu ours; do
    expect_eq "$tool: every case ran ($side)" "$n" "$(grep -c '^== [0-9]*: ' "$c/$side.log")"
  done
  if $cmp logs "$c/gnu" "$c/ours" >"$c/inactive.report"; then
    pass "$tool: $n generated cases, inactive, same as GNU"; grep '^known' "$c/inactive.report"
  else
    fail "$tool: inactive cases differ from GNU: $(head -1 "$c/inactive.report")"; sed -n '2,40p' "$c/inactive.report" >&2
  fi
  # (2) Staged by nobody against a root reference.
  [ "$MY_UID" -eq 0 ] || { echo "skip: the staged campaign needs root for its reference"; return 0; }
  # The root reference is the inactive run's GNU side: GNU's tools run by
  # root over the same cases and fixture.
  mkdir -m 755 "$c/stage"
  chown nobody:nogroup "$c/stage" "$c"
  as_nobody env STAGE_DESTDIR="$c/stage" STAGE_STRICT=1 STAGE_SOURCE="$STAGE_SOURCE" bash -c \
    "$(declare -f campaign_batch campaign_setup campaign_run_cases); campaign_batch \"\$@\"" \
    _ "$c/stage" "$STAGE_DROPINS" "$T/campaign-fixture" "$c/cases" || fail "$tool: the staged batch did not run"
  expect_eq "$tool: every case ran (staged)" "$n" "$(grep -c '^== [0-9]*: ' "$c/stage.log")"
  $treecmp snapshot "$c/gnu" / >"$c/root.list"
  "$STAGE_BIN/stage-ls" --destdir "$c/stage" --format mtree >"$c/stage.mtree" 2>"$c/stage-ls.err"
  $treecmp mtree "$c/stage.mtree" "$c/stage" / >"$c/stage.list"
  [ -n "$keep" ] && cp "$c/inactive.report" "$keep/$tool-inactive.report"
  $cmp staged "$c/gnu" "$c/stage" "$c/root.list" "$c/stage.list" >"$c/staged.report"
  local staged_rc=$?
  [ -n "$keep" ] && cp "$c/staged.report" "$keep/$tool-staged.report"
  if [ "$staged_rc" -eq 0 ]; then
    pass "$tool: $n generated cases, staged by nobody, same as a root run"; grep '^known' "$c/staged.report"
  else
    fail "$tool: staged cases differ from a root run: $(head -1 "$c/staged.report")"; sed -n '2,40p' "$c/staged.report" >&2
  fi
  # The next tool's 30,000 case trees must fit too (scripts/campaign's tmpfs).
  rm -rf "$c/gnu" "$c/ours" "$c/stage"
}
