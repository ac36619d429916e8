// package_lists: the stage as the file lists of rpm (rpmbuild's `%files -f`)
// and FreeBSD pkg (a plist for pkg-create(8)), owners and modes included.
#pragma once

#include <string>
#include <vector>

#include "stage/exports.h"
#include "stage/plist_export.h"

namespace stage {

/// rpmbuild's `%files -f FILE`: "%defattr(-,root,root,-)", then one line per
/// entry in path order, its path double-quoted ('%' doubled):
/// `%attr(MODE,USER,GROUP)` where rpm's defaults (root:root, the mode on
/// disk) are not the recorded truth ('-' for a mode that is), `%dir` for the
/// directories the package owns (package_owns_dir(), with `prefix`; others
/// are left out), `%config(noreplace)` for the paths in `config`, and
/// `%dev(c|b,MAJOR,MINOR)` for devices. Left out with a warning: names rpm
/// cannot take (a newline, '"', '\' or a glob character `*?[]{}`), sockets.
TextExport format_rpm(const std::vector<ListedEntry>& entries, ExportContext& ctx, const std::string& prefix,
                      const std::vector<std::string>& config);

/// A FreeBSD pkg plist relative to `prefix` (absolute paths outside it):
/// `@(OWNER,GROUP,MODE) path` for every file, hard link and symlink and
/// `@dir(OWNER,GROUP,MODE) path` for every directory the package owns
/// (package_owns_dir()), the recorded owner, group and mode (octal) each
/// time. Left out with a warning: names with a newline or a leading '@',
/// sockets, fifos and devices (pkg packs none).
TextExport format_freebsd(const std::vector<ListedEntry>& entries, ExportContext& ctx, const std::string& prefix);

}  // namespace stage
