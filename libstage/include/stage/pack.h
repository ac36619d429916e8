// pack: the stage as a tar archive with the recorded owners and modes
// (stage-pack), written through libarchive, byte-identical for the same stage.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "stage/exports.h"

namespace stage {

/// The archive could not be written; what() is the message.
struct PackError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The compression an output name asks for.
enum class Compression { None, Gzip, Bzip2, Xz, Zstd };

/// From the name's suffix: .tar, .tar.gz/.tgz, .tar.bz2/.tbz2, .tar.xz/.txz,
/// .tar.zst/.tzst; nullopt for anything else.
std::optional<Compression> compression_for(const std::string& output);

/// SOURCE_DATE_EPOCH's value: nullopt when unset or empty; PackError when it
/// is not a non-negative decimal number of seconds.
std::optional<int64_t> parse_source_date_epoch(const char* value);

/// What to write.
struct PackOptions {
  std::string output;                    ///< the archive's file name
  std::string prefix;                    ///< "" or "/": the whole stage; else only entries below it
  std::optional<int64_t> clamp_mtime;    ///< SOURCE_DATE_EPOCH: newer times become it
  /// Called now and then with entries written and the total.
  std::function<void(size_t done, size_t total)> progress;
};

/// Writes the entries (path order, parents first) as a pax-restricted tar:
/// plain ustar headers unless a name or value needs a pax record. Names are
/// relative to the root ("usr/pkg/bin/foo", directories with a trailing
/// '/'), or to `prefix` when given; owners, groups and modes are the
/// recorded ones with ids from the target's databases (require_ids());
/// mtimes are the files' own, in whole seconds, clamped; a second name of
/// an inode is a hard link to the first. Content is read now from the stage.
/// The archive appears under `output` only once complete (written to a
/// temporary name beside it, then renamed); on any error nothing is left.
void write_pack(const std::vector<ListedEntry>& entries, ExportContext& ctx, const PackOptions& options);

}  // namespace stage
