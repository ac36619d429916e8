# install and mkdir parse their command lines as GNU's getopt_long does:
# permutation, abbreviated and glued options, "--", unknown options.
. "$STAGE_SOURCE/tests/lib.sh"

s_files() { echo one > f; echo two > g; mkdir d; }
s_none() { :; }

# Permutation: options after operands still count.
gnu_vs_ours "options after operands" install s_files f d -m 600
gnu_vs_ours "option between operands" install s_files f -m 640 g d
# Glued short options and attached arguments.
gnu_vs_ours "-Dm644 glued" install s_files -Dm644 f a/b/c
gnu_vs_ours "-m755 attached" install s_files -m755 f h
gnu_vs_ours "-vm 600 cluster" install s_files -vm 600 f h
gnu_vs_ours "-Cv cluster" install s_files -Cv f h
# Long options, with = and as a separate word, and abbreviated.
gnu_vs_ours "--mode=755" install s_files --mode=755 f h
gnu_vs_ours "--mode 700" install s_files --mode 700 f h
gnu_vs_ours "--verb abbreviates --verbose" install s_files --verb f h
gnu_vs_ours "--mo= abbreviates --mode" install s_files --mo=600 f h
gnu_vs_ours "--target abbreviates --target-directory" install s_files --target=d f g
gnu_vs_ours "--dir abbreviates --directory" install s_none --dir x/y
gnu_vs_ours "--no-t abbreviates --no-target-directory" install s_files --no-t f h
# -t DIR, attached and separate; -T.
gnu_vs_ours "-t DIR" install s_files -t d f g
gnu_vs_ours "-tDIR" install s_files -td f g
gnu_vs_ours "-T onto a new name" install s_files -T f h
gnu_vs_ours "-T onto a directory fails" install s_files -T f d
# "--" ends the options: "-m" after it is a file name.
s_dash() { echo x > -m; mkdir d; }
gnu_vs_ours "-- ends options" install s_dash -- -m d
gnu_vs_ours "POSIXLY_CORRECT-free permutation of -- " install s_dash d -- -m
# Errors of the parser itself.
gnu_vs_ours "unknown short option" install s_files -X f h
gnu_vs_ours "unknown long option" install s_files --frobnicate f h
gnu_vs_ours "ambiguous abbreviation" install s_files --pre f h
gnu_vs_ours "missing option argument" install s_files f h -m
gnu_vs_ours "long option missing argument" install s_files f h --mode
gnu_vs_ours "argument to a flag option" install s_files --verbose=yes f h
gnu_vs_ours "no operands" install s_none
gnu_vs_ours "one operand" install s_files f
gnu_vs_ours "-T with three operands" install s_files -T f g h
gnu_vs_ours "two -t" install s_files -t d -t d f
gnu_vs_ours "-t with -T" install s_files -T -t d f
gnu_vs_ours "-d with -t" install s_files -d -t d x
gnu_vs_ours "-d with -s" install s_files -d -s x
gnu_vs_ours "-C with -p" install s_files -C -p f h
gnu_vs_ours "-C with -s" install s_files -C -s f h
gnu_vs_ours "--strip-program without -s warns" install s_files --strip-program=true f h
gnu_vs_ours "--backup with a bad word" install s_files --backup=sometimes f g
gnu_vs_ours "--backup with an abbreviated word" install s_files --backup=num f g

# mkdir.
gnu_vs_ours "mkdir: options after operands" mkdir s_none a b -m 700
gnu_vs_ours "mkdir: -pm glued" mkdir s_none -pm 750 x/y
gnu_vs_ours "mkdir: --pa --verb" mkdir s_none --pa x/y --verb
gnu_vs_ours "mkdir: --mode=" mkdir s_none --mode=a=rx,u+w z
gnu_vs_ours "mkdir: -- then a dash name" mkdir s_none -- -p
gnu_vs_ours "mkdir: unknown option" mkdir s_none -q a
gnu_vs_ours "mkdir: unknown long option" mkdir s_none --parent-mode a
gnu_vs_ours "mkdir: missing operand" mkdir s_none -p
gnu_vs_ours "mkdir: -m without argument" mkdir s_none a -m

# --version: the first line that autoconf's AC_PROG_MKDIR_P looks for.
expect_eq "mkdir --version names coreutils" "mkdir (stage: drop-in for GNU coreutils) " \
  "$("$D/mkdir" --version | head -1 | sed 's/[^ ]*$//')"
expect_eq "install --version names coreutils" "install (stage: drop-in for GNU coreutils) " \
  "$("$D/install" --version | head -1 | sed 's/[^ ]*$//')"
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
