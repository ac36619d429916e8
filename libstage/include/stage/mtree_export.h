// mtree_export: the stage as a NetBSD mtree(8) spec / METALOG, the form
// `bsdtar -cf OUT -C DESTDIR @SPEC` and NetBSD's install -M write and read.
#pragma once

#include <string>
#include <vector>

#include "stage/exports.h"

namespace stage {

/// The spec: "#mtree", a ". type=dir" line for the root (default owner and
/// group, mode 0755), then one line per entry in path order:
/// "./usr/pkg/bin/foo type=file uname=root gname=wheel uid=0 gid=0 mode=04755
/// size=N sha256=HEX". Names and link targets are strsvis(3)-encoded
/// (mtree_vis()); a hard link is a plain type=file line (as in NetBSD's
/// METALOG); uname=/gname= whenever a name is known, uid=/gid= from the
/// target's databases or the record. A name with no id is an ExportError
/// (require_ids()) unless ctx.unknown_id gives one. Files must carry their
/// current size and digest (refresh_content()).
std::string format_mtree(const std::vector<ListedEntry>& entries, ExportContext& ctx);

/// mtree's spelling of a mode: "%#o" ("04755", "0755", "0").
std::string mtree_mode(uint32_t mode);

}  // namespace stage
