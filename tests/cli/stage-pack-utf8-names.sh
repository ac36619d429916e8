# Names in a pack: UTF-8 names go without pax hdrcharset=BINARY (GNU tar
# warns about every such header), a name that is not UTF-8 keeps it and
# its bytes.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
build_stage
as_builder "$D/install" -m 644 "$T/text" "/usr/pkg/share/doc/café"
as_builder "$D/install" -m 644 "$T/text" "/usr/pkg/share/doc/日本語"
as_builder "$D/install" -m 644 "$T/text" "$(printf '/usr/pkg/share/doc/latin1-\351')"
mkdir -m 777 "$T/out"
as_builder "$STAGE_BIN/stage-pack" --destdir "$DEST" -o "$T/out/pkg.tar" 2>/dev/null
expect_eq "stage-pack exits 0" 0 $?
LC_ALL=C.UTF-8 tar -tvf "$T/out/pkg.tar" >"$T/list" 2>"$T/tar.err"
expect_eq "GNU tar: one warning, for the one name that is not UTF-8" \
  "tar: Ignoring unknown extended header keyword 'hdrcharset'" "$(cat "$T/tar.err")"
check "GNU tar: the UTF-8 name" grep -q ' usr/pkg/share/doc/café$' "$T/list"
check "GNU tar: the CJK name" grep -q ' usr/pkg/share/doc/日本語$' "$T/list"
expect_eq "hdrcharset=BINARY once" 1 "$(grep -ac 'hdrcharset=BINARY' "$T/out/pkg.tar")"
mkdir -m 777 "$T/x"
as_nobody tar -xf "$T/out/pkg.tar" -C "$T/x" 2>/dev/null
check "the UTF-8 name extracts as its bytes" test -f "$T/x/usr/pkg/share/doc/café"
check "the Latin-1 name extracts as its bytes" test -f "$(printf "$T/x/usr/pkg/share/doc/latin1-\351")"
done_testing
