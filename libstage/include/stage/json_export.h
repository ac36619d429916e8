// json_export: the stage as JSON Lines, one object per entry with every
// recorded field (schema: docs/formats.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stage/exports.h"

namespace stage {

/// A JSON string literal for arbitrary bytes: valid UTF-8 passes through
/// (control characters, '"' and '\' escaped); each byte of an invalid
/// sequence becomes the lone surrogate \udc80+byte (Python's
/// "surrogateescape"), so the original bytes can be recovered.
std::string json_string(std::string_view bytes);

/// One object per line per entry, in path order (docs/formats.md): path,
/// status ("tracked", "renamed", "untracked"), type, mode, uname, uid, gname,
/// gid, size, sha256, target, flags, rdev, tool, recorded_path, disk.
std::string format_json(const std::vector<ListedEntry>& entries, ExportContext& ctx);

/// The same objects for records whose file is gone (status "missing").
std::string format_json_missing(const std::vector<Entry>& missing, ExportContext& ctx);

}  // namespace stage
