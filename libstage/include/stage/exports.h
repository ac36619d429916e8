// exports: what every export of a stage shares: loading the stage (reconciled
// with the disk, files with their current digests), the target's user and
// group databases, numeric ids, and selecting entries by path.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "stage/config.h"
#include "stage/content.h"
#include "stage/listing.h"
#include "stage/owners.h"
#include "stage/root_fs.h"

namespace stage {

/// An export that cannot be made as asked; what() is the message.
struct ExportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The stage an export reads and the target system it describes.
struct ExportContext {
  std::string destdir;          ///< the staging root on disk
  UniqueFd root;                ///< the staging root, opened once
  struct stat root_stat {};     ///< its lstat (for the root lines of mtree and fakeroot)
  IdDatabase users{"/etc/passwd"}, groups{"/etc/group"};  ///< the target's databases
  Principal default_owner, default_group;  ///< STAGE_OWNER/STAGE_GROUP, resolved
  std::optional<uint32_t> unknown_id;      ///< --unknown-id: the id of names no database knows
  bool strict_ids = false;                 ///< --strict-ids: a name no database knows is an error
  IdDatabase host_users{"/etc/passwd"}, host_groups{"/etc/group"};  ///< placeholders avoid their ids too
  /// Placeholder ids of names no database knows (prepare_ids()), by name;
  /// users and groups share one numbering, so `pkgsvc:pkgsvc` gets one id.
  std::map<std::string, uint32_t> placeholder_ids;
  std::vector<std::string> warnings;       ///< for stderr, once the export is written (prepare_ids())
};

/// The range placeholder ids come from: above every id Linux distributions
/// hand out (users, systemd's dynamic users, nobody) and within ustar's
/// 7-digit octal header field, so tar headers need no pax record for it.
inline constexpr uint32_t kPlaceholderIdFirst = 2000000;
/// The last placeholder id (07777777, ustar's largest).
inline constexpr uint32_t kPlaceholderIdLast = 2097151;

/// Opens the staging root and sets up the target databases and defaults from
/// `config` (see read_target_env()). Throws std::system_error for a root
/// that cannot be opened.
ExportContext make_export_context(const std::string& destdir, const Config& config);

/// What load_stage() found.
struct LoadedStage {
  Listing listing;
  ContentRefresh content;
  std::vector<InfoRecord> info;  ///< info manuals registered by install-info in `record` mode
  std::vector<std::string> deletions;  ///< union capture: host files the build deleted (Store::list_deletions)
};

/// Opens the database read-only (StoreError, with a clear message, for a
/// missing, corrupt or newer one: nothing is written then), reconciles it
/// with the disk and, with `hash`, gives every file its current size and
/// SHA-256. Digests computed now are stored back into the database when it
/// can be written, so the next export reuses them; nothing else is changed
/// (renames and missing records are reported, not applied).
LoadedStage load_stage(ExportContext& ctx, const std::string& db, bool hash);

/// The entries below (or at) any of `paths` (logical, absolute or relative to
/// the stage root; all when `paths` is empty), only untracked ones with `untracked_only`.
std::vector<ListedEntry> select_entries(std::vector<ListedEntry> entries, const std::vector<std::string>& paths,
                                        bool untracked_only = false);
/// The same selection for records that are gone.
std::vector<Entry> select_missing(const std::vector<Entry>& missing, const std::vector<std::string>& paths);
/// The same selection for logical paths (recorded deletions).
std::vector<std::string> select_paths(const std::vector<std::string>& logical, const std::vector<std::string>& paths);

/// The numeric id of a recorded owner: the target database's id for its name
/// (the target decides), else the recorded id.
std::optional<uint32_t> known_user_id(ExportContext& ctx, const Principal& owner);
/// The same for a group.
std::optional<uint32_t> known_group_id(ExportContext& ctx, const Principal& group);

/// known_user_id(), else the name's placeholder (prepare_ids()), else
/// ctx.unknown_id (for exports that need a number).
std::optional<uint32_t> user_id(ExportContext& ctx, const Principal& owner);
/// The same for a group.
std::optional<uint32_t> group_id(ExportContext& ctx, const Principal& group);

/// The user name to export for a recorded owner: its name, else the
/// database's name for its id; empty when neither is known.
std::string user_name(ExportContext& ctx, const Principal& owner);
/// The same for a group.
std::string group_name(ExportContext& ctx, const Principal& group);

/// True when two recorded principals name the same user or group.
bool same_principal(const Principal& a, const Principal& b);

/// Owner and group names that neither the target's databases nor the record
/// give an id to, each once, in order of first use.
struct UnknownNames {
  std::vector<std::string> users, groups;
  bool empty() const { return users.empty() && groups.empty(); }
};
UnknownNames unknown_names(ExportContext& ctx, const std::vector<ListedEntry>& entries);

/// Throws ExportError listing the names to add to STAGE_PASSWD/STAGE_GROUPFILE
/// (for --strict-ids) when some owner or group has no id.
void require_ids(ExportContext& ctx, const std::vector<ListedEntry>& entries);

/// How an export carries owners, which decides what a name no database
/// knows becomes (SPEC "Names no database knows").
enum class IdUse {
  ByName,   ///< names only (rpm, plists): nothing to do
  NameOnly, ///< names, ids where known (mtree): the name without an id, or --unknown-id
  Numeric,  ///< ids needed (fakeroot, tar, deb, pacman): a placeholder id
};

/// Readies ids for exporting `entries` (and the root, which has the
/// defaults): with ctx.strict_ids an unknown name is an ExportError
/// (require_ids()); for Numeric exports every unknown name gets
/// ctx.unknown_id, else a placeholder: names in byte order get
/// kPlaceholderIdFirst upwards, skipping ids the target's or the host's
/// databases use. Returns the one warning to print (empty when every name is
/// known or the export is ByName): the names and what they became; it is
/// also added to ctx.warnings. Every export calls it first.
std::string prepare_ids(ExportContext& ctx, const std::vector<ListedEntry>& entries, IdUse use);

/// For package lists that register directories (rpm's %dir, FreeBSD's
/// @dir): true when the package owns the staged directory `path`, i.e. it is
/// neither `prefix`, nor one of its ancestors, nor a directory of the
/// standard hierarchy that the system itself owns (/usr, /usr/bin, /etc,
/// /var/lib, /usr/share/man/man1, ... : the FHS and BSD hier(7) list).
bool package_owns_dir(std::string_view path, std::string_view prefix);

/// Reserves `bytes` for an export's text and backs it with huge pages (see
/// advise_huge_pages()): the text of 100,000 entries is tens of megabytes.
void reserve_output(std::string& out, size_t bytes);

/// The mode to export: the recorded one (mode bits only, 07777).
inline uint32_t export_mode(const ListedEntry& le) { return le.entry.mode & 07777; }

/// The file type an export writes (S_IFREG, S_IFCHR, ...): the one on disk,
/// except for a device recorded over stage-run --root's empty placeholder
/// file (making the node needs host privilege), which exports as the device.
inline mode_t export_type(const ListedEntry& le) {
  if (le.entry.type == EntryType::CharDevice) return S_IFCHR;
  if (le.entry.type == EntryType::BlockDevice) return S_IFBLK;
  return le.disk.st_mode & S_IFMT;
}

/// True for entries that are regular files on disk (files and hard links).
inline bool is_regular(const ListedEntry& le) { return S_ISREG(le.disk.st_mode); }

}  // namespace stage
