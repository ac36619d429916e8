// store: the staging database (SQLite, WAL) of recorded entries, keyed by logical path.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stage/owners.h"

namespace stage {

/// What an entry is.
enum class EntryType { File, Dir, Symlink, Hardlink, Fifo, CharDevice, BlockDevice };

/// "file", "dir", "link", "hardlink", "fifo", "char", "block" (mtree's words where it has them).
const char* entry_type_name(EntryType type);
/// The inverse of entry_type_name(); nullopt for an unknown word.
std::optional<EntryType> entry_type_from_name(std::string_view name);

/// Where the staged object was on disk when last recorded (for reconciliation
/// and for reusing a recorded hash only while the file is unchanged).
struct DiskIdentity {
  uint64_t dev = 0, ino = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
  uint64_t size = 0;
  bool operator==(const DiskIdentity&) const = default;
};

/// A file capability (the `security.capability` extended attribute) that a
/// program of a `stage-run --root` build set (setcap(8)): recorded and
/// exported, never written to the stage on disk.
struct FileCaps {
  std::string xattr;  ///< the attribute's value in VFS_CAP_REVISION_2 form (20 bytes), as a root install stores it
  DiskIdentity disk;  ///< the file it was set on (device, inode, size and mtime count; ctime does not)
  bool operator==(const FileCaps&) const = default;
};

/// One recorded path.
struct Entry {
  std::string path;                 ///< logical path, absolute ("/usr/bin/x")
  EntryType type = EntryType::File;
  uint32_t mode = 0;                ///< permission bits incl. setuid/setgid/sticky
  Principal owner, group;
  std::optional<uint64_t> size;     ///< files: size at record time
  std::string sha256;               ///< files: hex digest, empty when not computed yet
  std::string target;               ///< symlink text, or the logical path a hard link shares
  std::string flags;                ///< BSD file flags (install -f), empty when none
  std::string tool;                 ///< which tool made the last change
  std::optional<DiskIdentity> disk; ///< identity of the on-disk object
  uint64_t rdev = 0;                ///< devices: major/minor
  std::optional<FileCaps> caps;     ///< files: a capability set under --root (chown drops it, as chown(2) does)
};

/// An info manual registered by install-info in `record` mode.
struct InfoRecord {
  std::string info_file;  ///< logical path of the info file
  std::string dir_file;   ///< logical path of the dir file it would have been added to
  std::string section;    ///< INFO-DIR-SECTION
  std::string entry;      ///< the "* Name: (file). Description." text, may span lines
};

/// One stage-run: the audit trail of a stage (stage-ls --log).
struct RunRecord {
  std::string command;   ///< the command line, words quoted where needed
  std::string user;      ///< the user the command ran as
  std::string start, end;  ///< UTC, ISO 8601 ("2026-11-30T18:00:00Z")
  int status = 0;        ///< the command's exit status (128+N: signal N)
  std::string sandbox;   ///< "off", "strict", or "best-effort" with what was not enforced
  std::string denials;   ///< what the sandbox refused ("write-outside=2 (/etc/x); network=1 (AF_INET)"), "" when nothing
};

/// The database could not be used; what() is the message.
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The staging database. Not thread-safe; one per process.
class Store {
 public:
  enum class Access { ReadOnly, ReadWrite, Create };
  /// Opens (and with Create, creates) the database at `path`. Throws StoreError.
  /// With `stage_dir` (the stage the database records), a new database is
  /// remembered by the stage, and a missing one is refused while the stage
  /// holds files that were recorded in it.
  static std::unique_ptr<Store> open(const std::string& path, Access access, const std::string& stage_dir = {});
  /// Tunes SQLite for a drop-in: one thread and one short transaction. No
  /// mutexes and no allocation statistics (about 7% of an install call's
  /// instructions), no page-cache or lookaside pools made up front (each
  /// touches every page of its memory: page faults a short run never
  /// needs). Only before the first open; a no-op after it.
  /// `supervised` (a drop-in of `stage-run --root`, where uid 0 is the build
  /// user): SQLite's root-only fchown of its -wal and -shm files to the
  /// database's owner is skipped; it changes nothing there, and each such
  /// call would stop in the supervisor.
  static void tune_for_drop_in(bool supervised = false);
  virtual ~Store() = default;

