#!/bin/bash
# Comparison with fakeroot, measured on the same cases in the same run: each
# case's `make install` runs as an ordinary user under fakeroot (state saved
# with -s, read back with -i) and under stage-run; each result is compared,
# entry by entry (path, type, mode, owner, group, content), with the same
# Makefile installed by root (the reference). Prints, per case and tool, the
# entries that match the root install, and the wall time of the install.
# Needs root (for the reference and to run the builds as nobody), fakeroot,
# python3, and a build (scripts/build). Usage: bench/fakeroot_compare.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=$top/build/bin
CMP="python3 $top/tests/tools/tree_compare.py"
[ "$(id -u)" -eq 0 ] || { echo "fakeroot_compare: run as root (the reference is a root install)" >&2; exit 2; }
command -v fakeroot >/dev/null || { echo "fakeroot_compare: fakeroot is not installed" >&2; exit 2; }
w=$(mktemp -d /tmp/stage-fakeroot.XXXXXX)
chmod 755 "$w"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$w"' EXIT
as_user() { setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- env PATH=/usr/bin:/bin HOME="$w" "$@"; }

# The cases: each a directory with a Makefile whose `install` target honours
# DESTDIR, except no-destdir.
mkcase() { mkdir -p "$w/src/$1"; cat >"$w/src/$1/Makefile"; }
# The bundled example, without its service account pkgsvc: no host has it,
# so the root reference could not install it.
mkdir -p "$w/src/example" && cp -r "$top/examples/hello/." "$w/src/example/"
sed -i '/pkgsvc/d' "$w/src/example/Makefile"
mkcase chown-after <<'MK'
install:
	mkdir -p $(DESTDIR)/usr/pkg/bin $(DESTDIR)/usr/pkg/libexec
	install -m 4755 Makefile $(DESTDIR)/usr/pkg/bin/suid-then-chgrp
	chgrp games $(DESTDIR)/usr/pkg/bin/suid-then-chgrp
	install -m 2755 Makefile $(DESTDIR)/usr/pkg/libexec/sgid-then-chown
	chown daemon $(DESTDIR)/usr/pkg/libexec/sgid-then-chown
MK
mkcase setgid-dir <<'MK'
install:
	install -d -g games -m 2775 $(DESTDIR)/var/games/pkg
	mkdir -m 750 $(DESTDIR)/var/games/pkg/saves
	install -m 664 Makefile $(DESTDIR)/var/games/pkg/scores
MK
mkcase no-destdir <<'MK'
install:
	mkdir -p /usr/pkg/bin /usr/pkg/share/doc/nd
	install -m 755 Makefile /usr/pkg/bin/nd
	install -o root -g games -m 2755 Makefile /usr/pkg/bin/nd-games
	install -m 644 Makefile /usr/pkg/share/doc/nd/README
MK
hello=$(ls /var/cache/stage/deb-src/hello_2.10.orig.tar.gz 2>/dev/null)
if [ -n "$hello" ]; then
  tar -xf "$hello" -C "$w/src" && mv "$w/src/hello-2.10" "$w/src/autoconf-hello"
  (cd "$w/src/autoconf-hello" && ./configure --prefix=/usr/pkg >/dev/null && make -j2 >/dev/null 2>&1) ||
    echo "fakeroot_compare: GNU hello did not build; its case is left out" >&2
fi
(cd "$w/src/example" && make >/dev/null 2>&1)
chown -R nobody:nogroup "$w/src"

# score REFERENCE LISTING: "matching/total" entries of the reference.
score() {
  local total right
  total=$(wc -l <"$1")
  right=0
  [ -s "$2" ] && right=$(grep -cxFf "$2" "$1")
  echo "$right/$total"
}
now() { date +%s.%N; }

printf '%-14s %-9s %-10s %s\n' case tool right time_s
for dir in "$w"/src/*/; do
  case=$(basename "$dir")
  prefix=/usr/pkg; [ "$case" = example ] || [ "$case" = setgid-dir ] && prefix=/
  # Reference: root. no-destdir installs into the real /usr/pkg: a private
  # mount namespace with an overlay on /usr keeps the host untouched.
  if [ "$case" = no-destdir ]; then
    mkdir -p "$w/ovl-$case/u" "$w/ovl-$case/w"
    (cd "$dir" && unshare -m sh -c "mount -t overlay overlay -o lowerdir=/usr,upperdir=$w/ovl-$case/u,workdir=$w/ovl-$case/w /usr &&
      make install >/dev/null 2>&1 && $CMP snapshot / /usr/pkg") >"$w/$case.root"
  else
    (cd "$dir" && make install DESTDIR="$w/root-$case" >/dev/null 2>&1)
    $CMP snapshot "$w/root-$case" $prefix >"$w/$case.root"
  fi
  # fakeroot, as nobody.
  mkdir -m 777 "$w/fr-$case"
  t0=$(now)
  # The listing is taken in the same fakeroot session (what dpkg-deb or tar
  # would see there); the time is that of make install alone.
  (cd "$dir" && as_user fakeroot -- sh -c "make install DESTDIR='$w/fr-$case/d' >'$w/fr-$case/log' 2>&1; echo \$? >'$w/fr-$case/rc'
    date +%s.%N >'$w/fr-$case/t1'; $CMP snapshot '$w/fr-$case/d' $prefix" >"$w/$case.fakeroot" 2>/dev/null)
  frc=$(cat "$w/fr-$case/rc")
  t1=$(cat "$w/fr-$case/t1")
  [ "$case" = no-destdir ] && : >"$w/$case.fakeroot"  # it wrote nothing into DESTDIR (or failed)
  printf '%-14s %-9s %-10s %.2f%s\n' "$case" fakeroot "$(score "$w/$case.root" "$w/$case.fakeroot")" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')" \
    "$([ $frc -ne 0 ] && echo "  (make install failed: $(grep -m1 -o '[^:]*: [^:]*: [A-Z][a-z ]*' "$w/fr-$case/log"))")"
  # stage, as nobody.
  mkdir -m 777 "$w/st-$case"
  t0=$(now)
  if [ "$case" = no-destdir ]; then
    (cd "$dir" && as_user "$BIN/stage-run" -q --destdir "$w/st-$case/d" -- env -u DESTDIR make install >"$w/st-$case.log" 2>&1)
  else
    (cd "$dir" && as_user "$BIN/stage-run" -q --destdir "$w/st-$case/d" -- make install >"$w/st-$case.log" 2>&1)
  fi
  src=$?
  t1=$(now)
  as_user "$BIN/stage-ls" --destdir "$w/st-$case/d" --format mtree >"$w/st-$case.mtree" 2>/dev/null
  $CMP mtree "$w/st-$case.mtree" "$w/st-$case/d" $prefix >"$w/$case.stage"
  printf '%-14s %-9s %-10s %.2f%s\n' "$case" stage "$(score "$w/$case.root" "$w/$case.stage")" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')" \
    "$([ $src -ne 0 ] && echo "  (make install failed)")"
  if [ -n "${VERBOSE:-}" ]; then
    diff "$w/$case.root" "$w/$case.fakeroot" | sed 's/^/    fakeroot /'
    diff "$w/$case.root" "$w/$case.stage" | sed 's/^/    stage /'
  fi
done
