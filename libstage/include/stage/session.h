// session: one drop-in run. Maps operands to places, owns the stage root and
// the database, resolves owners, and commits what the run recorded at its end.
#pragma once

#include <sys/stat.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "stage/config.h"
#include "stage/owners.h"
#include "stage/root_fs.h"
#include "stage/store.h"

namespace stage {

/// The state of one tool run. Wrappers get it from Session::get().
class Session {
 public:
  /// This process's session, configured from the environment on first use.
  /// A bad configuration or an unusable database is fatal before any change.
  static Session& get();

  /// A session over an explicit configuration (tests).
  explicit Session(Config config);
  ~Session();

  const Config& config() const { return config_; }
  bool active() const { return config_.active; }

  /// The place a destination operand names. Staged operands resolve inside
  /// the stage; `follow_last` follows a final symlink (in the stage).
  Place place(std::string_view operand, bool follow_last);

  /// The place a read operand names: in the stage when it maps there and
  /// exists there; else on the host (a rule-1 path is only ever the stage).
  /// `follow_last` follows a final symlink (in the stage when staged).
  Place source(std::string_view operand, bool follow_last = true);

  /// Creates the missing directories leading to `target` (and `target` itself
  /// with `include_last`). `mode` is the mode a root run would give them (umask
  /// already applied): applied on the host, recorded in the stage. `announce`
  /// is called with the user-visible name of each directory made.
  /// Returns 0 or an errno; `failed` gets the user-visible name that failed.
  int make_dirs(const Place& target, std::string_view operand, bool include_last, mode_t mode,
                const std::function<void(const std::string&)>& announce, std::string* failed = nullptr);

  /// Queues the record of a staged entry, whole (a new or replaced object);
  /// finish() commits it. `tool` defaults to the program name.
  void record(Entry entry);
  /// Queues a change of some fields of a staged entry (Store::Field: kMode,
  /// kOwner, kGroup, kDisk, kFlags): at commit only those fields of the record
  /// as it is then are written, so a concurrent tool's change of the others
  /// survives (a long `chmod -R` never undoes a `chown`). `fields` 0: the
  /// fields in which `entry` differs from lookup(). The other names of a
  /// hard-linked file change the same way (`may_have_other_names` false,
  /// when the caller knows the object's link count is 1, skips looking for
  /// them). A path with no record gets `entry`.
  void record_change(Entry entry, unsigned fields = 0, bool may_have_other_names = true);
  /// The simple verbs for code that watches other programs (stage-run's
  /// supervisor): the staged object at `logical` (not followed if a symlink)
  /// now has recorded mode `mode` (07777 bits), or owner and/or group. Only
  /// that field is written at commit; an object with no record gets one
  /// (default owner and group, on-disk mode, then the change). The disk is
  /// not touched. Return 0 or an errno (ENOENT: nothing staged there).
  int set_mode(const std::string& logical, uint32_t mode);
  int set_owner(const std::string& logical, const std::optional<Principal>& owner,
                const std::optional<Principal>& group);
  /// Queues the move of the records of `from` and all below it to the same
  /// names below `to` (a directory renamed by a program the supervisor
  /// watches): owners, modes and the rest kept, the disk identity taken
  /// from what is now at the new name, hard links' targets within `from`
  /// (and those elsewhere naming a moved file) rewritten. `to` must not lie
  /// below `from`. Returns how many records moved.
  size_t move_records(const std::string& from, const std::string& to);
  /// Queues the removal of a staged path's record (and, with `tree`, all below it).
  void forget(const std::string& logical, bool tree = false);
  /// The record of a logical path, this run's queued changes included.
  std::optional<Entry> lookup(const std::string& logical);
  /// Reads the records of `logical` and of everything below it in one range
  /// query, compact (Store::TreeRecords), so that a -R walk there needs no
  /// query per entry: tree_record() answers from them, and lookup() knows
  /// without a query which paths have no record. Nothing is read when an
  /// earlier read covers `logical`, nor when `logical` holds an earlier
  /// read (then the records below it outside that read are read one by one).
  /// `fields` (Store::Field): what the walk reads of each record besides
  /// its path, type and mode (kOwner, kGroup: owners and groups; kDisk: the
  /// disk identity and size); everything under STAGE_TRACE.
  void prefetch_tree(const std::string& logical, unsigned fields = Store::kOwner | Store::kGroup | Store::kDisk);
  /// The record of the staged object at `place` (lstat result `st`); for an
  /// object another tool put there (untracked, or recorded as another type)
  /// the record it gets now: default owner and group, on-disk mode.
  Entry current_entry(const Place& place, const struct stat& st);

