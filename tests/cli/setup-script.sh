# scripts/setup: run by a user without root or sudo it fails at once with a
# clear message and changes nothing; its privileged steps go through $SUDO.
. "$STAGE_SOURCE/tests/lib.sh"
[ "$MY_UID" -eq 0 ] || { echo "skip: needs root to run the script as nobody"; exit 77; }
cp -r "$STAGE_SOURCE/scripts" "$T/scripts"
chmod -R a+rX "$T/scripts"
# PATH without sudo, as on a machine where nobody has none.
mkdir "$T/nosudo"
for tool in sh dpkg-query awk id apt-get dirname; do p=$(command -v $tool) && ln -s "$p" "$T/nosudo/$tool"; done
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- env PATH="$T/nosudo" HOME=/nonexistent sh "$T/scripts/setup" </dev/null 2>&1); rc=$?
expect_eq "setup as nobody without sudo exits 1" 1 "$rc"
case $out in
  "setup: installing Debian packages needs root: run as root, or as a user with sudo"*) pass "it says why, first" ;;
  *) fail "it says why, first: [$out]" ;;
esac
expect_eq "it prints nothing else" 1 "$(printf '%s\n' "$out" | wc -l)"
# The privileged steps: apt-get and deb-src, each through $SUDO.
check "apt-get runs through \$SUDO" grep -q '^  \$SUDO apt-get update' "$T/scripts/setup"
check "deb-src runs through \$SUDO" grep -q '^\$SUDO "\$here/deb-src"' "$T/scripts/setup"
check "hello is fetched with the other sources" grep -q '^SOURCES=".*hello' "$T/scripts/setup"
# As root, it is a no-op on a machine it already set up (idempotent).
if sh "$T/scripts/setup" >"$T/root.log" 2>&1; then pass "setup as root succeeds"; else fail "setup as root: $(tail -3 "$T/root.log")"; fi
done_testing
