# install -o/-g: applied on the host like GNU (root may chown); in the stage
# recorded by name and/or id, never applied: the files belong to the user.
. "$STAGE_SOURCE/tests/lib.sh"

s_files() { echo x > f; mkdir d; }
if [ "$MY_UID" -eq 0 ]; then
  gnu_vs_ours "-o -g names" install s_files -o nobody -g nogroup f d
  gnu_vs_ours "-o -g numbers" install s_files -o 1234 -g 4321 f d
  gnu_vs_ours "-o +number" install s_files -o +1234 f d
  gnu_vs_ours "-d -o -g" install s_files -d -o nobody -g nogroup -m 2775 dd
  gnu_vs_ours "-o with a setuid mode" install s_files -o nobody -m 4755 f d
else
  skip_part "giving files away with -o/-g needs root"
fi
gnu_vs_ours "unknown owner name" install s_files -o no-such-user-x f d
gnu_vs_ours "unknown group name" install s_files -g no-such-group-x f d

# ---- Staged ----
new_stage
echo x > "$T/f"
I=$D/install
staged_nobody "$I" -D -o root -g root -m 4755 "$T/f" "$DESTDIR/usr/bin/suid"
staged_nobody "$I" -D -o games -m 664 "$T/f" "$DESTDIR/var/games/score"
staged_nobody "$I" -D -o pkgsvc -g pkgsvc -m 640 "$T/f" "$DESTDIR/etc/pkg.conf"
staged_nobody "$I" -d -o pkgsvc -m 750 "$DESTDIR/var/pkgsvc"
staged_nobody "$I" -D -o 4321 -g 1234 "$T/f" "$DESTDIR/opt/numeric"
staged_nobody "$I" -D "$T/f" "$DESTDIR/opt/default"
q() { sqlite3 -separator ' ' "$DESTDIR.stagedb" "select coalesce(uname,'-'),coalesce(uid,'-'),coalesce(gname,'-'),coalesce(gid,'-'),printf('%o',mode) from entries where path='$1'"; }
expect_eq "root:root 4755" "root 0 root 0 4755" "$(q /usr/bin/suid)"
expect_eq "games keeps its host id" "games $(id -u games) root 0 664" "$(q /var/games/score)"
expect_eq "an unknown name is recorded by name" "pkgsvc - pkgsvc - 640" "$(q /etc/pkg.conf)"
expect_eq "an unknown owner on a directory" "pkgsvc - root 0 750" "$(q /var/pkgsvc)"
expect_eq "numbers are recorded as ids" "- 4321 - 1234 755" "$(q /opt/numeric)"
expect_eq "no -o/-g: the defaults" "root 0 root 0 755" "$(q /opt/default)"
expect_eq "on disk everything belongs to the user" "" "$(find "$DESTDIR" ! -user nobody -print)"
expect_eq "on disk the user's group" "" "$(find "$DESTDIR" ! -group nogroup -print)"

# STAGE_STRICT=1: an unknown name is an error, as in GNU.
staged_nobody STAGE_STRICT=1 "$I" -D -o pkgsvc "$T/f" "$DESTDIR/strict/a" 2>"$T/err"
expect_eq "strict: unknown owner fails" 1 "$?"
expect_eq "strict: GNU's message" "$I: invalid user 'pkgsvc'" "$(cat "$T/err")"
staged_nobody STAGE_STRICT=1 "$I" -D -g pkgsvc "$T/f" "$DESTDIR/strict/b" 2>"$T/err"
expect_eq "strict: unknown group fails" "$I: invalid group 'pkgsvc'" "$(cat "$T/err")"
check "strict: nothing made" test ! -e "$DESTDIR/strict"
expect_eq "strict: nothing recorded" "" "$(db_rows "where path like '/strict%'")"
staged_nobody STAGE_STRICT=1 "$I" -D -o games -g games "$T/f" "$DESTDIR/strict/ok"
expect_eq "strict: known names still work" "file 755 games games" "$(db_row /strict/ok)"

# The target's databases: STAGE_PASSWD / STAGE_GROUPFILE name the ids.
printf 'root:x:0:0::/:/bin/sh\npkgsvc:x:501:502::/:/bin/false\n' >"$T/passwd"
printf 'wheel:x:0:\npkgsvc:x:502:\n' >"$T/group"
staged_nobody STAGE_PASSWD="$T/passwd" STAGE_GROUPFILE="$T/group" STAGE_GROUP=wheel STAGE_STRICT=1 \
  "$I" -D -o pkgsvc "$T/f" "$DESTDIR/target/svc"
expect_eq "target databases give the ids" "pkgsvc 501 wheel 0 755" "$(q /target/svc)"
staged_nobody STAGE_PASSWD="$T/passwd" STAGE_GROUPFILE="$T/group" STAGE_STRICT=1 \
  "$I" -D -o games "$T/f" "$DESTDIR/target/games" 2>"$T/err"
expect_eq "a host name unknown to the target is unknown" "$I: invalid user 'games'" "$(cat "$T/err")"
staged_nobody STAGE_OWNER=bin STAGE_GROUP=bin "$I" -D "$T/f" "$DESTDIR/target/defaults"
expect_eq "STAGE_OWNER and STAGE_GROUP are the defaults" "bin $(id -u bin) bin $(getent group bin | cut -d: -f3) 755" \
  "$(q /target/defaults)"

done_testing
