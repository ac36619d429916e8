// pack: the stage as a package with the recorded owners and modes (stage-pack):
// a tar archive, a Debian .deb or a pacman .pkg.tar.zst, written through
// libarchive, byte-identical for the same stage.
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
/// .tar.zst/.tzst (a pacman .pkg.tar.zst too); nullopt for anything else.
std::optional<Compression> compression_for(const std::string& output);

/// What kind of package an output name asks for.
enum class PackKind { Tar, Deb, Pacman };

/// `.deb`: Deb; `.pkg.tar.zst` (or .xz, .gz): Pacman; another tar name: Tar;
/// nullopt for a name that is none of them.
std::optional<PackKind> pack_kind_for(const std::string& output);

/// SOURCE_DATE_EPOCH's value: nullopt when unset or empty; PackError when it
/// is not a non-negative decimal number of seconds.
std::optional<int64_t> parse_source_date_epoch(const char* value);

/// What to write.
struct PackOptions {
  std::string output;                    ///< the archive's file name
  std::string prefix;                    ///< "" or "/": the whole stage; else only entries below it
  std::optional<int64_t> clamp_mtime;    ///< SOURCE_DATE_EPOCH: newer times become it
  std::string deb_control;               ///< Deb: the directory of control files (control, postinst, ...)
  std::string pkginfo;                   ///< Pacman: the .PKGINFO file
  /// Called now and then with entries written and the total.
  std::function<void(size_t done, size_t total)> progress;
};

/// What write_pack() did.
struct PackResult {
  size_t written = 0;                    ///< entries of the stage in the package
  std::vector<std::string> skipped;      ///< logical paths left out: sockets (no package holds one)
  size_t untracked = 0;                  ///< of the written entries, how many are untracked
};

/// Writes the entries (path order, parents first) as the package
/// pack_kind_for(options.output) names. The tar of every kind is
/// pax-restricted: plain ustar headers unless a name or value needs a pax
/// record (`hdrcharset=BINARY` only for names that are not UTF-8). Owners,
/// groups and modes are the recorded ones, ids from the target's databases
/// or placeholders (prepare_ids(), IdUse::Numeric); mtimes are the files'
/// own, in whole seconds, clamped; a second name of an inode is a hard link
/// to the first; content is read now from the stage. Names:
/// - Tar: relative to the root ("usr/pkg/bin/foo", directories with a
///   trailing '/'), or to `prefix`; the root is not an entry.
/// - Deb: an ar archive (libarchive's) of debian-binary ("2.0\n"),
///   control.tar.xz (the files of `deb_control` as root:root, plus md5sums
///   of the data) and data.tar.xz ("./", "./usr/", ...), members dated
///   SOURCE_DATE_EPOCH, else the newest entry's (clamped) mtime.
/// - Pacman: .PKGINFO (the `pkginfo` file), then .MTREE (format_pacman_mtree()
///   with .PKGINFO's line, gzipped), then the entries as for Tar; zstd (or
///   the compression the name gives). Entries need their digests (load_stage()
///   with hashing).
/// The package appears under `output` only once complete (written to a
/// temporary name beside it, then renamed); on any error nothing is left.
PackResult write_pack(const std::vector<ListedEntry>& entries, ExportContext& ctx, const PackOptions& options);

}  // namespace stage
