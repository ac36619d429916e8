# Active mkdir: directories made in the stage, recorded with the mode a
# root run of GNU mkdir would give them (umask included), -p parents too.
. "$STAGE_SOURCE/tests/lib.sh"

new_stage
M=$D/mkdir
# GNU judges: the same commands on the host give the modes to record.
mkdir "$T/g"
run_both() {  # run_both UMASK ARGS-WITH-@: GNU with @ = $T/g, ours with @ = $DESTDIR
  local u=$1
  shift
  (cd "$T/g" && umask "$u" && /usr/bin/mkdir "${@//@/$T/g}")
  (cd "$T" && umask "$u" && staged_nobody "$M" "${@//@/$DESTDIR}")
}
run_both 022 -p @/usr/share/doc/pkg
run_both 022 -m 1777 @/tmp
run_both 022 -m o+t @/sticky
run_both 077 -p @/private/a/b
run_both 002 -p -m 2775 @/grp/shared
run_both 022 -m u=rwx,g=rx,o= @/usr/share/doc/pkg/sub @/usr/share/doc/pkg/sub2
run_both 027 @/plain
gnu_modes=$(cd "$T/g" && find . -mindepth 1 -printf '%P %m\n' | sort)
ours=$(db_rows | awk '{sub("^/", "", $1); print $1, $3}' | sort)
expect_eq "recorded modes are GNU's" "$gnu_modes" "$ours"
expect_eq "recorded owners are the defaults" "" "$(db_rows | awk '$4 != "root" || $5 != "root"')"
expect_eq "every directory is recorded as one" "" "$(db_rows | awk '$2 != "dir"')"
expect_eq "on disk: owned by the user" "" "$(find "$DESTDIR" -mindepth 1 ! -user nobody)"
expect_eq "on disk: u+rwx, nothing special or writable by others" "" \
  "$(find "$DESTDIR" -mindepth 1 \( -perm /7022 -o ! -perm -700 \))"
# -p on existing directories changes neither them nor their records.
staged_nobody "$M" -p -m 700 "$DESTDIR/tmp" "$DESTDIR/usr"
expect_eq "-p keeps an existing directory's record" "dir 1777 root root" "$(db_row /tmp)"
# -v names what the user wrote.
(cd "$DESTDIR" && staged_nobody "$M" -pv ./opt/a /var/b >"$T/out")
expect_eq "-v names the operands as written" "$M: created directory './opt'
$M: created directory './opt/a'
$M: created directory '/var'
$M: created directory '/var/b'" "$(cat "$T/out")"
# ... as GNU names them, dots and all (GNU in a scratch dir is the judge).
mkdir "$T/gv"
(cd "$T/gv" && /usr/bin/mkdir -pv ./x/./y/../z w// >"$T/gnu.out")
(cd "$DESTDIR" && staged_nobody "$M" -pv ./x/./y/../z w// >"$T/ours.out")
expect_eq "-pv messages in the stage are GNU's" "$(sed 's|^/usr/bin/mkdir:|mkdir:|' "$T/gnu.out")" \
  "$(sed "s|^$M:|mkdir:|" "$T/ours.out")"
(cd "$T/gv" && /usr/bin/install -Dv /dev/null ./i/./j/k >"$T/gnu.out")
(cd "$DESTDIR" && staged_nobody "$D/install" -Dv /dev/null ./i/./j/k >"$T/ours.out")
expect_eq "install -Dv messages in the stage are GNU's" "$(sed 's|^/usr/bin/install:|install:|' "$T/gnu.out")" \
  "$(sed "s|^$D/install:|install:|" "$T/ours.out")"
# The less corpus: plain mkdir of each missing component, DESTDIR first existing.
staged_nobody "$M" "$DESTDIR" 2>"$T/err"
expect_eq "mkdir of the stage root itself: File exists" "$M: cannot create directory '$DESTDIR': File exists" "$(cat "$T/err")"

done_testing
