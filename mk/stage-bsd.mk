# stage-bsd.mk: BSD make (bmake) fragment that stages `make install` of a
# project using the BSD mk files (prog.mk, lib.mk, man.mk: BINOWN, BINGRP,
# BINMODE ...) through stage's drop-ins, without editing the project.
#
#   bmake install DESTDIR=/path/to/stage MAKECONF=PREFIX/share/stage/mk/stage-bsd.mk
#
# The mk files' own.mk reads ${MAKECONF} before it sets INSTALL?= install, so
# INSTALL here wins; or `.include` this file at the top of a Makefile.

STAGE_DROPINS?=	${.PARSEDIR:tA}/../../../libexec/stage/bin
INSTALL=	${STAGE_DROPINS}/install
INSTALL_INFO?=	${STAGE_DROPINS}/install-info
LN?=		${STAGE_DROPINS}/ln

.if !empty(DESTDIR)
STAGE_DESTDIR?=	${DESTDIR:tA}
.endif
.if !empty(STAGE_DESTDIR)
STAGE_PASSTHROUGH?=	/tmp:/var/tmp:/dev:/proc:${.CURDIR}
.export STAGE_DESTDIR STAGE_PASSTHROUGH
.if empty(PATH:M${STAGE_DROPINS}*)
PATH:=		${STAGE_DROPINS}:${PATH}
.export PATH
.endif
.endif
