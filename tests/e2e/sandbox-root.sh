# stage-run --sandbox --root (issues 12 and 11): every threat block of
# e2e/sandbox, as root and as nobody, under --sandbox --root: the read-only
# host, private /tmp and /var/tmp, minimal /dev, hidden homes, PID namespace
# with its reaper, network and UTS namespaces, rlimits and the audit row all
# apply while the build is root of its user namespace; and a captured prefix
# (--map) is a writable tree inside the sandbox.
SANDBOX_EXTRA=--root
. "$STAGE_SOURCE/tests/e2e/sandbox.sh"
