# install, inactive: a destination that is the source under another name
# (coreutils 9.1 copy.c same_file_ok with install's unlink-before-open) and
# -v's line before a copy that then fails, as GNU 9.1 does.
. "$STAGE_SOURCE/tests/lib.sh"
s_links() { echo one >f1; echo two >f2; ln -s f1 s1; ln -s f1 s2; ln f1 h1; mkdir d; ln -s ../f1 d/s; }
gnu_vs_ours_each "same file" s_links \
  'install f1 s1' \
  'install -v f1 s1' \
  'install f2 s1' \
  'install s2 s1' \
  'install f1 h1' \
  'install -v h1 f1' \
  'install f1 ./f1' \
  'install f1 f1' \
  'install s1 f1' \
  'install -v s1 h1' \
  'install f1 d/s' \
  'install -b f1 s1' \
  'install -C f1 s1' \
  'install -t d f1' \
  'install -D f1 d/s'
gnu_vs_ours_each "will not overwrite a file this run created" s_links \
  'install -v f1 f1 d' \
  'install -v f1 ./f1 d' \
  'install -Dv -t d f1 f2 f1' \
  'install -v f1 h1 d'
gnu_vs_ours_each "-v says its line before a copy that fails" s_links \
  'install -v -D f1 nd/' \
  'install -p -v f2 newdir/sub/n4' \
  'install -v f1 nod/x' \
  'install -v f1 f2 nod' \
  'install -v -t nod f1' \
  'install -v f1 f1/x' \
  'install -v missing x' \
  'install -v d x' \
  'install -v f1 d/' \
  'install -v f1 x/'
# Where GNU loses data we keep it: the same symlink as source and destination.
cd "$T" && mkdir keep && cd keep && s_links
out=$(PATH="$D:$PATH" LC_ALL=C install -v s1 s1 2>&1); rc=$?
expect_eq "install -v s1 s1 (one symlink twice) fails" 1 "$rc"
expect_eq "  saying so" "install: 's1' and 's1' are the same file" "$out"
check "  and keeps s1" test -L s1
done_testing
