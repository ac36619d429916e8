// view_move: union capture's renames that overlayfs refuses (a host file it
// cannot copy up, a host directory it will not rename), done by the
// supervisor through the build's own view of the overlay (/proc/PID/root).
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace stage {

/// What happens to one entry of a directory that is moved through the view.
enum class TreeStep {
  Rename,   ///< the stage (upper layer) holds it, not merged: the kernel renames it whole, inode and all
  Descend,  ///< a host directory (lower only, or merged with the stage's): made anew, its entries moved one by one
  Copy,     ///< a host-only file, symlink or fifo: copied (content, link target, permission bits, times)
  Refuse,   ///< a host-only socket or device, or nothing: the move is refused (EXDEV, as the kernel answers)
};

/// The step for an entry that the build's view shows, from its type on the
/// host (`host_mode`, 0: not there) and in the stage's upper layer
/// (`stage_mode`, 0: not there).
TreeStep tree_step(mode_t host_mode, mode_t stage_mode);

/// One entry of a planned move, in pre-order (a directory before its entries).
struct TreeItem {
  std::string rel;        ///< below the moved directory: "" for itself, else "/a/b"
  TreeStep step = TreeStep::Descend;
  struct stat seen {};    ///< the entry as the view shows it
  struct stat host {};    ///< the host's object (st_mode 0 when the host has none)
  mode_t disk_mode = 0;   ///< Descend: the permission bits the new directory gets on disk (the caller's choice)
};

/// Plans the move of the directory `from` (a logical path, also the host's
/// path of the lower layer) as the view `view` ("/proc/PID/root") shows it:
/// walks it, deciding tree_step() for each entry from the host's object and
/// `stage_mode(logical)` (the upper layer's type, 0 when none). The top is
/// always Descend. Returns 0, or the errno that refuses the move before
/// anything changes: EACCES for a host file the caller cannot read or a
/// directory it cannot list, EXDEV for a Refuse step.
int plan_tree_move(const std::string& view, const std::string& from,
                   const std::function<mode_t(const std::string&)>& stage_mode, std::vector<TreeItem>& plan);

/// Carries out `plan` (from plan_tree_move()) through `view`: rename(2) of
/// `from` to `to` as the kernel answers it for directories (`flags`:
/// RENAME_NOREPLACE's EEXIST; ENOTDIR, ENOTEMPTY for the target). The new
/// tree is built under a temporary name beside `to` (Rename steps keep
/// their inodes), renamed onto `to`, then the rest of `from` is removed
/// (the overlay leaves whiteouts for the host's objects). Returns 0 or an
/// errno; before the new tree is in place a failure takes back what was
/// done. `in_place` tells whether `to` now holds the tree (only the removal
/// of `from` may have failed then).
int move_tree(const std::string& view, const std::string& from, const std::string& to, unsigned flags,
              const std::vector<TreeItem>& plan, bool& in_place);

/// Copies the host object `from` (a regular file, symlink or fifo, as
/// `host` describes it) to the new name `to`: content or link target, the
/// permission bits on disk that a recorded `host` mode gets (mode.h
/// disk_mode_for()), times. Returns 0 or an errno, leaving nothing at `to`.
int copy_host_object(const std::string& from, const std::string& to, const struct stat& host);

}  // namespace stage
