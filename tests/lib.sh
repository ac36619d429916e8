# Shared helpers for the shell tests. Source it: . "$STAGE_SOURCE/tests/lib.sh"
# Every test runs in its own scratch directory, removed at exit.
set -u
: "${STAGE_BUILD:?run through ctest}"
# STAGE_TEST_TMP: where the scratch directory goes (default /tmp; scripts/campaign uses a tmpfs).
T=$(mktemp -d "${STAGE_TEST_TMP:-/tmp}/stage-test.XXXXXX")
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
cd "$T"
FAILS=0
GNU_INSTALL=/usr/bin/install
D=$STAGE_DROPINS

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
# check NAME COMMAND...: passes when COMMAND succeeds.
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected [$2] got [$3]"; fi
}
# as_nobody CMD...: runs CMD as the unprivileged user nobody (CI runs as root).
MY_UID=$(id -u)
as_nobody() {
  if [ "$MY_UID" -eq 0 ]; then
    # The sanitizers' settings pass (scripts/sanitize); nothing else of the caller's environment.
    setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- env PATH="$PATH" HOME=/nonexistent \
      ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} ${UBSAN_OPTIONS:+UBSAN_OPTIONS="$UBSAN_OPTIONS"} \
      ${LSAN_OPTIONS:+LSAN_OPTIONS="$LSAN_OPTIONS"} "$@"
  else
    "$@"
  fi
}
# skip_test REASON: the test cannot run here; exits 77, ctest's "skipped"
# (never 0: a skip must not read as a pass).
skip_test() { echo "SKIP: $*"; exit 77; }
# skip_part REASON: part of the test cannot run here. The rest still runs; the
# test then ends as skipped (77) unless a check failed (1).
SKIPPED_PARTS=()
skip_part() { echo "SKIP (part): $*"; SKIPPED_PARTS+=("$*"); }
# done_testing: exit status of the test.
done_testing() {
  if [ "$FAILS" -ne 0 ]; then echo "$FAILS check(s) failed" >&2; exit 1; fi
  if [ "${#SKIPPED_PARTS[@]}" -ne 0 ]; then
    echo "SKIP: every check that ran passed, but not run here: $(IFS=';'; echo "${SKIPPED_PARTS[*]}")"
    exit 77
  fi
  echo "all checks passed"
}

# ---- Comparing with GNU (inactive mode) ----------------------------------
# tree_of DIR: one line per object below DIR (type, mode, owner, size, name,
# link target) and one per file's content digest, sorted.
tree_of() {
  (cd "$1" && find . -mindepth 1 -printf '%y %04m %u:%g %s %p -> %l\n' -type f -exec md5sum {} + | LC_ALL=C sort)
}

# GNU's tools under their own names, for runs through PATH.
GNU_BIN=$T/gnu-bin
mkdir "$GNU_BIN" && ln -s /usr/bin/install /usr/bin/mkdir "$GNU_BIN/"
CASE_N=0

# slurp VAR FILE: VAR gets FILE's whole content (no subprocess).
slurp() { IFS= read -r -d '' "$1" <"$2" || true; }

# report_vs_gnu PASS-TEXT FAIL-TEXT GNU-RESULT OUR-RESULT DIR: passes when
# the two results are equal, else fails and shows their diff.
report_vs_gnu() {
  if [ "$3" = "$4" ]; then
    pass "$1"
  else
    fail "$2"
    printf '%s' "$3" >"$5/gnu.all"
    printf '%s' "$4" >"$5/ours.all"
    diff -u "$5/gnu.all" "$5/ours.all" | tail -n +3 | sed 's/^/    /' >&2
  fi
}

