// plist_export: the stage as pkgsrc sees a package: a PLIST relative to the
// prefix, and the SPECIAL_PERMS/OWN_DIRS_PERMS lines pkgsrc keeps outside it.
#pragma once

#include <string>
#include <vector>

#include "stage/exports.h"

namespace stage {

/// An export's text plus what it had to leave out (one message each).
struct TextExport {
  std::string text;
  std::vector<std::string> warnings;
};

/// True when an entry's recorded mode is what pkg_create will find on disk
/// anyway (the staged file's own permission bits), so it needs no @mode.
bool mode_carried_on_disk(const ListedEntry& le);

/// The pkgsrc PLIST of the entries below `prefix`, paths relative to it, in
/// path order: files, hard links and symlinks one per line; "@pkgdir DIR"
/// for directories with nothing below them. Entries that differ from the
/// defaults are wrapped in "@owner NAME", "@group NAME", "@mode MODE"
/// (set before, reset with an empty "@owner"/"@group"/"@mode" after): owner
/// and group default to STAGE_OWNER/STAGE_GROUP, the mode to the file's own
/// bits on disk (see mode_carried_on_disk()). Entries outside `prefix`, and
/// names a PLIST line cannot hold (a newline, a leading '@'), are left out
/// with a warning.
TextExport format_plist(const std::vector<ListedEntry>& entries, ExportContext& ctx, const std::string& prefix);

/// pkgsrc Makefile lines: "SPECIAL_PERMS+=\tPATH USER GROUP MODE" for files
/// that are setid, owned by other than the defaults or whose mode the disk
/// cannot carry, and "OWN_DIRS_PERMS+=\tDIR USER GROUP MODE" for directories
/// whose owner, group or mode (other than 0755) is not the default. Paths
/// below `prefix` are relative to it (pkgsrc reads them against ${PREFIX}),
/// others absolute. A name a make variable cannot hold is left out with a
/// warning.
TextExport format_pkgsrc_perms(const std::vector<ListedEntry>& entries, ExportContext& ctx, const std::string& prefix);

}  // namespace stage
