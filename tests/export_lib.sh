# Helpers for the export tests (stage-ls formats, stage-pack): a stage built
# the way a package's `make install` builds one, by nobody, through the
# drop-ins, with names that need encoding, a hard link, symlinks, an empty
# directory, setid files, specially owned files and one untracked file.
# Source after lib.sh.

# The target system's databases (as NetBSD's would be): ids unlike the host's.
write_target_db() {
  cat >"$T/passwd" <<'PW'
root:*:0:0:Charlie &:/root:/bin/sh
games:*:7:13:& pseudo-user:/usr/games:/sbin/nologin
pkgsvc:*:901:901:service:/nonexistent:/sbin/nologin
PW
  cat >"$T/group" <<'GR'
wheel:*:0:root
games:*:13:
pkgsvc:*:901:
GR
  # NetBSD's mtree -N wants master.passwd and group in one directory.
  mkdir -p "$T/netbsd-db"
  awk -F: '{print $1":"$2":"$3":"$4"::0:0:"$5":"$6":"$7}' "$T/passwd" >"$T/netbsd-db/master.passwd"
  cp "$T/group" "$T/netbsd-db/group"
}

# stage_env: the environment of a staged make install for this test.
stage_env() {
  echo STAGE_DESTDIR="$DEST" STAGE_PASSWD="$T/passwd" STAGE_GROUPFILE="$T/group" STAGE_OWNER=root STAGE_GROUP=wheel
}

# as_builder CMD...: runs CMD as nobody in the staging environment.
as_builder() {
  as_nobody env STAGE_DESTDIR="$DEST" STAGE_PASSWD="$T/passwd" STAGE_GROUPFILE="$T/group" \
    STAGE_OWNER=root STAGE_GROUP=wheel "$@"
}

# build_stage: makes $DEST (= $T/dest) and its database as nobody.
build_stage() {
  DEST=$T/dest
  write_target_db
  [ "$(id -u)" -eq 0 ] && chown nobody:nogroup "$T"
  as_nobody mkdir "$DEST" "$T/src"
  printf '#!/bin/sh\necho hello\n' >"$T/hello.sh"
  printf 'plain text\n' >"$T/text"
  printf '0\n' >"$T/score"
  chmod 644 "$T/hello.sh" "$T/text" "$T/score"
  as_builder "$D/install" -d -m 755 /usr/pkg/bin /usr/pkg/share/doc /usr/pkg/etc
  as_builder "$D/install" -o root -g wheel -m 4755 "$T/hello.sh" /usr/pkg/bin/hello
  as_builder "$D/install" -g games -m 2755 "$T/hello.sh" /usr/pkg/bin/hello-scores
  as_builder "$D/install" -l h /usr/pkg/bin/hello /usr/pkg/bin/hello-again
  as_builder "$D/install" -l s /usr/pkg/bin/hello /usr/pkg/bin/hi
  as_builder "$D/install" -m 644 "$T/text" "/usr/pkg/share/doc/a file with spaces"
  as_builder "$D/install" -m 644 "$T/text" "/usr/pkg/share/doc/hash#name"
  as_builder "$D/install" -m 644 "$T/text" '/usr/pkg/share/doc/back\slash'
  as_builder "$D/install" -m 444 "$T/text" "/usr/pkg/share/doc/new
line"
  as_builder "$D/install" -o pkgsvc -g pkgsvc -m 640 "$T/text" /usr/pkg/etc/svc.conf
  as_builder "$D/mkdir" -p /usr/pkg/share/empty
  as_builder "$D/install" -d -o games -g games -m 775 /var/games/hello
  as_builder "$D/install" -o games -g games -m 664 "$T/score" /var/games/hello/score
  # Reached the stage without the tools: a plain cp and a plain ln -s.
  as_nobody cp "$T/text" "$DEST/usr/pkg/share/doc/copied"
  as_nobody ln -s ../share/doc/copied "$DEST/usr/pkg/bin/untracked-link"
}

# stage_ls ARGS...: stage-ls on the test stage as nobody.
stage_ls() { as_builder "$STAGE_BIN/stage-ls" --destdir "$DEST" "$@"; }

# build_example: the bundled example package (examples/hello: setuid root,
# setgid games, a sticky spool, games-owned scores, the service account
# pkgsvc no host has) staged by nobody with stage-run into $DEST = $T/dest,
# as scripts/demo does. Sets EX to the package's source directory.
build_example() {
  DEST=$T/dest
  EX=$T/hello
  cp -r "$STAGE_SOURCE/examples/hello" "$EX"
  [ "$(id -u)" -eq 0 ] && chown -R nobody:nogroup "$T"
  (cd "$EX" && as_nobody "$STAGE_BIN/stage-run" --destdir "$DEST" -- make install) >"$T/example.out" 2>&1 ||
    { cat "$T/example.out" >&2; fail "the example stages"; }
}

# expect_example_installed ROOT GAMES_UID GAMES_GID SERVICE_ID: the example's
# owners and modes as a package tool installed them under ROOT (games as the
# target knows it; pkgsvc as SERVICE_ID for both user and group).
expect_example_installed() {
  local r=$1 gu=$2 gg=$3 svc=$4
  st() { stat -c '%A %u:%g' "$r$1"; }
  expect_eq "installed: setuid root" "-rwsr-xr-x 0:0" "$(st /usr/pkg/bin/hello)"
  expect_eq "installed: setgid games" "-rwxr-sr-x 0:$gg" "$(st /usr/pkg/bin/hello-scores)"
  expect_eq "installed: sticky spool" "drwxrwxrwt 0:0" "$(st /var/spool/hello)"
  expect_eq "installed: games scores" "-rw-rw-r-- $gu:$gg" "$(st /var/games/hello/scores)"
  expect_eq "installed: service account" "-rw-r----- $svc:$svc" "$(st /usr/pkg/etc/hello/hello.conf)"
}
