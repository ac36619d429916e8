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
///     cd -- "${1:-/the/stage}"
///     command -p rm -f -- ./dev/null                    (devices, see below)
///     command -p mknod ./dev/null c 1 3
///     chown -h 0:0 -- . ./usr './a b' ...                (every entry)
///     chmod 4755 -- ./usr/bin/su ...                     (all but symlinks)
///     setcap cap_net_raw=ep ./usr/bin/ping               (recorded capabilities)
///
/// It works in the stage named by its first argument, else in `ctx.destdir`.
/// The root directory is `.`: default owner and group, mode 0755, as in the
/// fakeroot and mtree formats. Ids are numeric, as in the fakeroot format:
/// the target's (STAGE_PASSWD, STAGE_GROUPFILE), else placeholders
/// (prepare_ids(), IdUse::Numeric; ExportError with ctx.strict_ids). Every
/// chown comes before every chmod, because chown(2) clears setuid and setgid
/// bits; symlinks get `chown -h` and no chmod (chmod follows them); a hard
/// link's inode is named once (its first name in path order). Paths are
/// `./` plus the logical path, quoted by shell_word() where they need it (a
/// `'` as `'\''`), so any byte but NUL is safe, a newline included. Commands are grouped by owner or
/// mode, in order of the owner or mode, paths in path order, each at most
/// kShBatchBytes long. A device recorded over stage-run --root's placeholder
/// file is made with mknod first (faked by fakeroot, real as root). The
/// script stops at the first command that fails (`set -e`).
std::string format_sh(const std::vector<ListedEntry>& entries, ExportContext& ctx);

}  // namespace stage
