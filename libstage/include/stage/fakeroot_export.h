// fakeroot_export: the stage as a fakeroot(1) save file, so that
// `fakeroot -i FILE -- tar -cf OUT -C DESTDIR .` archives the recorded owners
// and modes.
#pragma once

#include <string>
#include <vector>

#include "stage/exports.h"

namespace stage {

/// faked's save format, one line per inode:
/// "dev=%llx,ino=%llu,mode=%llo,uid=%llu,gid=%llu,nlink=%llu,rdev=%llu",
/// with the on-disk device, inode, type and link count and the recorded mode,
/// owner and group. The root directory comes first (default owner and group,
/// mode 0755). Hard links share one line (the first name in path order).
/// Needs an id for every name (require_ids(): ExportError otherwise). The
/// file is only valid on this machine, for this stage, until files are
/// replaced (fakeroot keys on device and inode numbers).
std::string format_fakeroot(const std::vector<ListedEntry>& entries, ExportContext& ctx);

}  // namespace stage
