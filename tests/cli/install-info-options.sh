# install-info: texinfo 6.8's command line: options, usage errors, messages, exit status.
. "$STAGE_SOURCE/tests/lib.sh"
II=$D/install-info
H=$STAGE_SOURCE/tests/texinfo-ii
cp "$H/ii-0001-input-info-file" gnu.info
cp "$H/ii-0001-input-dir-file" dir

expect_eq "--version's first line is texinfo 6.8's" "install-info (GNU texinfo) 6.8" "$("$II" --version | head -1)"
if command -v install-info >/dev/null && install-info --version | head -1 | grep -q texinfo; then
  expect_eq "--version's first line is the host texinfo's" "$(install-info --version | head -1)" "$("$II" --version | head -1)"
fi
check "--version names stage on its second line" sh -c "'$II' --version | sed -n 2p | grep -q '^stage '"
expect_eq "--help starts with texinfo's usage" "Usage: install-info [OPTION]... [INFO-FILE [DIR-FILE]]" \
  "$("$II" --help | head -1)"
"$II" --vers >/dev/null; expect_eq "long options may be abbreviated" 0 $?

# getopt_long, not getopt_long_only: a single dash is a cluster of short options.
out=$("$II" -version 2>&1); rc=$?
expect_eq "-version is not --version" "1:$II: invalid option -- 'v'" "$rc:$(echo "$out" | head -1)"
expect_eq "usage errors end in texinfo's hint" "	Try \`install-info --help' for a complete list of options." \
  "$(echo "$out" | tail -1)"
out=$("$II" --align=0 gnu.info dir 2>&1); rc=$?
expect_eq "--align must be positive" "1:	Try \`install-info --help' for a complete list of options." "$rc:$out"
out=$("$II" --section 2>&1); rc=$?
expect_eq "missing argument" "1:$II: option '--section' requires an argument" "$rc:$(echo "$out" | head -1)"
out=$("$II" 2>&1); rc=$?
expect_eq "no Info file" "1:install-info: No input file specified; try --help for more information." "$rc:$out"
out=$("$II" gnu.info 2>&1); rc=$?
expect_eq "no dir file" "1:install-info: No dir file specified; try --help for more information." "$rc:$out"
out=$("$II" --dir-file=dir --info-dir=. gnu.info 2>&1); rc=$?
expect_eq "two dir files" "1:install-info: already have dir file: dir" "$rc:$(echo "$out" | head -1)"
out=$("$II" --regex='[' gnu.info dir 2>&1); rc=$?
expect_eq "bad --regex" "1:install-info: Error in regular expression \`[': Invalid regular expression" "$rc:$out"

# texinfo reports an excess argument and still succeeds.
out=$("$II" gnu.info dir extra 2>&1); rc=$?
expect_eq "excess argument is reported, status 0" "0:install-info: excess command line argument \`extra'" "$rc:$out"
check "and the entry went in" grep -q '^\* Gnu: (gnu)' dir

cp "$H/ii-0001-input-dir-file" dir
out=$("$II" --test --debug gnu.info dir); rc=$?
expect_eq "--test --debug says what it would do" "0:debug: reading dir file dir
debug: reading input file gnu.info
debug: writing dir file dir
test mode, not updating dir file dir" "$rc:$out"
check "--test changes nothing" cmp -s dir "$H/ii-0001-input-dir-file"

# --info-dir=D means D/dir; the Info file is found with a compression suffix.
mkdir info && gzip -c gnu.info > info/gnu.info.gz
"$II" --info-dir=info info/gnu.info; rc=$?
expect_eq "--info-dir creates D/dir" 0 $rc
check "with texinfo's header and the entry" grep -q '^\* Gnu: (gnu)' info/dir
check "  This (the Directory node) gives a menu of major topics." grep -q 'This is the top of the INFO tree' info/dir

# Debian's legacy two-argument --section.
cp "$H/ii-0037-input-dir-file" dir
"$II" --section '^Antlered Animals$' Animals "$H/ii-0037-input-info-file" dir
check "--section REGEX TITLE (ii-0037)" cmp -s dir "$H/ii-0037-expected-dir-file"

# INSTALL_INFO_NO_INDENT disables reformatting, like --no-indent.
cp "$H/ii-0011-input-dir-file" dir
INSTALL_INFO_NO_INDENT=1 "$II" "$H/ii-0011-input-info-file" dir
check "INSTALL_INFO_NO_INDENT acts as --no-indent (ii-0011)" cmp -s dir "$H/ii-0011-expected-dir-file"

# A writable dir file in a directory we may not write: texinfo rewrites it in
# place, and so do we (the atomic rename is not possible there).
chmod 755 "$T"
mkdir locked && cp "$H/ii-0001-input-dir-file" locked/dir && chmod 666 locked/dir && chmod 555 locked
as_nobody "$II" "$H/ii-0001-input-info-file" locked/dir
expect_eq "a writable dir file in a read-only directory is updated" 0 $?
check "  with texinfo's content" cmp -s locked/dir "$H/ii-0001-expected-dir-file"
# A dir file that is a symlink is written through it, like texinfo's fopen().
cp "$H/ii-0001-input-dir-file" target && ln -s target link
"$II" "$H/ii-0001-input-info-file" link
check "a symlinked dir file: the link stays, the target is updated" \
  sh -c "test -L link && cmp -s target '$H/ii-0001-expected-dir-file'"

check "no temporary file left" test -z "$(find . -name '.stage-tmp*')"
done_testing