  /// A -R walk's bulk path (chmod, chown, chgrp): the prefetched record of
  /// the staged object at `place` (lstat result `st`) when this run may
  /// change it in place and mark it with tree_changed(): recorded, plain
  /// (not a symlink, hard link or device), of the
  /// type on disk, with no other name (a file's link count 1), read with
  /// the fields the caller `needs`, neither queued nor removed by this run
  /// otherwise. Its fields are this run's view,
  /// its earlier changes included; it stays valid until the next
  /// prefetch_tree() or finish(). nullptr: use current_entry() and
  /// record_change(), which give the same result, only slower.
  /// `needs`: the fields (Store::Field) the caller reads besides the type and mode.
  Store::TreeRecords::Record* tree_record(const Place& place, const struct stat& st, unsigned needs);
  /// The owner or group `index` of a tree record.
  const Principal& tree_principal(uint32_t index) const { return tree_.principals[index]; }
  /// The index of a principal for a tree record's owner or group.
  uint32_t tree_principal(const Principal& p) { return tree_.principal(p); }
  /// Marks `fields` (Store::Field: kMode, kOwner, kGroup, kDisk; kCaps:
  /// the capability removed) of a tree record as changed by this run, their
  /// new values already in it: at commit only those fields are written, as
  /// record_change() writes them.
  void tree_changed(Store::TreeRecords::Record& record, unsigned fields);
  /// Turns the bulk path off (tree_record() answers nullptr): for tests
  /// that compare it with the per-entry path.
  void set_bulk_walks(bool on) { bulk_ = on; }

  /// Queues the record of one entry of an info manual (install-info's
  /// `record` mode). The first record of an info file and dir file in a run
  /// replaces what earlier runs recorded for them.
  void record_info(InfoRecord record);
  /// Queues the removal of the records of an info file for a dir file.
  void forget_info(const std::string& info_file, const std::string& dir_file);
  /// The recorded info manuals, this run's queued changes included.
  std::vector<InfoRecord> info_records();

  /// What a root run's kernel gives an entry made at `logical` in a setgid
  /// directory: the directory's recorded group (BSD group semantics), and a
  /// directory made there inherits the setgid bit. nullopt when the
  /// recorded parent is not a setgid directory (or has no record).
  std::optional<Principal> setgid_parent_group(const std::string& logical);

  /// The owner and group recorded when a command names none (STAGE_OWNER/GROUP).
  Principal default_owner();
  Principal default_group();
  /// Reads install's -o/-g value against the target's databases, as GNU
  /// install does (parse_install_id). An unknown name is invalid in strict
  /// mode and on the host; else recorded by name when a passwd(5) or group(5)
  /// file could hold it.
  IdSpec owner(std::string_view spec);
  IdSpec group(std::string_view spec);
  IdDatabase& users() { return users_; }
  IdDatabase& groups() { return groups_; }

  /// The user-visible name of a staged logical path, following how the operand
  /// was written (under DESTDIR or mapped).
  std::string shown_name(const std::string& logical, bool via_destdir) const;

  /// The stage root (active sessions only).
  const StageRoot& root() const { return *root_; }

  /// Appends one line to STAGE_TRACE when it is set.
  void trace(std::string_view line);

  /// Commits the queued records in one transaction. Returns the exit status:
  /// diag's, or 1 when the commit failed (with a message naming the
  /// database); then the undo actions registered below run, newest first, so
  /// that the stage is as it was and agrees with the database.
  int finish();

