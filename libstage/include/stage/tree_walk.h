// tree_walk: the -R walk of chmod, chown and chgrp over a host or a staged
// tree, with gnulib fts's order and verdicts (pre-order directory, children in
// directory order, post-order directory; dangling symlinks, unreadable
// directories and cycles reported as fts reports them). Staged trees are
// walked with *at() calls inside the stage and never leave it.
#pragma once

#include <sys/stat.h>

#include <functional>
#include <string>
#include <string_view>

#include "stage/root_fs.h"
#include "stage/store.h"

namespace stage {

class Session;

/// Which symbolic links the walk follows (fts's -P, -H and -L).
enum class WalkFollow {
  Physical,     ///< none (chown/chgrp -P, the default)
  CommandLine,  ///< operands only (chmod; chown/chgrp -H)
  Logical,      ///< all (chown/chgrp -L)
};

/// What an entry is, as fts's fts_info tells it.
enum class WalkInfo {
  Dir,              ///< a directory, before its children (FTS_D)
  DirPost,          ///< the same directory after its children (FTS_DP)
  File,             ///< anything else that is not a symlink (FTS_F, FTS_DEFAULT)
  Symlink,          ///< a symlink not followed (FTS_SL)
  DanglingSymlink,  ///< a symlink to be followed whose target is missing (FTS_SLNONE)
  NoStat,           ///< stat failed (FTS_NS); `error` says why
  Unreadable,       ///< a directory that could not be read (FTS_DNR); `error` says why
  Cycle,            ///< a directory that is its own ancestor (FTS_DC)
};

/// One entry of a walk.
struct WalkEntry {
  WalkInfo info = WalkInfo::File;
  std::string path;     ///< the name to show: the operand, then "operand/child" (fts_path)
  Place place;          ///< where it is; staged: resolved in the stage, the leaf never followed
  bool followed = false;///< the entry was reached through a followed symlink (host: act with follow)
  struct stat st {};    ///< valid unless NoStat (for DanglingSymlink: the link itself)
  int error = 0;        ///< NoStat, Unreadable
  int level = 0;        ///< 0 for the operand
};

/// What the visitor wants next.
enum class WalkAction { Continue, Skip };

/// Walks `operand` (its subtree too with `recurse`), calling `visit` per
/// entry. Skip on a Dir entry does not descend into it. A recursive walk
/// of a staged directory first reads its records (Session::prefetch_tree()
/// with `record_fields`: what the visitor reads of them).
void walk_tree(Session& session, std::string_view operand, WalkFollow follow, bool recurse,
               const std::function<WalkAction(WalkEntry&)>& visit,
               unsigned record_fields = Store::kOwner | Store::kGroup | Store::kDisk);

/// The place a symlink entry's target is (in the stage for staged entries, the
/// same place to be used with follow on the host). error set when unresolvable.
Place walk_referent(Session& session, const WalkEntry& entry);

/// True when `st` is the host's "/" (--preserve-root; a stage's root never is).
bool is_host_root(const struct stat& st);

/// GNU's --preserve-root refusal: "it is dangerous to operate recursively on ..." and the hint.
void warn_recursive_root(const std::string& path);

/// GNU's warning for a directory cycle met in a walk that follows no symlinks there.
void warn_cycle(const std::string& path);

}  // namespace stage
