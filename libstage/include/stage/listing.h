// listing: what is staged, now: the stage on disk joined with the database
// (SPEC "Reconciliation"), in path order, ready for every export format.
#pragma once

#include <sys/stat.h>

#include <string>
#include <vector>

#include "stage/store.h"

namespace stage {

/// One path of the stage as exports see it.
struct ListedEntry {
  Entry entry;              ///< the record (for untracked paths: synthesised)
  bool untracked = false;   ///< on disk, never recorded by a stage tool
  bool renamed = false;     ///< record found by device and inode at a new path
  std::string recorded_path;  ///< renamed: the path the record is stored under
  struct stat disk {};      ///< lstat of the path now
};

/// The joined view.
struct Listing {
  std::vector<ListedEntry> entries;  ///< sorted by logical path; the root itself is not listed
  std::vector<Entry> missing;        ///< recorded but gone from disk
  /// Changes that bring the database in line (renames moved, missing dropped).
  Store::Batch updates;
};

/// Walks `destdir` (never following symlinks) and joins it with `records`.
/// Untracked paths get `default_owner`/`default_group` and their on-disk mode.
/// A record whose path now holds another kind of object (a file replaced by a
/// symlink, say) no longer describes it: the object is untracked and the
/// record is listed as missing. A renamed entry keeps the record's disk
/// identity, so that a stored digest is reused only while the file is unchanged.
Listing reconcile(const std::string& destdir, std::vector<Entry> records, const Principal& default_owner,
                  const Principal& default_group);

/// The records and defaults of a stage in one call: opens the store read-only
/// when `write_back` is false, else read-write and commits `updates`.
Listing reconcile_stage(const std::string& destdir, const std::string& db, const Principal& default_owner,
                        const Principal& default_group, bool write_back);

/// The type letter `ls -l` shows for an entry ('-', 'd', 'l', 'p', 'c', 'b').
char type_letter(EntryType type);

/// The `ls`-style listing: one line per entry, aligned columns, `-> target`
/// for symlinks, `[untracked]` flags.
std::string format_ls(const std::vector<ListedEntry>& entries);

/// True when an on-disk object of mode `st_mode` can be what `type` records
/// (a hard link is a regular file on disk).
bool type_matches(EntryType type, mode_t st_mode);

/// An owner or group for display: the name, else the id.
std::string principal_text(const Principal& p);

}  // namespace stage