# gnu_vs_ours NAME TOOL SETUP ARGS...: runs GNU's TOOL and our drop-in of the
# same basename, both found through PATH (so messages carry the same prefix)
# in the C locale (GNU's quotes are then ASCII), each in a fresh directory
# prepared by the shell function SETUP, as the same user; then compares exit
# status, stdout, stderr and the resulting tree. The two directories' paths
# are written as $W in the comparison. RUNAS=as_nobody runs both as nobody;
# SKIP_TREE=1 leaves the tree out (where we deliberately differ).
# STAGE_DESTDIR is unset for both. (Few processes: the suite runs it often.)
gnu_vs_ours() {
  local name=$1 tool=$2 setup=$3 who bindir c line g_all o_all rc out err
  shift 3
  CASE_N=$((CASE_N + 1))
  c=$T/c$CASE_N
  mkdir -m 777 "$c" "$c/gnu" "$c/ours"
  for who in gnu ours; do
    bindir=$GNU_BIN
    [ "$who" = ours ] && bindir=$D
    (cd "$c/$who" && "$setup") || { fail "$name: setup"; return; }
    (cd "$c/$who" && unset STAGE_DESTDIR && export LC_ALL=C PATH="$bindir:$PATH" &&
      ${RUNAS:+$RUNAS env LC_ALL=C} "$tool" "$@" >"$c/$who.out" 2>"$c/$who.err"; echo "exit status $?" >"$c/$who.rc")
  done
  (cd "$c" && find gnu ours -mindepth 1 -printf '%y %04m %u:%g %s %p -> %l\n' -type f -exec md5sum {} + |
    LC_ALL=C sort) >"$c/trees"
  local -A tree=([gnu]= [ours]=)
  while IFS= read -r line; do
    case $line in
      *" gnu/"*) tree[gnu]+="${line/ gnu\// ./}"$'\n' ;;
      *) tree[ours]+="${line/ ours\// ./}"$'\n' ;;
    esac
  done <"$c/trees"
  [ -n "${SKIP_TREE:-}" ] && tree=([gnu]= [ours]=)
  for who in gnu ours; do
    slurp rc "$c/$who.rc"; slurp out "$c/$who.out"; slurp err "$c/$who.err"
    line="$rc-- stdout"$'\n'"$out-- stderr"$'\n'"$err-- tree"$'\n'"${tree[$who]}"
    line=${line//"$c/$who"/'$W'}
    [ "$who" = gnu ] && g_all=$line || o_all=$line
  done
  report_vs_gnu "$name (same as GNU $tool)" "$name: differs from GNU ($tool $*)" "$g_all" "$o_all" "$c"
}

# gnu_vs_ours_each NAME SETUP CASE...: gnu_vs_ours for many command lines
# at once. Each CASE is a shell command line (words as in a script:
# 'install -m 644 f g'), run in its own fresh directory prepared by the shell
# function SETUP; one process per side runs them all, "install" and "mkdir"
# being GNU's in one and ours in the other. Compared: each case's exit
# status, stdout and stderr, and all the trees.
gnu_vs_ours_each() {
  local name=$1 setup=$2 who bindir c line
  shift 2
  CASE_N=$((CASE_N + 1))
  c=$T/c$CASE_N
  mkdir -m 777 "$c" "$c/gnu" "$c/ours"
  export -f "$setup"
  for who in gnu ours; do
    bindir=$GNU_BIN
    [ "$who" = ours ] && bindir=$D
    (cd "$c/$who" && unset STAGE_DESTDIR && export LC_ALL=C PATH="$bindir:$PATH" && bash -c '
      setup=$1
      shift
      n=0
      for cmd; do
        n=$((n + 1))
        mkdir -m 777 "$n" && cd "$n" || exit 1
        "$setup" || echo "setup failed"
        (eval "$cmd") >../"$n.out" 2>../"$n.err"
        status=$?
        cd ..
        echo "== $n: $cmd"
        echo "exit status $status"
        echo "-- stdout"; echo "$(<"$n.out")"; echo "-- stderr"; echo "$(<"$n.err")"
        rm -f "$n.out" "$n.err"
      done' _ "$setup" "$@" >"$c/$who.log" 2>&1)
  done
  (cd "$c" && find gnu ours -mindepth 1 -printf '%y %04m %u:%g %s %p -> %l\n' -type f -exec md5sum {} + |
    LC_ALL=C sort) >"$c/trees"
  local -A all=([gnu]= [ours]=)
  while IFS= read -r line; do
    case $line in
      *" gnu/"*) all[gnu]+="${line/ gnu\// ./}"$'\n' ;;
      *) all[ours]+="${line/ ours\// ./}"$'\n' ;;
    esac
  done <"$c/trees"
  for who in gnu ours; do
    slurp line "$c/$who.log"
    all[$who]="$line-- trees"$'\n'"${all[$who]}"
    all[$who]=${all[$who]//"$c/$who"/'$W'}
  done
  report_vs_gnu "$name: $# cases (same as GNU)" "$name: differs from GNU" "${all[gnu]}" "${all[ours]}" "$c"
}

