// root_fs: name resolution inside the staging root as if it were "/" (chroot-like),
// so that no staged operation reaches outside it whatever symlinks the stage holds.
#pragma once

#include <fcntl.h>
#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace stage {

/// An owned file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

/// The place an operation acts on: `name` relative to directory `dirfd`.
/// Real paths use AT_FDCWD and the path itself; staged paths use the resolved
/// parent directory inside the stage and one leaf name (never a symlink that
/// would be followed: staged operations use *at() calls with NOFOLLOW).
struct Place {
  int dirfd = AT_FDCWD;
  std::string name;
  bool staged = false;
  std::string logical;   ///< staged: canonical logical path ("/usr/lib64/x")
  int error = 0;         ///< nonzero: the parent could not be resolved (errno)
  std::shared_ptr<UniqueFd> dir;  ///< keeps dirfd open
};

/// The staging root, opened once.
class StageRoot {
 public:
  /// Opens the root directory. Throws std::system_error when it cannot.
  explicit StageRoot(const std::string& destdir);
  /// Uses an open root directory (duplicated; the caller keeps `root_fd`).
  StageRoot(int root_fd, std::string destdir);

  /// Resolves a logical path. The parent is resolved in the root; with
  /// `follow_last` a final symlink is followed (in the root) as well.
  /// A missing parent gives a Place with error set (ENOENT, ENOTDIR, ELOOP).
  Place locate(std::string_view logical, bool follow_last) const;

  /// Creates the missing directories of `logical` (with `include_last`, the
  /// last component too) with on-disk mode `disk_mode`, following symlinks in
  /// the root. Calls `created(canonical_logical_path)` for each one made.
  /// Returns 0 or an errno; `failed_at` gets the logical path that failed.
  int make_dirs(std::string_view logical, bool include_last, mode_t disk_mode,
                const std::function<void(const std::string&)>& created, std::string* failed_at = nullptr) const;

  /// ENAMETOOLONG when the staged path, DESTDIR + `logical`, reaches PATH_MAX
  /// or a component exceeds NAME_MAX (what the kernel refuses in one path),
  /// else 0. locate() and make_dirs() refuse such paths.
  int name_too_long(std::string_view logical) const;
  /// The real path on disk of a staged place (for external programs like strip).
  std::string real_path(const Place& place) const;

  const std::string& destdir() const { return destdir_; }
  int fd() const { return root_->get(); }

  /// Tests only: resolve without openat2, through the portable walk.
  void force_portable_walk(bool on) { portable_only_ = on; }

 private:
  struct WalkResult;
  WalkResult walk(std::string_view logical, bool follow_last, bool stop_at_parent, const mode_t* create_mode,
                  const std::function<void(const std::string&)>* created) const;

  std::string destdir_;
  std::shared_ptr<UniqueFd> root_;
  bool portable_only_ = false;
};

/// Opens the staged object at `logical` with `flags` (O_NOFOLLOW is added:
/// a final symlink is never followed), confined to the root whose open
/// directory is `root_fd`: one openat2(RESOLVE_IN_ROOT|RESOLVE_NO_SYMLINKS)
/// when the kernel allows it; when it is missing (ENOSYS) or refused
/// (EPERM, as container seccomp profiles do) StageRoot's portable walk
/// resolves the parent in the root. Returns the descriptor, or -1 with errno.
/// Everything that opens a staged path by name goes through this or
/// StageRoot (the exports' content reads included).
int open_in_root(int root_fd, std::string_view logical, int flags);

/// Tests only: behave as if openat2 were refused (the fallback of
/// StageRoot and open_in_root()), for the whole process.
void simulate_openat2_refused(bool on);

}  // namespace stage
