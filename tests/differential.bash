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

# pick WORD...: one of the words, at random (seeded by the test with RANDOM=N).
pick() {
  local words=("$@")
  printf '%s' "${words[RANDOM % ${#words[@]}]}"
}