# ---- Active mode ----------------------------------------------------------
# new_stage: a fresh staging root $DESTDIR (empty, owned by nobody when root)
# and its default database; also an empty sibling $OUTSIDE that staged
# operations must never touch.
new_stage() {
  rm -rf "$T/stage" "$T/stage.stagedb"* "$T/outside"
  mkdir "$T/stage" "$T/outside"
  DESTDIR=$T/stage
  OUTSIDE=$T/outside
  [ "$MY_UID" -eq 0 ] && chown nobody:nogroup "$T/stage" "$T"
  return 0
}
# db_rows [WHERE]: the recorded entries, one per line: path type mode uname gname.
db_rows() {
  [ -f "$DESTDIR.stagedb" ] || return 0
  sqlite3 -separator ' ' "$DESTDIR.stagedb" \
    "select path,type,printf('%o',mode),coalesce(uname,uid),coalesce(gname,gid) from entries ${1:-} order by path"
}
# db_count: how many entries are recorded (0 when there is no database).
db_count() {
  [ -f "$DESTDIR.stagedb" ] || { echo 0; return; }
  sqlite3 "$DESTDIR.stagedb" 'select count(*) from entries'
}
# db_row PATH: the record of one logical path ("type mode uname gname").
db_row() {
  [ -f "$DESTDIR.stagedb" ] || return 0
  sqlite3 -separator ' ' "$DESTDIR.stagedb" \
    "select type,printf('%o',mode),coalesce(uname,uid),coalesce(gname,gid) from entries where path='$1'"
}
# staged [VAR=VALUE]... CMD...: runs CMD with the staging environment, as the
# current user; staged_nobody: the same as nobody (when root).
staged() { env LC_ALL=C STAGE_DESTDIR="$DESTDIR" "$@"; }
staged_nobody() {
  if [ "$MY_UID" -eq 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- \
      env PATH="$PATH" HOME=/nonexistent LC_ALL=C STAGE_DESTDIR="$DESTDIR" "$@"
  else
    env LC_ALL=C STAGE_DESTDIR="$DESTDIR" "$@"
  fi
}
# disk_mode PATH: on-disk permission bits in octal ("755").
disk_mode() { stat -c %a "$1"; }
# no_temp_files DIR: no leftover .stage-tmp.* anywhere below DIR.
no_temp_files() { [ -z "$(find "$1" -name '.stage-tmp.*' -print -quit)" ]; }
# outside_untouched: $OUTSIDE is still empty.
outside_untouched() { [ -z "$(ls -A "$OUTSIDE")" ]; }

# autoconf_staged_vs_root: in an autoconf package's source directory (owned
# by nobody), configures under stage-run, builds, installs with
# `make -j2 TARGET` staged by nobody into $T/stage-TARGET and as root with
# GNU's tools into $T/root-TARGET, and fails unless the staged mtree export
# describes exactly the root tree under /usr/pkg. Leaves the listings in
# $T/staged-TARGET.list and $T/root-TARGET.list. STAGE_RUN_FLAGS (e.g.
# --sandbox) go to the installing stage-run. Usage: autoconf_staged_vs_root [TARGET...]
autoconf_staged_vs_root() {
  local cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py" target
  local run_nobody="as_nobody env HOME=$T"
  $run_nobody "$STAGE_BIN/stage-run" -q --destdir "$T/stage-configure" -- ./configure --prefix=/usr/pkg >"$T/configure.log" 2>&1
  expect_eq "configure under stage-run" 0 $?
  check "AC_PROG_INSTALL chose our install (it prefers the name ginstall)" grep -qE "^INSTALL = $STAGE_DROPINS/g?install -c\$" Makefile
  check "AC_PROG_MKDIR_P chose our mkdir -p" grep -q "^MKDIR_P = $STAGE_DROPINS/mkdir -p\$" Makefile
  $run_nobody make -j2 >"$T/build.log" 2>&1
  expect_eq "build" 0 $?
  for target in "${@:-install}"; do
    $run_nobody "$STAGE_BIN/stage-run" ${STAGE_RUN_FLAGS:-} --destdir "$T/stage-$target" -- make -j2 "$target" >"$T/$target.log" 2>&1
    expect_eq "staged make -j2 $target by nobody" 0 $?
    check "$target: nothing untracked" grep -q ' 0 untracked' "$T/$target.log"
    $run_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage-$target" --format mtree >"$T/staged-$target.mtree"
    expect_eq "$target: mtree export" 0 $?
    # The anchor: root, GNU's tools, the same build tree.
    make "$target" DESTDIR="$T/root-$target" INSTALL='/usr/bin/install -c' MKDIR_P='/usr/bin/mkdir -p' >"$T/root-$target.log" 2>&1
    expect_eq "root make $target" 0 $?
    $cmp_tool snapshot "$T/root-$target" /usr/pkg >"$T/root-$target.list"
    $cmp_tool mtree "$T/staged-$target.mtree" "$T/stage-$target" /usr/pkg >"$T/staged-$target.list"
    check "$target: the root install is not empty" test "$(wc -l <"$T/root-$target.list")" -gt 3
    if diff -u "$T/root-$target.list" "$T/staged-$target.list"; then
      pass "staged make $target equals root's"
    else
      fail "staged make $target differs from root's"
    fi
  done
}

# ---- Union capture (stage-run --root --map P) -----------------------------
# capture_vs_root PREFIX CMD...: in the current directory (owned by nobody),
# runs CMD by nobody under `stage-run --root --map PREFIX` into $T/stage,
# and as root in a private mount namespace where PREFIX is a fresh tmpfs (a
# missing PREFIX is made to appear by a read-only overlay of its parent), the
# tmpfs then copied to $T/root; fails unless the staged mtree export
# describes exactly the root tree under PREFIX, or the host's PREFIX changed.
# Leaves $T/capture.log, $T/root.list and $T/staged.list.
capture_vs_root() {
  local prefix=$1 existed=no cmp_tool="python3 $STAGE_SOURCE/tests/tools/tree_compare.py"
  shift
  [ -e "$prefix" ] && existed=yes
  local before=""
  [ $existed = yes ] && before=$(ls -laR "$prefix" 2>/dev/null | md5sum)
  as_nobody env HOME="$T" "$STAGE_BIN/stage-run" --root --map "$prefix" --destdir "$T/stage" -- "$@" >"$T/capture.log" 2>&1
  expect_eq "captured run by nobody: $*" 0 $?
  as_nobody "$STAGE_BIN/stage-ls" --destdir "$T/stage" --format mtree >"$T/staged.mtree"
  expect_eq "mtree export" 0 $?
  mkdir -p "$T/root$prefix" "$T/skel"
  # The anchor: root, with the prefix on a tmpfs of its own mount namespace.
  unshare -m sh -c '
    prefix=$1 skel=$2 out=$3; shift 3
    mount --make-rprivate / || exit 90
    if [ ! -e "$prefix" ]; then
      parent=${prefix%/*}; [ -n "$parent" ] || exit 91
      [ -d "$parent" ] || exit 92
      mkdir -p "$skel/${prefix##*/}" &&
      mount -t overlay overlay -o "ro,lowerdir=$skel:$parent" "$parent" || exit 93
    fi
    mount -t tmpfs -o mode=0755 tmpfs "$prefix" || exit 94
    "$@" >"$out/../root-run.log" 2>&1 || exit $?
    cp -a "$prefix/." "$out/"' sh "$prefix" "$T/skel" "$T/root$prefix" "$@"
  expect_eq "root run in a private mount namespace" 0 $?
  if [ $existed = yes ]; then
    expect_eq "the host's $prefix is unchanged" "$before" "$(ls -laR "$prefix" 2>/dev/null | md5sum)"
  else
    check "the host's $prefix did not appear" test ! -e "$prefix"
  fi
  $cmp_tool snapshot "$T/root" "$prefix" | grep -v "^$prefix dir " >"$T/root.list"
  $cmp_tool mtree "$T/staged.mtree" "$T/stage" "$prefix" | grep -v "^$prefix dir " >"$T/staged.list"
  check "the root install is not empty" test "$(wc -l <"$T/root.list")" -gt 1
  if diff -u "$T/root.list" "$T/staged.list"; then
    pass "captured install equals root's"
  else
    fail "captured install differs from root's"
    cat "$T/capture.log" >&2
  fi
}
# root_run_over_host_copy PREFIX HOST_COPY OUT CMD...: the anchor for a host
# that has PREFIX: runs CMD as root in a private mount namespace where PREFIX
# is a tmpfs holding a copy of HOST_COPY (the host's PREFIX is never
# written), then copies the tmpfs to OUT; CMD's output goes to OUT/../root-run.log.
# Returns CMD's exit status (90-95: a set-up step failed).
root_run_over_host_copy() {
  local prefix=$1 host=$2 out=$3
  shift 3
  unshare -m sh -c '
    P=$1 host=$2 out=$3; shift 3
    mount --make-rprivate / || exit 90
    mount -t tmpfs -o mode=0755 tmpfs "$P" || exit 94
    cp -a "$host/." "$P/" || exit 95
    "$@" >"$out/../root-run.log" 2>&1 || exit $?
    cp -a "$P/." "$out/"' sh "$prefix" "$host" "$out" "$@"
}
# host_prefix: a directory standing for the host's prefix: $H/pkg in $P,
# below /var/lib (the build's temporary directories, /tmp among them, pass
# through and are never staged), removed with $T at exit.
host_prefix() {
  H=$(mktemp -d /var/lib/stage-host.XXXXXX) && chmod 755 "$H" || { fail "mktemp -d /var/lib/stage-host.XXXXXX"; done_testing; }
  trap 'rm -rf "$T" "$H"' EXIT
  P=$H/pkg
}
# host_fingerprint DIR: a digest of DIR's whole listing (names, types,
# modes, owners, sizes, times): equal before and after means untouched.
host_fingerprint() { ls -laR --time-style=full-iso "$1" | md5sum; }
# snapshot_host PREFIX: copies the host's PREFIX to $T/host/PREFIX, lists it
# (tree_compare.py's snapshot) in $T/host.list and keeps its fingerprint in
# $before.
snapshot_host() {
  mkdir -p "$T/host$1" && cp -a "$1/." "$T/host$1/"
  python3 "$STAGE_SOURCE/tests/tools/tree_compare.py" snapshot "$T/host" "$1" >"$T/host.list"
  before=$(host_fingerprint "$1")
}
# root_anchor PREFIX CMD...: CMD run by root over the copy snapshot_host
# made (root_run_over_host_copy), its result in $T/root/PREFIX and listed in
# $T/root.list. Returns CMD's exit status.
root_anchor() {
  local prefix=$1 rc
  shift
  mkdir -p "$T/root$prefix"
  root_run_over_host_copy "$prefix" "$T/host$prefix" "$T/root$prefix" "$@"
  rc=$?
  python3 "$STAGE_SOURCE/tests/tools/tree_compare.py" snapshot "$T/root" "$prefix" >"$T/root.list"
  return $rc
}
# capture_whos: the runs a union-capture test makes (capture_as): nobody,
# root and sandbox; without sandbox in a sanitized build (scripts/sanitize),
# where `--sandbox` cannot run (ASan's shadow memory under the sandbox's
# limits) and the e2e/sandbox tests skip. Anywhere else a --sandbox that
# fails is the test's failure, never a variant left out.
capture_whos() {
  if ldd "$STAGE_BIN/stage-run" 2>/dev/null | grep -q libasan &&
    ! "$STAGE_BIN/stage-run" -q --sandbox --root --destdir "$T/sandbox-probe" -- true >/dev/null 2>&1; then
    echo "note: a sanitized build, where --sandbox cannot run: its variant is not run" >&2
    echo "nobody root"
  else
    echo "nobody root sandbox"
  fi
  rm -rf "$T/sandbox-probe" "$T/sandbox-probe.stagedb"
}
# capture_as WHO PREFIX CMD...: CMD under `stage-run --root --map PREFIX`,
# run by WHO: nobody (as_nobody), root, or sandbox (root's --sandbox --root,
# the build as nobody); the stage is $S ($T/stage-WHO; under --sandbox in
# the build directory $T/src, which it may write), the log
# $T/capture-WHO.log. Checks that the run exits 0 and that the host's PREFIX
# still has the fingerprint $before (snapshot_host).
capture_as() {
  local who=$1 prefix=$2 run=env sandbox=
  shift 2
  S=$T/stage-$who
  [ "$who" = nobody ] && run=as_nobody
  [ "$who" = sandbox ] && S=$T/src/stage-$who sandbox=--sandbox
  $run env HOME="$T" "$STAGE_BIN/stage-run" $sandbox --root --map "$prefix" --destdir "$S" -- "$@" \
    >"$T/capture-$who.log" 2>&1
  expect_eq "$who: captured run" 0 $?
  expect_eq "$who: the host's prefix is unchanged" "$before" "$(host_fingerprint "$prefix")"
}
# new_entries HOST_LIST: the lines of stdin (tree_compare.py's) that are not
# in HOST_LIST, less the host's own directories (a stage mirrors them).
new_entries() {
  local dirs
  dirs=$(awk '$2 == "dir" {print $1}' "$1")
  grep -vxF -f "$1" | awk -v dirs="$dirs" 'BEGIN {n = split(dirs, d, "\n"); for (i = 1; i <= n; i++) skip[d[i]] = 1} !($1 in skip)'
}
# skip_unless_root_namespace [--map P]: exit 77 unless `stage-run --root`
# (with the options given) works here for nobody; the kernel may refuse it.
skip_unless_root_namespace() {
  local out
  out=$(as_nobody "$STAGE_BIN/stage-run" -q --root "$@" --destdir "$T/probe" -- true 2>&1)
  [ $? -eq 2 ] && skip_test "--root $* refused here: $out"
  rm -rf "$T/probe" "$T/probe.stagedb"
}
# skip_unless_root_capture: exit 77 unless root (the anchor) and --root with capture work here.
skip_unless_root_capture() {
  [ "$(id -u)" -eq 0 ] || skip_test "the anchor is a root install in a mount namespace (run as root, as CI does)"
  skip_unless_root_namespace --map /usr/stage-probe
}

# pacman_install_into ROOT PKG: installs the package file PKG with `pacman -U`
# into the empty root ROOT (its own database there, no scriptlets, no
# dependency checks; needs root); pacman's output goes to $T/install.out and
# is shown when it fails. Returns pacman's exit status.
pacman_install_into() {
  local root=$1 pkg=$2 rc
  mkdir -p "$root/var/lib/pacman"
  printf '[options]\nArchitecture = auto\nSigLevel = Never\nLocalFileSigLevel = Never\n' >"$T/pacman.conf"
  pacman -U --noconfirm --root "$root" --dbpath "$root/var/lib/pacman" --config "$T/pacman.conf" \
    --cachedir "$T/cache" --logfile "$T/pacman.log" --noscriptlet --nodeps "$pkg" >"$T/install.out" 2>&1
  rc=$?
  [ $rc -eq 0 ] || cat "$T/install.out" >&2
  return $rc
}

# ---- Real Debian source packages ------------------------------------------
# deb_upstream_tree PKG: unpacks the upstream tarball of Debian source
# package PKG (cached in /var/cache/stage/deb-src, fetched there by
# scripts/deb-src when missing) into $T/src, changes into its top directory
# and gives $T to nobody. Exits 77 (skipped) when the source cannot be fetched.
deb_upstream_tree() {
  local pkg=$1 cache=/var/cache/stage/deb-src orig
  orig=$(ls "$cache/${pkg}"_*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -1)
  if [ -z "$orig" ]; then
    "$STAGE_SOURCE/scripts/deb-src" --into "$cache" "$pkg" >"$T/deb-src.log" 2>&1 ||
      skip_test "the source of $pkg cannot be fetched into $cache: $(tail -1 "$T/deb-src.log")"
    orig=$(ls "$cache/${pkg}"_*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -1)
    [ -n "$orig" ] || skip_test "apt-get source $pkg gave no upstream tarball in $cache"
  fi
  mkdir "$T/src" && tar -xf "$orig" -C "$T/src" || { fail "unpack $orig"; done_testing; }
  cd "$T"/src/*/ || { fail "no top directory in $orig"; done_testing; }
  [ "$MY_UID" -eq 0 ] && chown -R nobody:nogroup "$T"
  return 0
}

# union_capture_autoconf PKG [CONFIGURE-ARG...]: an autotools package from
# Debian (deb_upstream_tree) configured by nobody with --prefix=/usr/pkg
# (before stage is on PATH: its Makefile runs /usr/bin/install), built once
# (nice, -j2), then `make install` without DESTDIR compared by
# capture_vs_root: staged by nobody under --root --map /usr/pkg against root
# in a private mount namespace. Leaves $T/staged.list.
union_capture_autoconf() {
  local pkg=$1
  shift
  skip_unless_root_capture
  deb_upstream_tree "$pkg"
  as_nobody env HOME="$T" ./configure --prefix=/usr/pkg "$@" >"$T/configure.log" 2>&1
  expect_eq "$pkg: configure --prefix=/usr/pkg" 0 $?
  as_nobody nice make -j2 >"$T/build.log" 2>&1
  local rc=$?
  expect_eq "$pkg: build" 0 $rc
  [ $rc -eq 0 ] || tail -20 "$T/build.log" >&2
  capture_vs_root /usr/pkg make install
}
