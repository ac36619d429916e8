# mkdir -m and the umask, against GNU mkdir (coreutils tests/mkdir/perm.sh,
# special-1.sh, parents.sh): the directory's mode and, with -p, its parents'.
. "$STAGE_SOURCE/tests/lib.sh"

s_none() { :; }
# perm.sh's table: umask, -m, then (with -p) the parent's mode too.
for u in 000 077 050 160 022 027 002 777; do
  gnu_vs_ours "umask $u: modes" sh s_none -c '
    umask '"$u"'
    mkdir plain; mkdir -p p/sub
    for m in 016 312 743 o-w =+x =+X u=rwx,g=rx,o=w,-s,+t 1777 2755 755 0 a=rwx g+s u+s,g+s o+t; do
      mkdir -m "$m" "m_$m" || echo "status $? for $m"
      mkdir -p -m "$m" "pm_$m/sub" || echo "status $? for -p $m"
    done'
done
gnu_vs_ours "special-1.sh" sh s_none -c '
  mkdir -m u=rwx,g=rx,o=w,-s,+t t && mkdir -m u=rwx,g=rx,o=w,-s,+t t2/sub; mkdir --parents -mu=rwx,g=rx,o=w,-s,+t t3/sub'
# Inside a setgid directory new directories inherit the bit; -m keeps it
# unless the mode says otherwise.
s_setgid() { mkdir -m 2775 sg; }
gnu_vs_ours "in a setgid directory" sh s_setgid -c '
  cd sg && mkdir a && mkdir -m 755 b && mkdir -m 0755 c && mkdir -m 00755 d && mkdir -m g-s e && mkdir -p f/g'
gnu_vs_ours "-p keeps an existing directory's mode" sh s_none -c 'mkdir -m 700 e && mkdir -p -m 755 e'

done_testing
