# stage-ls --format fakeroot, judged by fakeroot itself: a state file that
# `fakeroot -i FILE -- tar -cf OUT -C DESTDIR .` loads, so that the archive
# lists the recorded owners and modes. As nobody.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
build_stage

stage_ls --format fakeroot >"$T/state"
expect_eq "fakeroot export exits 0" 0 $?
check "faked's line format" grep -qE '^dev=[0-9a-f]+,ino=[0-9]+,mode=[0-7]+,uid=[0-9]+,gid=[0-9]+,nlink=[0-9]+,rdev=[0-9]+$' "$T/state"
expect_eq "every line in faked's format" "$(grep -c '' "$T/state")" \
  "$(grep -cE '^dev=[0-9a-f]+,ino=[0-9]+,mode=[0-7]+,uid=[0-9]+,gid=[0-9]+,nlink=[0-9]+,rdev=[0-9]+$' "$T/state")"
expect_eq "root first, default owner" "$(printf 'dev=%x,ino=%s,mode=40755,uid=0,gid=0' "$(stat -c %d "$DEST")" "$(stat -c %i "$DEST")")" \
  "$(head -1 "$T/state" | cut -d, -f1-5)"
# Hard links are one inode: one line.
expect_eq "one line per inode" "$(find "$DEST" -printf '%i\n' | sort -u | wc -l)" "$(grep -c '' "$T/state")"

cd "$T"
as_nobody fakeroot -i "$T/state" -- tar -cf "$T/fr.tar" -C "$DEST" .
expect_eq "fakeroot -i STATE -- tar exits 0" 0 $?
as_nobody tar --numeric-owner -tvf "$T/fr.tar" >"$T/list"
# tar walks in directory order: either name of the hard-linked pair may come first.
check "setuid root:wheel (0/0)" grep -qE '^[-h]rwsr-xr-x 0/0 .* \./usr/pkg/bin/hello( link to .*)?$' "$T/list"
check "setgid games (gid 13 of the target)" grep -q '^-rwxr-sr-x 0/13 .* \./usr/pkg/bin/hello-scores$' "$T/list"
check "service account 901" grep -q '^-rw-r----- 901/901 .* \./usr/pkg/etc/svc.conf$' "$T/list"
check "games dir 7/13 0775" grep -q '^drwxrwxr-x 7/13 .* \./var/games/hello/$' "$T/list"
check "0444 file" grep -q '^-r--r--r-- 0/0 .*new\\nline$' "$T/list"
check "untracked: default owner, on-disk mode" grep -q '^-rw-r--r-- 0/0 .* \./usr/pkg/share/doc/copied$' "$T/list"
check "the hard link stays a hard link" grep -qE '^hrwsr-xr-x 0/0 .* \./usr/pkg/bin/hello(-again)? link to \./usr/pkg/bin/hello(-again)?$' "$T/list"
check "the root is root's" grep -q '^drwxr-xr-x 0/0 .* \./$' "$T/list"
expect_eq "nothing in the archive is nobody's" "" "$(grep ' 65534/' "$T/list")"

# Names no database knows: placeholder ids from 2000000 up, the same id for
# the same name, one warning; --unknown-id N chooses; --strict-ids refuses.
as_builder "$D/install" -o stranger -g strangers -m 600 "$T/text" /usr/pkg/etc/stranger.conf
as_builder "$D/install" -o stranger -g wheel -m 600 "$T/text" /usr/pkg/etc/stranger2.conf
stage_ls --format fakeroot >"$T/state1" 2>"$T/ph.err"
expect_eq "unknown names: exit 0" 0 $?
expect_eq "unknown names: one warning with the ids" \
  "stage-ls: no database knows user 'stranger' and group 'strangers': given placeholder ids stranger=2000000, strangers=2000001 (--unknown-id N chooses one, --strict-ids refuses)" \
  "$(cat "$T/ph.err")"
as_nobody fakeroot -i "$T/state1" -- tar -cf "$T/fr1.tar" -C "$DEST" .
as_nobody tar --numeric-owner -tvf "$T/fr1.tar" >"$T/list1"
check "placeholder ids for the names" grep -q '^-rw------- 2000000/2000001 .* \./usr/pkg/etc/stranger.conf$' "$T/list1"
check "the same id for the same name" grep -q '^-rw------- 2000000/0 .* \./usr/pkg/etc/stranger2.conf$' "$T/list1"
check "placeholders are used by no host user" sh -c "! getent passwd 2000000 && ! getent group 2000001"
stage_ls --format fakeroot --strict-ids >"$T/none.out" 2>"$T/none.err"
check "--strict-ids: exit 1" test $? -eq 1
expect_eq "--strict-ids: no state written" "" "$(cat "$T/none.out")"
check "--strict-ids: listed" grep -q "no numeric id for user 'stranger'" "$T/none.err"
stage_ls --format fakeroot --unknown-id 3000 >"$T/state2" 2>/dev/null
as_nobody fakeroot -i "$T/state2" -- tar -cf "$T/fr2.tar" -C "$DEST" .
check "--unknown-id: the stranger gets 3000" sh -c "tar --numeric-owner -tvf '$T/fr2.tar' | grep -q '^-rw------- 3000/3000 .* ./usr/pkg/etc/stranger.conf\$'"
done_testing
