# stress/mixed-writers: install, mkdir -p, ln, chmod -R, chown -R, chgrp -R
# and install-info run at once on one stage (as a make -j install would) end
# with the same stage and records as the same operations run one after
# another: in particular a long chmod -R never undoes a chown or chgrp that
# finished meanwhile (each tool writes only the fields it changes).
# Short form: 3 rounds over 2,000 files; scripts/stress: 20 rounds.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/stress/stress_lib.bash"
command -v sqlite3 >/dev/null || { echo "skip: sqlite3 (scripts/setup) is missing"; exit 77; }
ROUNDS=$(count 3 20)
mkdir -m 755 src
for i in $(seq 2000); do echo "$i" >"src/f$i"; done
printf 'INFO-DIR-SECTION Zebras\nSTART-INFO-DIR-ENTRY\n* Zed: (zed).  Striped horses.\nEND-INFO-DIR-ENTRY\n' >src/zed.info
chmod -R a+rX src

# prepare STAGE: a stage already holding the tree the recursive tools walk.
prepare() {
  mkdir -m 777 "$1"
  STAGE_DESTDIR=$1 "$D/install" -d "$1/usr/share/a" "$1/usr/share/info" "$1/usr/bin"
  STAGE_DESTDIR=$1 "$D/install" -m 644 -t "$1/usr/share/a" src/f*
  STAGE_DESTDIR=$1 "$D/install" -m 644 src/zed.info "$1/usr/share/info/zed.info"
}
# The operations: independent of each other's order by design.
OPS=(
  'chmod -R u+x,g+w "$S/usr/share/a"'
  'chown -R games "$S/usr/share/a"'
  'chgrp -R mail "$S/usr/share/a"'
  'install -D -m 755 src/f1 "$S/usr/lib/b/tool"'
  'mkdir -p "$S/usr/share/c/x/y"'
  'ln -s ../share/a/f1 "$S/usr/bin/f1-link"'
  'install-info "$S/usr/share/info/zed.info" "$S/usr/share/info/dir"'
)
run_op() { S=$1 PATH="$D:$PATH" STAGE_DESTDIR=$1 eval "$2"; }
view() { "$STAGE_BIN/stage-ls" --destdir "$1" | sed "s|$1||g"; }

for ((r = 0; r < ROUNDS; r++)); do
  prepare "$T/serial$r"; prepare "$T/parallel$r"
  for op in "${OPS[@]}"; do run_op "$T/serial$r" "$op"; done
  pids=()
  for op in "${OPS[@]}"; do run_op "$T/parallel$r" "$op" & pids+=($!); done
  st=0
  for p in "${pids[@]}"; do wait "$p" || st=1; done
  expect_eq "round $r: every parallel writer exits 0" 0 "$st"
  s=$(view "$T/serial$r"); p=$(view "$T/parallel$r")
  if [ "$s" = "$p" ]; then pass "round $r: parallel and serial stages are recorded alike"
  else fail "round $r: parallel differs from serial"; diff <(echo "$s") <(echo "$p") | head -5 >&2; fi
  expect_eq "round $r: chmod kept chown's and chgrp's changes" 2000 \
    "$(sqlite3 "$T/parallel$r.stagedb" "select count(*) from entries where path like '/usr/share/a/f%' and uname='games' and gname='mail' and mode=$((8#764))")"
  check "round $r: database sound" db_ok "$T/parallel$r.stagedb"
  expect_eq "round $r: no record of a missing file" "" "$(records_missing "$T/parallel$r" "$T/parallel$r.stagedb")"
  expect_eq "round $r: no temporary file" "" "$(temporaries "$T/parallel$r")"
  rm -rf "$T/serial$r" "$T/parallel$r" "$T"/*.stagedb*
done
done_testing
