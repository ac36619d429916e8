// sh_export: the stage's owners and modes as a POSIX sh script of chown and
// chmod commands, for packers that read them from the disk under their own
// fakeroot session (makepkg, whose fakeroot cannot load a state file).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "stage/exports.h"

namespace stage {

/// The longest command line format_sh() writes, in bytes: far below every
/// system's ARG_MAX (Linux 2 MiB, the BSDs 256 KiB and more), so a large
/// package takes a few hundred processes, not one per file.
inline constexpr size_t kShBatchBytes = 32 * 1024;

/// A POSIX sh script that gives the files of the stage the recorded owners,
/// groups, modes and file capabilities when it runs as root or under
/// fakeroot(1) (where the changes are faked and remembered, so a packer that
/// then reads the disk in that session, like makepkg's bsdtar, archives
/// them):
///
///     #!/bin/sh
///     set -e
///     if [ $# -gt 0 ]; then cd -- "$1"; else cd -- /the/stage; fi
///     command -p rm -f -- ./dev/null                 (devices, see below)
///     command -p mknod ./dev/null c 1 3
///     command -p chown -h 0:0 -- . ./usr './a b' ...  (every entry)
///     command -p chmod 4755 -- ./usr/bin/su ...       (all but symlinks)
///     setcap cap_net_raw=ep ./usr/bin/ping            (recorded capabilities)
///
/// It works in the stage named by its first argument, else in `ctx.destdir`.
/// `command -p` runs the system's own utilities, never a drop-in first on
/// PATH (a static binary: fakeroot's LD_PRELOAD cannot fake it); setcap,
/// outside the standard path on some systems, is looked up on PATH.
/// The root directory is `.`: default owner and group, mode 0755, as in the
/// fakeroot and mtree formats. Ids are numeric, as in the fakeroot format:
/// the target's (STAGE_PASSWD, STAGE_GROUPFILE), else placeholders
/// (prepare_ids(), IdUse::Numeric; ExportError with ctx.strict_ids). Every
/// chown comes before every chmod, because chown(2) clears setuid and setgid
/// bits, and capabilities come last (chown clears them too); symlinks get
/// `chown -h` and no chmod (chmod follows them); a hard link's inode is
/// named once (its first name in path order). Paths are `./` plus the
/// logical path, quoted by shell_word() where they need it (a `'` as
/// `'\''`), so any byte but NUL is safe, a newline included. Commands are
/// grouped by owner (in byte order of "UID:GID") or mode, paths in path
/// order, each line at most kShBatchBytes long. A device recorded over
/// stage-run --root's placeholder file is made with mknod first (faked by
/// fakeroot, real as root). The script stops at the first command that
/// fails (`set -e`).
std::string format_sh(const std::vector<ListedEntry>& entries, ExportContext& ctx);

}  // namespace stage
