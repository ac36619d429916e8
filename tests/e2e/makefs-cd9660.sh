# makefs: the mtree export of the bundled example, staged by nobody, feeds
# NetBSD's makefs -F (Debian's makefs) as nobody; the cd9660 image with Rock
# Ridge, listed by bsdtar, has the recorded owners and modes. makefs needs
# the target's databases (-N: master.passwd and group) for every name.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
command -v makefs >/dev/null || { echo "skip: makefs missing (Debian package makefs)"; exit 77; }
build_example
mkdir -m 755 "$T/db"
printf 'root:*:0:0::0:0:root:/root:/bin/sh\ngames:*:7:13::0:0:games:/:/bin/sh\npkgsvc:*:901:901::0:0:svc:/:/bin/sh\n' >"$T/db/master.passwd"
printf 'root:*:0:\nwheel:*:0:\ngames:*:13:\npkgsvc:*:901:\n' >"$T/db/group"
awk -F: '{print $1":"$2":"$3":"$4":"$8":"$9":"$10}' "$T/db/master.passwd" >"$T/db/passwd"
chmod 644 "$T"/db/*
mkdir -m 777 "$T/out"
as_nobody env STAGE_PASSWD="$T/db/passwd" STAGE_GROUPFILE="$T/db/group" \
  "$STAGE_BIN/stage-ls" --destdir "$DEST" --format mtree >"$T/out/spec"
expect_eq "stage-ls --format mtree exits 0" 0 $?
as_nobody makefs -t cd9660 -o rockridge -N "$T/db" -F "$T/out/spec" "$T/out/hello.iso" "$DEST" >"$T/makefs.out" 2>&1
rc=$?
expect_eq "makefs -t cd9660 -o rockridge -F SPEC exits 0" 0 $rc
[ $rc -eq 0 ] || cat "$T/makefs.out" >&2
bsdtar -tvf "$T/out/hello.iso" 2>/dev/null | sed 's| \./| |' >"$T/list"
row() { awk -v p="$1" '$NF == p {print $1, $3, $4}' "$T/list"; }
expect_eq "image: setuid root" "-rwsr-xr-x 0 0" "$(row usr/pkg/bin/hello)"
expect_eq "image: setgid games" "-rwxr-sr-x 0 13" "$(row usr/pkg/bin/hello-scores)"
expect_eq "image: sticky spool" "drwxrwxrwt 0 0" "$(row var/spool/hello)"
expect_eq "image: games directory" "drwxrwxr-x 7 13" "$(row var/games/hello)"
expect_eq "image: games scores" "-rw-rw-r-- 7 13" "$(row var/games/hello/scores)"
expect_eq "image: service account" "-rw-r----- 901 901" "$(row usr/pkg/etc/hello/hello.conf)"
expect_eq "image: service directory" "drwxr-x--- 901 901" "$(row var/db/hello)"
expect_eq "nothing in the image is nobody's" "" "$(awk '$3 == 65534 || $4 == 65534' "$T/list")"
check "content is the stage's" sh -c "bsdtar -xOf '$T/out/hello.iso' usr/pkg/etc/hello/hello.conf | cmp -s - '$DEST/usr/pkg/etc/hello/hello.conf'"
done_testing
