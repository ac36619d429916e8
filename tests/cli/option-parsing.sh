# install and mkdir parse their command lines as GNU's getopt_long does:
# permutation, abbreviated and glued options, "--", unknown options.
. "$STAGE_SOURCE/tests/lib.sh"

s_files() { echo one > f; echo two > g; mkdir d; }
s_none() { :; }

gnu_vs_ours_each "install option parsing" s_files \
  'install f d -m 600' \
  'install f -m 640 g d' \
  'install -Dm644 f a/b/c' \
  'install -m755 f h' \
  'install -vm 600 f h' \
  'install -Cv f h' \
  'install --mode=755 f h' \
  'install --mode 700 f h' \
  'install --verb f h' \
  'install --mo=600 f h' \
  'install --target=d f g' \
  'install --dir x/y' \
  'install --no-t f h' \
  'install -t d f g' \
  'install -td f g' \
  'install -T f h' \
  'install -T f d' \
  'install -X f h' \
  'install --frobnicate f h' \
  'install --pre f h' \
  'install f h -m' \
  'install f h --mode' \
  'install --verbose=yes f h' \
  'install' \
  'install f' \
  'install -T f g h' \
  'install -t d -t d f' \
  'install -T -t d f' \
  'install -d -t d x' \
  'install -d -s x' \
  'install -C -p f h' \
  'install -C -s f h' \
  'install --strip-program=true f h' \
  'install --backup=sometimes f g' \
  'install --backup=num f g' \
  'install -c f h' \
  'install -Z f h' \
  'install --context f h'
# "--" ends the options: "-m" after it is a file name.
s_dash() { echo x > -m; mkdir d; }
gnu_vs_ours_each "install: -- ends the options" s_dash \
  'install -- -m d' \
  'install d -- -m' \
  'install -m 644 -- -m d'
gnu_vs_ours_each "mkdir option parsing" s_none \
  'mkdir a b -m 700' \
  'mkdir -pm 750 x/y' \
  'mkdir --pa x/y --verb' \
  'mkdir --mode=a=rx,u+w z' \
  'mkdir -- -p' \
  'mkdir -q a' \
  'mkdir --parent-mode a' \
  'mkdir -p' \
  'mkdir a -m' \
  'mkdir -Z a' \
  'mkdir --context a'
# The batches above really run our drop-ins on one side.
check "the PATH lookup in batches finds our drop-in" sh -c "PATH='$D:\$PATH' install --version | grep -q stage"

# --version: GNU's first line exactly (autoconf's AC_PROG_MKDIR_P reads it),
# stage named on a later line.
for t in mkdir install ln chmod chown chgrp; do
  expect_eq "$t --version's first line is GNU's" "$(/usr/bin/$t --version | head -1)" \
    "$("$D/$t" --version | head -1)"
  check "$t --version names stage on its second line" sh -c "'$D/$t' --version | sed -n 2p | grep -q '^stage '"
done
# autoconf 2.69's test: the first line starts 'mkdir (GNU coreutils) '.
case $("$D/mkdir" --version | head -1) in
  'mkdir (GNU coreutils) '*) pass "autoconf 2.69's AC_PROG_MKDIR_P accepts our mkdir" ;;
  *) fail "autoconf 2.69's AC_PROG_MKDIR_P accepts our mkdir" ;;
esac
# ... matched with autoconf 2.71's own AC_PROG_MKDIR_P pattern.
case $("$D/mkdir" --version 2>&1) in
  'mkdir ('*'coreutils) '*) pass "AC_PROG_MKDIR_P accepts our mkdir" ;;
  *) fail "AC_PROG_MKDIR_P accepts our mkdir" ;;
esac
check "--help exits 0" "$D/install" --help >/dev/null
check "--version exits 0" "$D/mkdir" --version >/dev/null

# Called by an absolute path, messages carry that path, as GNU's do.
(cd "$T" && /usr/bin/install -X 2>"$T/gnu.abs"; "$D/install" -X 2>"$T/ours.abs") || true
expect_eq "absolute argv[0] in every message" "$(sed "s|/usr/bin/install|PROG|g" "$T/gnu.abs")" \
  "$(sed "s|$D/install|PROG|g" "$T/ours.abs")"
(cd "$T" && LC_ALL=C /usr/bin/install nope x 2>"$T/gnu.abs"; LC_ALL=C "$D/install" nope x 2>"$T/ours.abs") || true
expect_eq "absolute argv[0] in operand errors" "$(sed "s|/usr/bin/install|PROG|g" "$T/gnu.abs")" \
  "$(sed "s|$D/install|PROG|g" "$T/ours.abs")"

done_testing