  /// Registers how to take back a change this run made in the stage, should
  /// the commit fail (disk full, database gone read-only).
  void undo_on_failure(std::function<void()> undo);
  /// Undo for an object this run created at `place` (file, directory,
  /// symlink): removed if it is still the object `made` (a directory only
  /// while empty).
  void undo_creation(const Place& place, const struct stat& made);
  /// Undo for a file this run replaced at `place` by `made`: the old content
  /// (still readable through `old`, an fd opened before the replacement)
  /// comes back with its old mode and times, unless another tool replaced
  /// the file meanwhile.
  void undo_replacement(const Place& place, const struct stat& made, int old_fd, const struct stat& old_st);
  /// Undo for a destination this run moved aside to `backup` (a name beside
  /// it, relative to the same directory) and replaced by `made`: the backup
  /// is renamed back, unless another tool replaced `made` meanwhile.
  void undo_backup(const Place& place, const struct stat& made, std::string backup);
  /// Undo for a symlink this run replaced at `place` by `made` (a link or a
  /// file): a symlink with the old text comes back, unless another tool
  /// replaced the object meanwhile.
  void undo_symlink_replacement(const Place& place, const struct stat& made, std::string old_text);
  /// Undo for a change of a staged object's permission bits on disk (chmod):
  /// `before` is its lstat before the change, `set` the bits this run gave
  /// it. The old bits come back while it is the same object with those bits.
  /// Keeps only the logical path, not the Place (chmod -R over many
  /// directories would otherwise hold a descriptor open for each).
  void undo_disk_mode(const Place& place, const struct stat& before, mode_t set);

 private:
  Store& store();
  /// The record as stored: from the prefetched tree when it covers the path.
  std::optional<Entry> stored_record(const std::string& logical);
  /// One queued record: whole (fields == kWhole) or a field-level change
  /// (a Store::Change, so that a run of changes only is committed as it is queued).
  using Pending = Store::Change;
  static constexpr unsigned kWhole = ~0u;
  /// `single_name`: the caller knows the object has no other name (link
  /// count 1), so it stays out of the index of inodes.
  void queue(Entry entry, unsigned fields, bool single_name = false, bool traced = false);
  /// STAGE_TRACE's line for a queued record.
  void trace_record(EntryType type, std::string_view path, uint32_t mode, const Principal& owner,
                    const Principal& group, std::string_view target);
  /// Moves this run's change of a tree record at `logical`, if any, into
  /// the queue (pending_): then one place holds it, for lookup() and any
  /// later change of the same path (rare: a walk changes a record once).
  /// A record another tool removed meanwhile stays removed (Batch::tree).
  void untree(const std::string& logical);
  Config config_;
  std::string cwd_;
  std::unique_ptr<StageRoot> root_;
  std::unique_ptr<Store> store_;
  // This run's queued records, indexed by path and by inode so that a run
  // over 100,000 entries stays linear (chmod -R, chown -R, install -t).
  std::vector<Pending> pending_;
  std::unordered_map<std::string, size_t> pending_at_;
  std::unordered_map<uint64_t, std::vector<std::string>> pending_inode_;
  std::vector<std::string> removed_, removed_trees_;
  std::unordered_set<std::string> removed_set_;
  std::vector<InfoRecord> info_put_, info_remove_;
  // prefetch_tree()'s reads, compact, and this run's bulk changes in them.
  Store::TreeRecords tree_;
  size_t tree_changes_ = 0;  // records of tree_ with changes
  bool bulk_ = true;
  // tree_record()'s tables of the children of the directories a walk is
  // in, outermost first: indexes into tree_.records by name (open
  // addressing, UINT32_MAX for a free slot).
  struct ChildTable {
    std::string dir;
    unsigned fields = 0;  // what its read holds (Store::TreeRecords::Read)
    std::vector<uint32_t> slots;
  };
  std::vector<ChildTable> tree_tables_;
  std::vector<std::function<void()>> undo_;
  IdDatabase users_, groups_;
};

/// The disk identity of a stat result.
DiskIdentity disk_identity(const struct stat& st);

/// True while the file `st` is still the one `caps` was set on: a regular
/// file with the same device, inode, size and modification time. A write or
/// a replacement drops a capability, as the kernel drops security.capability
/// on write (a rename keeps it, as the kernel does).
bool caps_still_apply(const FileCaps& caps, const struct stat& st);

/// The record of a staged object as on disk: type and size from `st`, the
/// given mode, owner and group, tool from the program name.
Entry entry_for(const std::string& logical, const struct stat& st, mode_t recorded_mode, Principal owner,
                Principal group);

}  // namespace stage
