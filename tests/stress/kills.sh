# stress/kills: SIGKILL at random moments of install (a large file over an
# old one), chmod -R, ln -s and install-info. After each kill: the database
# is sound, no record names a missing file, no temporary file is left (the
# large file is written unnamed, O_TMPFILE), and every destination is either
# as it was or as it would be. Short form: 40 kills; scripts/stress: 1,000.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/stress/stress_lib.bash"
# A process SIGKILLed during LeakSanitizer's exit-time check leaves a report
# that its thread could not be read (scripts/sanitize): no leak check here.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
command -v sqlite3 >/dev/null || { echo "skip: sqlite3 (scripts/setup) is missing"; exit 77; }
KILLS=$(count 40 1000)
S=$T/stage; DB=$S.stagedb
mkdir -m 755 "$S" src
head -c 1000000 /dev/zero | tr '\0' a >src/old
head -c 30000000 /dev/zero | tr '\0' b >src/new
for i in $(seq 1500); do echo "$i" >"src/f$i"; done
printf 'INFO-DIR-SECTION Zebras\nSTART-INFO-DIR-ENTRY\n* Zed: (zed).  Striped horses.\nEND-INFO-DIR-ENTRY\n' >src/zed.info
export STAGE_DESTDIR=$S
"$D/install" -d "$S/usr/share/a" "$S/usr/share/info" "$S/usr/bin"
"$D/install" -m 644 -t "$S/usr/share/a" src/f*
"$D/install" -m 644 src/zed.info "$S/usr/share/info/zed.info"
"$D/install" -m 644 src/old "$S/usr/share/big"
old_sum=$(cksum <src/old) new_sum=$(cksum <src/new)

bad=0
for ((k = 0; k < KILLS; k++)); do
  kind=$((k % 4))
  case $kind in
    0) what="install of a large file"; "$D/install" -m 644 src/new "$S/usr/share/big" & ;;
    1) what="chmod -R"; "$D/chmod" -R "$([ $((k % 8)) = 1 ] && echo g+w || echo g-w)" "$S/usr/share/a" & ;;
    2) what="ln -s"; "$D/ln" -s ../share/a/f1 "$S/usr/bin/l$k" & ;;
    3) what="install-info"; "$D/install-info" "$([ $((k % 8)) = 3 ] && echo --remove)" \
         "$S/usr/share/info/zed.info" "$S/usr/share/info/dir" >/dev/null 2>&1 & ;;
  esac
  pid=$!
  # A random moment within the first ~40 ms (the moment, not a synchronisation).
  sleep "0.0$((RANDOM % 40 / 10))$((RANDOM % 10))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  problems=
  db_ok "$DB" || problems+=" integrity"
  m=$(records_missing "$S" "$DB"); [ -z "$m" ] || problems+=" record-of-missing:$m"
  tmp=$(temporaries "$S" "$T"); [ -z "$tmp" ] || { problems+=" temporary:$tmp"; rm -f $tmp; }  # reported once
  case $kind in
    0) sum=$(cksum <"$S/usr/share/big"); [ "$sum" = "$old_sum" ] || [ "$sum" = "$new_sum" ] || problems+=" big-is-partial"
       [ "$sum" = "$new_sum" ] && "$D/install" -m 644 src/old "$S/usr/share/big" ;;  # back to old for the next kill
    2) [ ! -e "$S/usr/bin/l$k" ] || [ "$(readlink "$S/usr/bin/l$k")" = ../share/a/f1 ] || problems+=" link-wrong" ;;
    3) [ ! -e "$S/usr/share/info/dir" ] || grep -q '^\* Menu:' "$S/usr/share/info/dir" || problems+=" dir-partial" ;;
  esac
  if [ -n "$problems" ]; then fail "kill $k during $what:$problems"; bad=$((bad + 1)); fi
done
expect_eq "$KILLS SIGKILLs (install, chmod -R, ln, install-info): all left a sound stage" 0 "$bad"
done_testing