  /// The entry recorded for a logical path.
  virtual std::optional<Entry> get(const std::string& path) = 0;
  /// The recorded group of `path` when it is recorded as a setgid directory
  /// (what a root run's kernel gives an entry made in it), else nullopt.
  /// One narrow statement: every install asks it of its parent directory.
  virtual std::optional<Principal> setgid_dir_group(const std::string& path) = 0;
  /// Entries whose path is `dir` or lies below it, sorted by path.
  virtual std::vector<Entry> list_under(const std::string& dir) = 0;
  /// Every entry, sorted by path.
  virtual std::vector<Entry> list_all() = 0;
  /// Entries last recorded on the disk object (dev, ino): the names of one
  /// inode, hard links included (indexed).
  virtual std::vector<Entry> list_inode(uint64_t dev, uint64_t ino) = 0;
  /// Every recorded info manual.
  virtual std::vector<InfoRecord> list_info() = 0;

  /// Groups of fields a tool may change on their own (Change::fields).
  enum Field : unsigned {
    kMode = 1,   ///< mode
    kOwner = 2,  ///< uname, uid
    kGroup = 4,  ///< gname, gid
    kDisk = 8,   ///< disk identity, size and sha256 (what the object on disk now is)
    kFlags = 16, ///< BSD file flags
    kCaps = 32,  ///< file capability (security.capability)
  };
  /// A change of some fields of a record (chmod, chown, chgrp): at commit,
  /// inside the write transaction, only `fields` (and the tool) of the record
  /// as it is then are replaced, so a concurrent tool's change of other
  /// fields survives. A path with no record gets `entry` whole.
  struct Change {
    Entry entry;
    unsigned fields = 0;
  };
  /// What a -R walk reads of the records below its operands (read_tree())
  /// and changes in them (commit()): only the fields chmod, chown and chgrp
  /// look at, in path order, with no Entry per record (decoding 23 columns
  /// into an Entry was a third of a chmod -R). A record that is not plain
  /// stays on the per-entry path (Session::current_entry(), record_change()).
  struct TreeRecords {
    /// One record; once changed (`changed` not 0), with the new values.
    struct Record {
      uint32_t path_at = 0, path_len = 0;  ///< its path: `paths` from path_at, path_len bytes
      uint32_t mode = 0;
      uint32_t owner = 0, group = 0;       ///< indexes into `principals`
      EntryType type = EntryType::File;
      bool plain = false;       ///< not a symlink, hard link or device
      bool keep_digest = true;  ///< with a kDisk change: the recorded digest still applies
      bool moved = false;       ///< with a kDisk change: `disk` is another object (device, inode) than recorded
      unsigned changed = 0;     ///< the Field groups this run changed (kMode, kOwner, kGroup, kDisk; kCaps: removed)
      std::optional<uint64_t> size;      ///< read with kDisk
      std::optional<DiskIdentity> disk;  ///< read with kDisk
    };
    /// One read: the records of `root` and below it, records[begin, end),
    /// sorted by path, with the owners and groups (kOwner, kGroup) and the
    /// disk identity and size (kDisk) when `fields` says so: each column
    /// read costs about 250 instructions a record.
    struct Read {
      std::string root;
      size_t begin = 0, end = 0;
      unsigned fields = 0;
    };
    std::vector<Read> reads;        ///< disjoint roots
    std::vector<Record> records;
    std::string paths;              ///< every record's path, back to back
    std::vector<Principal> principals;
    std::string tool;               ///< the tool recorded for every changed record

