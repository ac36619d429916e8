# mkdir and mkdir -p against GNU mkdir: parents, existing directories,
# dots, trailing slashes, symlinks, -v (coreutils tests/mkdir/p-*.sh, t-slash).
. "$STAGE_SOURCE/tests/lib.sh"

s_none() { :; }
s_some() { mkdir -p a/b; echo x > f; ln -s . slink; ln -s a alink; ln -s nowhere dangling; }
gnu_vs_ours_each "plain and -p" s_none \
  'mkdir a' \
  'mkdir a b c' \
  'mkdir -p a/b/c'
gnu_vs_ours_each "-p with existing directories" s_some \
  'mkdir -p a/b' \
  'mkdir -p a/b/c/d' \
  'mkdir -pv a/b/c/d'
gnu_vs_ours "-pv five levels (p-v.sh)" mkdir s_none -pv foo/a/b/c/d
gnu_vs_ours "-p absolute (p-1.sh, p-2.sh)" sh s_none -c 'mkdir --parents "$PWD/t/u"'
gnu_vs_ours_each "dots and trailing slashes (t-slash.sh)" s_none \
  'mkdir -p a/./b/../c ./d/. e/..' \
  'mkdir -p dir/ x//y//' \
  'mkdir d2/'
gnu_vs_ours_each "symlinks (p-thru-slink.sh), existing names" s_some \
  'mkdir -p slink/x' \
  'mkdir -p alink/new/deep' \
  'mkdir -p alink' \
  'mkdir -p dangling' \
  'mkdir a'
gnu_vs_ours "missing parent without -p" mkdir s_none x/y
gnu_vs_ours "-v" mkdir s_none -v a b
gnu_vs_ours_each "files in the way" s_some \
  'mkdir -p f/x' \
  'mkdir -p f' \
  'mkdir f/x' \
  'mkdir a new f/x other'
gnu_vs_ours_each "dot, dot-dot and empty names (p-slashdot.sh)" s_none \
  'mkdir -p .' \
  'mkdir -p d1/. d2/.. d3/./x/..' \
  'mkdir .'
gnu_vs_ours "empty name" mkdir s_none ''
gnu_vs_ours "-p empty name" mkdir s_none -p ''
s_ro() { mkdir ro; chmod 555 ro; }
RUNAS=as_nobody gnu_vs_ours "as nobody: unwritable parent" mkdir s_ro ro/x
RUNAS=as_nobody gnu_vs_ours "as nobody: -p unwritable parent" mkdir s_ro -p ro/x/y
# p-3.sh: an inaccessible working directory does not stop absolute operands.
s_noaccess() { mkdir no-access; }
RUNAS=as_nobody gnu_vs_ours "as nobody: -p from an inaccessible directory (p-3.sh)" sh s_noaccess -c \
  'p=$PWD; cd no-access && chmod 0 . && mkdir -p "$p/a/b" u/v; echo "status $?"; chmod 755 .'

done_testing
