// pacman_export: the stage as the .MTREE that makepkg puts into a pacman
// package (numeric ids, /set lines), which pacman reads with libarchive.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stage/exports.h"

namespace stage {

/// What format_pacman_mtree() adds to the entries.
struct PacmanMtreeOptions {
  std::optional<int64_t> clamp_mtime;  ///< SOURCE_DATE_EPOCH: newer times become it
  std::string_view pkginfo;            ///< a package's .PKGINFO: listed first when not empty
  int64_t pkginfo_mtime = 0;           ///< its time
  /// MD5 digests (hex) parallel to the entries ("" where none): makepkg
  /// writes `md5digest=` and `pacman -Qkk` checks it. stage-pack reads the
  /// files for them; stage-ls does not (SPEC "Speed budget").
  const std::vector<std::string>* md5 = nullptr;
};

/// makepkg's .MTREE (bsdtar's mtree writer with `!all,use-set,type,uid,gid,
/// mode,time,size,md5,sha256,link`): "#mtree", "/set type=file uid=0 gid=0
/// mode=644", then one line per entry, "./usr/bin/foo time=T.0 mode=755
/// size=N [md5digest=HEX] sha256digest=HEX", with the keywords that differ from the /set
/// line (`type=dir`, `type=link link=...`, `uid=`, `gid=`). Ids are
/// numeric: the target's, else placeholders (prepare_ids(), IdUse::Numeric);
/// times are the files' own, clamped. Hard links are files; sockets are
/// left out (no package holds one). Names are encoded as mtree_vis() does,
/// '=' too. Regular files must carry their digests (refresh_content()).
std::string format_pacman_mtree(const std::vector<ListedEntry>& entries, ExportContext& ctx,
                                const PacmanMtreeOptions& options = {});

}  // namespace stage
