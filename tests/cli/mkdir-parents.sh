# mkdir and mkdir -p against GNU mkdir: parents, existing directories,
# dots, trailing slashes, symlinks, -v (coreutils tests/mkdir/p-*.sh, t-slash).
. "$STAGE_SOURCE/tests/lib.sh"

s_none() { :; }
s_some() { mkdir -p a/b; echo x > f; ln -s . slink; ln -s a alink; ln -s nowhere dangling; }
gnu_vs_ours "one directory" mkdir s_none a
gnu_vs_ours "several" mkdir s_none a b c
gnu_vs_ours "-p new parents" mkdir s_none -p a/b/c
gnu_vs_ours "-p existing" mkdir s_some -p a/b
gnu_vs_ours "-p partly existing" mkdir s_some -p a/b/c/d
gnu_vs_ours "-pv announces only what it makes" mkdir s_some -pv a/b/c/d
gnu_vs_ours "-pv five levels (p-v.sh)" mkdir s_none -pv foo/a/b/c/d
gnu_vs_ours "-p absolute (p-1.sh, p-2.sh)" sh s_none -c 'mkdir --parents "$PWD/t/u"'
gnu_vs_ours "-p dots" mkdir s_none -p a/./b/../c ./d/. e/..
gnu_vs_ours "-p trailing slash (t-slash.sh)" mkdir s_none -p dir/ x//y//
gnu_vs_ours "trailing slash (t-slash.sh)" mkdir s_none d2/
gnu_vs_ours "-p through a symlink to . (p-thru-slink.sh)" mkdir s_some -p slink/x
gnu_vs_ours "-p through a symlink" mkdir s_some -p alink/new/deep
gnu_vs_ours "-p onto a symlink to a directory" mkdir s_some -p alink
gnu_vs_ours "-p onto a dangling symlink" mkdir s_some -p dangling
gnu_vs_ours "existing without -p" mkdir s_some a
gnu_vs_ours "missing parent without -p" mkdir s_none x/y
gnu_vs_ours "-v" mkdir s_none -v a b
gnu_vs_ours "-p a file in the way" mkdir s_some -p f/x
gnu_vs_ours "-p onto a file" mkdir s_some -p f
gnu_vs_ours "a file in the way without -p" mkdir s_some f/x
gnu_vs_ours "one failure among successes" mkdir s_some a new f/x other
gnu_vs_ours "-p dot" mkdir s_none -p .
gnu_vs_ours "-p with /. and /.. (p-slashdot.sh)" mkdir s_none -p d1/. d2/.. d3/./x/..
gnu_vs_ours "dot" mkdir s_none .
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
