# stress_lib: shared checks of the stress suite (tests/stress/*.sh), sourced
# after tests/lib.sh. STRESS_LONG=1 (scripts/stress) runs the long forms.
LONG=${STRESS_LONG:-0}
# count SHORT LONG: the number of trials for this run.
count() { if [ "$LONG" = 1 ]; then echo "$2"; else echo "$1"; fi; }

# db_ok DB: PRAGMA integrity_check says ok.
db_ok() { [ "$(sqlite3 "$1" 'PRAGMA integrity_check' 2>&1)" = ok ]; }
# records_missing DEST DB: the recorded paths with no object in the stage (one per line).
records_missing() {
  local p
  sqlite3 "$2" 'SELECT path FROM entries' | while IFS= read -r p; do
    [ -e "$1$p" ] || [ -L "$1$p" ] || printf '%s\n' "$p"
  done
}
# temporaries DIR...: our temporary files left anywhere below DIR.
temporaries() { find "$@" \( -name '.stage-tmp.*' -o -name '.stage-pack.*' \) -print 2>/dev/null; }

# start_together N CMD...: runs N copies of CMD at once (the words "{I}" in
# CMD become the copy's index), through $RUNAS when set (as_nobody), and
# prints the number that failed; their messages go to $T/together.err. The
# copies wait on a shared lock that is released when all are started.
start_together() {
  local n=$1 i lock=$T/together.lock pids=() args a
  shift
  : >"$lock"; chmod 644 "$lock"
  : >"$T/together.err"
  exec 8>"$lock"
  flock 8
  for ((i = 0; i < n; i++)); do
    args=()
    for a in "$@"; do args+=("${a//\{I\}/$i}"); done
    (flock -s 7; ${RUNAS:-} "${args[@]}") 7<"$lock" 8>&- 2>>"$T/together.err" &
    pids+=($!)
  done
  flock -u 8
  exec 8>&-
  local failed=0
  for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
  echo "$failed"
}
