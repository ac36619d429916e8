# Union capture: a plain Makefile that ignores DESTDIR (mkdir -p, cp, cat >,
# chmod, chown, cd && ln -s) installs into /usr/pkg as nobody under
# stage-run --root --map /usr/pkg; the stage equals a root install and the
# host never sees /usr/pkg.
. "$STAGE_SOURCE/tests/lib.sh"
umask 022
skip_unless_root_capture
mkdir "$T/src" && cd "$T/src"
printf '#!/bin/sh\necho prog\n' >prog
echo "setting=1" >x
# The archive says who owns its files (the build user is root inside the
# namespace but nobody outside: an archive made during the build would differ).
tar --owner=games --group=games -cf games.tar x
cat >Makefile <<'MK'
prefix = /usr/pkg
install:
	mkdir -p $(prefix)/bin $(prefix)/etc $(prefix)/share/doc/prog
	cp prog $(prefix)/bin/prog
	chmod 755 $(prefix)/bin/prog
	cat x > $(prefix)/etc/prog.conf
	chmod 600 $(prefix)/etc/prog.conf
	chown games $(prefix)/etc/prog.conf
	touch $(prefix)/share/doc/prog/README
	cd $(prefix)/bin && ln -sf prog alias
	cd $(prefix)/share/doc/prog && tar -xpf $(CURDIR)/games.tar
	/bin/chmod 2711 $(prefix)/bin/prog
MK
chown -R nobody:nogroup "$T"
capture_vs_root /usr/pkg make install DESTDIR=
check "the owner set by chown is recorded" grep -q '^/usr/pkg/etc/prog.conf file 0600 games root ' "$T/staged.list"
check "the setgid mode set by /bin/chmod is recorded" grep -q '^/usr/pkg/bin/prog file 2711 root root ' "$T/staged.list"
check "the symlink made in the prefix is in the stage" test -L "$T/stage/usr/pkg/bin/alias"
done_testing
