# stress/first-callers: 64 drop-ins started at once on a fresh stage that has
# no database yet (the mk/ fragments' case), as root and as nobody: none fails,
# every record is there, the database is sound, no temporary file is left.
# Short form: 10 trials; scripts/stress: 200.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/stress/stress_lib.bash"
command -v sqlite3 >/dev/null || { echo "skip: sqlite3 (scripts/setup) is missing"; exit 77; }
TRIALS=$(count 10 200)
printf 'content\n' >"$T/src"
chmod 644 "$T/src"
# One first caller: every fourth makes a directory tree, the others install.
cat >"$T/one.sh" <<'SH'
if [ $((I % 4)) = 0 ]; then exec "$D/mkdir" -p "$STAGE_DESTDIR/usr/share/d$I/sub"
else exec "$D/install" -D -m 644 "$SRC" "$STAGE_DESTDIR/usr/lib/p$I/file$I"; fi
SH
bad=0
for ((t = 0; t < TRIALS; t++)); do
  w=$T/trial$t
  mkdir -m 777 "$w" "$w/stage"
  who=root; runas=
  if [ $((t % 2)) = 1 ] && [ "$MY_UID" = 0 ]; then who=nobody; runas=as_nobody; fi
  failed=$(RUNAS=$runas start_together 64 env STAGE_DESTDIR="$w/stage" SRC="$T/src" D="$D" I={I} bash "$T/one.sh")
  db=$w/stage.stagedb
  n=$(sqlite3 "$db" 'SELECT count(*) FROM entries' 2>&1)
  # 48 files + their 48 p$I directories + /usr/lib, /usr; 16 trees of 3 + /usr/share.
  problems=
  [ "$failed" = 0 ] || problems+=" $failed-failed($(sort -u "$T/together.err" | head -2 | tr '\n' ' '))"
  [ "$n" = $((48 + 48 + 2 + 16 * 2 + 1)) ] || problems+=" records=$n"
  db_ok "$db" || problems+=" integrity"
  [ -z "$(records_missing "$w/stage" "$db")" ] || problems+=" record-of-missing-file"
  [ -z "$(temporaries "$w")" ] || problems+=" temporary-left"
  if [ -n "$problems" ]; then fail "trial $t as $who:$problems"; bad=$((bad + 1)); fi
  rm -rf "$w"
done
expect_eq "$TRIALS trials of 64 first callers (root and nobody alternately): none went wrong" 0 "$bad"
done_testing