    std::string_view path(const Record& r) const { return {paths.data() + r.path_at, r.path_len}; }
    /// The read whose root is `path` or lies above it, or nullptr.
    const Read* read_of(std::string_view path) const;
    /// The part of records[begin, end) whose path is `prefix`, lies below
    /// it, or only begins like it ("/t.d" for "/t"): the sorted range from
    /// `prefix` to prefix + "0" (binary searches).
    std::pair<size_t, size_t> below(size_t begin, size_t end, std::string_view prefix) const;
    /// The index of the record of `path` in records[begin, end), or SIZE_MAX.
    size_t find(size_t begin, size_t end, std::string_view path) const;
    /// The index of `p` in `principals`, added when new.
    uint32_t principal(const Principal& p);
  };

  /// Appends the records of `dir` and below it to `into` as one more read
  /// (TreeRecords) with `fields` (kOwner, kGroup, kDisk): a -R walk's
  /// prefetch. `dir` must not overlap a root read before.
  virtual void read_tree(const std::string& dir, unsigned fields, TreeRecords& into) = 0;

  /// A set of changes committed together in one short transaction.
  struct Batch {
    std::vector<Entry> put;            ///< inserted or replacing whole records
    std::vector<Change> change;        ///< field-level changes (one per path)
    std::vector<std::string> remove;   ///< paths whose records go
    std::vector<std::string> remove_tree;  ///< paths whose records, and all below, go
    std::vector<InfoRecord> info_put;  ///< replaces records of the same info file and dir file
    std::vector<InfoRecord> info_remove;  ///< by info file and dir file
    /// Field-level changes of a walk's records (those with `changed` set,
    /// no path also in `change` or `put`): each as a Change would be, with
    /// one range UPDATE per read, but a record removed meanwhile by another
    /// tool stays removed (as if that tool ran after this one). Not owned.
    const TreeRecords* tree = nullptr;
    bool empty() const {
      return put.empty() && change.empty() && remove.empty() && remove_tree.empty() && info_put.empty() &&
             info_remove.empty() && tree == nullptr;
    }
  };
  /// Applies a batch atomically (all or nothing): removals, then puts, then
  /// changes, then the tree's changes, in one `BEGIN IMMEDIATE` transaction. Throws StoreError.
  virtual void commit(const Batch& batch) = 0;

  /// Appends a run to the audit trail. Throws StoreError.
  virtual void append_run(const RunRecord& run) = 0;
  /// The audit trail, oldest first (empty for a database older than it).
  virtual std::vector<RunRecord> list_runs() = 0;
  /// Union capture: replaces the deletions recorded below `prefix` with
  /// `paths` (logical paths of host files the build deleted or renamed
  /// away). Throws StoreError.
  virtual void set_deletions(const std::string& prefix, const std::vector<std::string>& paths) = 0;
  /// The recorded deletions in path order (empty for a database older than them).
  virtual std::vector<std::string> list_deletions() = 0;
  /// True when anything is recorded: an entry, an info record, a run or a deletion.
  virtual bool holds_anything() = 0;

  /// A content digest computed by an export, to be reused while the file is unchanged.
  struct Digest {
    std::string path;   ///< logical path of the record
    DiskIdentity disk;  ///< the file's identity when it was hashed
    std::string sha256; ///< hex digest
  };
  /// Stores digests (and the identity they belong to) into existing file and
  /// hard-link records, touching no other column: a drop-in that changed a
  /// record meanwhile keeps its change. Paths without a record are skipped.
  virtual void remember_digests(const std::vector<Digest>& digests) = 0;
};

/// The schema version this build writes; newer databases are refused,
/// older ones upgraded when opened for writing (2: the `runs` table; 3: the
/// `caps*` columns of file capabilities; 4: `deletions`; 5: `info`, `runs`
/// and `deletions` declared without types, constraints or an index of
/// their own, cheaper for every call to parse, and a flag in the header's
/// application_id once a setgid directory is recorded, so that the others
/// skip the query of setgid_dir_group()) and read as they are when opened
/// read-only (no capabilities, no deletions).
constexpr int kStoreSchemaVersion = 5;

}  // namespace stage
