# Reconciliation (SPEC "What is recorded"): stage-ls and stage-pack join the
# stage on disk with the records. A file renamed by mv keeps its record; a
# recorded file that is gone is dropped from the listing and shown by
# --missing; a file that reached the stage some other way is untracked:
# default owner and group, on-disk mode, flagged, listed by --untracked.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
build_stage

stage_ls --untracked >"$T/untracked"
expect_eq "--untracked lists the cp'd file and the ln -s'd link" \
  "$(printf '/usr/pkg/bin/untracked-link\n/usr/pkg/share/doc/copied')" "$(cat "$T/untracked")"
stage_ls >"$T/ls0"
check "ls flags untracked entries, default owner, on-disk mode" grep -qE '^-rw-r--r-- root +wheel .* /usr/pkg/share/doc/copied  \[untracked\]$' "$T/ls0"
stage_ls --missing >"$T/missing0"
expect_eq "--missing: nothing gone yet" "" "$(cat "$T/missing0")"

# mv (a tool outside the suite) renames the setuid binary and the service config.
as_nobody mv "$DEST/usr/pkg/bin/hello-scores" "$DEST/usr/pkg/bin/hello-games"
as_nobody mv "$DEST/usr/pkg/etc/svc.conf" "$DEST/usr/pkg/etc/svc.conf.sample"
stage_ls >"$T/ls"
check "renamed: keeps its record (setgid games)" grep -q '^-rwxr-sr-x root *games .* /usr/pkg/bin/hello-games$' "$T/ls"
check "renamed: keeps its record (pkgsvc 0640)" grep -q '^-rw-r----- pkgsvc *pkgsvc .* /usr/pkg/etc/svc.conf.sample$' "$T/ls"
expect_eq "renamed: not untracked" "" "$(grep 'hello-games.*untracked' "$T/ls")"
expect_eq "renamed: the old name is not missing" "" "$(stage_ls --missing)"
stage_ls --format json /usr/pkg/bin/hello-games >"$T/renamed.json"
check "json says renamed, from where" grep -q '"status":"renamed".*"recorded_path":"/usr/pkg/bin/hello-scores"' "$T/renamed.json"
as_builder "$STAGE_BIN/stage-pack" --destdir "$DEST" -o "$T/after-mv.tar" 2>/dev/null
check "stage-pack too: the renamed file keeps its owner and mode" sh -c \
  "tar -tvf '$T/after-mv.tar' | grep -q '^-rwxr-sr-x root/games .* usr/pkg/bin/hello-games\$'"

# rm: the record is dropped from every export and listed by --missing.
as_nobody rm "$DEST/var/games/hello/score"
expect_eq "--missing lists the removed file" "/var/games/hello/score" "$(stage_ls --missing)"
expect_eq "removed: not listed" "" "$(stage_ls | grep score)"
expect_eq "removed: not in the mtree" "" "$(stage_ls --format mtree | grep score)"
expect_eq "--missing stays until the file is back (stage-ls changes no record)" "/var/games/hello/score" "$(stage_ls --missing)"
expect_eq "--missing with a PATH outside it" "" "$(stage_ls --missing /usr)"

# A recorded file replaced by something else (a symlink) is untracked now.
as_nobody rm "$DEST/usr/pkg/share/doc/hash#name"
as_nobody ln -s copied "$DEST/usr/pkg/share/doc/hash#name"
check "replaced by a symlink: untracked" grep -qx '/usr/pkg/share/doc/hash#name' <(stage_ls --untracked)
check "replaced: its record is missing" grep -qx '/usr/pkg/share/doc/hash#name' <(stage_ls --missing)
done_testing
