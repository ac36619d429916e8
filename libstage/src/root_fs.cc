// root_fs: chroot-like resolution inside the stage. The fast path is one
// openat2(RESOLVE_IN_ROOT|RESOLVE_NO_SYMLINKS) for the parent directory; when
// the path crosses a symlink, or the kernel lacks openat2, a portable walk
// resolves one component at a time with O_NOFOLLOW, expands symlinks itself
// (absolute targets restart at the stage root, ".." stops there) and so also
// learns the canonical logical path that records are keyed by.
#include "stage/root_fs.h"

#include "stage/path_map.h"

#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <deque>
#include <system_error>
#include <vector>

namespace stage {

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

namespace {

constexpr int kMaxSymlinks = 40;
bool g_openat2_missing = false;

std::string join_logical(const std::vector<std::string>& parts, const std::string& leaf) {
  std::string out;
  for (const auto& p : parts) {
    out += '/';
    out += p;
  }
  if (!leaf.empty() && leaf != ".") {
    out += '/';
    out += leaf;
  }
  return out.empty() ? "/" : out;
}

int open_beneath(int root, const std::string& rel) {
  struct open_how how = {};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(::syscall(SYS_openat2, root, rel.c_str(), &how, sizeof how));
}

std::string read_link_fd(int fd) {
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = ::readlinkat(fd, "", buf.data(), buf.size());
    if (n < 0) return {};
    if (static_cast<size_t>(n) < buf.size()) {
      buf.resize(n);
      return buf;
    }
    buf.resize(buf.size() * 2);
  }
}

}  // namespace

struct StageRoot::WalkResult {
  int error = 0;
  std::shared_ptr<UniqueFd> dir;
  std::vector<std::string> canon;
  std::string leaf = ".";
  std::string failed_at;
};

StageRoot::StageRoot(const std::string& destdir) : destdir_(destdir) {
  int fd = ::open(destdir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), destdir);
  root_ = std::make_shared<UniqueFd>(fd);
}

StageRoot::WalkResult StageRoot::walk(std::string_view logical, bool follow_last, bool stop_at_parent,
                                      const mode_t* create_mode,
                                      const std::function<void(const std::string&)>* created) const {
  WalkResult r;
  std::vector<std::string> parts = path_components(logical);
  r.dir = root_;
  if (parts.empty()) return r;
  // The kernel refuses such a path given whole (GNU: "File name too long");
  // the walk below would not, and every export of the stage would then fail.
  if (int err = name_too_long(logical)) {
    r.error = err;
    r.failed_at = std::string(logical);
    return r;
  }

  // Fast path: the directory in one call, when no symlink is crossed.
  if (!portable_only_ && !g_openat2_missing) {
    size_t dir_parts = stop_at_parent ? parts.size() - 1 : parts.size();
    std::string rel;
    for (size_t i = 0; i < dir_parts; ++i) {
      if (i) rel += '/';
      rel += parts[i];
    }
    int fd = rel.empty() ? ::fcntl(root_->get(), F_DUPFD_CLOEXEC, 0) : open_beneath(root_->get(), rel);
    if (fd >= 0) {
      auto dir = std::make_shared<UniqueFd>(fd);
      bool done = true;
      if (stop_at_parent && follow_last) {
        struct stat st;
        done = ::fstatat(fd, parts.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 ? !S_ISLNK(st.st_mode)
                                                                                  : errno == ENOENT;
      }
      if (done) {
        r.dir = dir;
        r.canon.assign(parts.begin(), parts.begin() + dir_parts);
        r.leaf = stop_at_parent ? parts.back() : ".";
        return r;
      }
    } else if (errno == ENOSYS || errno == EPERM) {
      // No openat2 (before 5.6), or a seccomp filter refuses it (containers).
      g_openat2_missing = true;
    }
    // Otherwise a symlink, a missing or a wrong component: the portable walk
    // follows, creates or names the failing component.
  }

  std::deque<std::string> queue(parts.begin(), parts.end());
  int links = 0;
  std::shared_ptr<UniqueFd> cur = root_;
  auto reopen_canonical = [&]() -> int {
    std::shared_ptr<UniqueFd> d = root_;
    for (const auto& c : r.canon) {
      int fd = ::openat(d->get(), c.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) return errno;
      d = std::make_shared<UniqueFd>(fd);
    }
    cur = d;
    return 0;
  };

  while (!queue.empty()) {
    std::string c = std::move(queue.front());
    queue.pop_front();
    bool last = queue.empty();
    if (c == ".") continue;
    if (c == "..") {
      if (!r.canon.empty()) {
        r.canon.pop_back();
        if (int err = reopen_canonical()) {
          r.error = err;
          r.failed_at = join_logical(r.canon, "");
          return r;
        }
      }
      continue;
    }
    if (last && stop_at_parent && !follow_last) {
      r.dir = cur;
      r.leaf = c;
      return r;
    }
    int fd = ::openat(cur->get(), c.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create_mode != nullptr) {
      if (::mkdirat(cur->get(), c.c_str(), *create_mode) == 0) {
        if (created) (*created)(join_logical(r.canon, c));
      } else if (errno != EEXIST) {
        r.error = errno;
        r.failed_at = join_logical(r.canon, c);
        return r;
      }
      fd = ::openat(cur->get(), c.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
      if (errno == ENOENT && last && stop_at_parent) {
        r.dir = cur;
        r.leaf = c;
        return r;
      }
      r.error = errno;
      r.failed_at = join_logical(r.canon, c);
      return r;
    }
    UniqueFd owned(fd);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      r.error = errno;
      r.failed_at = join_logical(r.canon, c);
      return r;
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxSymlinks) {
        r.error = ELOOP;
        r.failed_at = join_logical(r.canon, c);
        return r;
      }
      std::string target = read_link_fd(fd);
      if (target.empty()) {
        r.error = ENOENT;
        r.failed_at = join_logical(r.canon, c);
        return r;
      }
      if (target[0] == '/') {
        r.canon.clear();
        cur = root_;
      }
      auto expanded = path_components(target);
      if (last && target.back() == '/') expanded.push_back(".");
      queue.insert(queue.begin(), expanded.begin(), expanded.end());
      if (expanded.empty()) continue;  // "/" itself
      continue;
    }
    if (last && stop_at_parent) {
      r.dir = cur;
      r.leaf = c;
      return r;
    }
    if (!S_ISDIR(st.st_mode)) {
      r.error = (last && create_mode) ? EEXIST : ENOTDIR;
      r.failed_at = join_logical(r.canon, c);
      return r;
    }
    cur = std::make_shared<UniqueFd>(owned.release());
    r.canon.push_back(c);
  }
  r.dir = cur;
  r.leaf = ".";
  return r;
}

StageRoot::StageRoot(int root_fd, std::string destdir) : destdir_(std::move(destdir)) {
  int fd = ::fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), destdir_);
  root_ = std::make_shared<UniqueFd>(fd);
}

void simulate_openat2_refused(bool on) { g_openat2_missing = on; }

int open_in_root(int root_fd, std::string_view logical, int flags) {
  flags |= O_NOFOLLOW | O_CLOEXEC;
  std::string rel = logical.size() > 1 ? std::string(logical.substr(1)) : std::string(".");
  if (!g_openat2_missing) {
    struct open_how how = {};
    how.flags = static_cast<uint64_t>(flags);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    int fd = static_cast<int>(::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how));
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) return fd;
    g_openat2_missing = true;
  }
  try {
    StageRoot root(root_fd, std::string());
    Place p = root.locate(logical, /*follow_last=*/false);
    if (p.error) {
      errno = p.error;
      return -1;
    }
    return ::openat(p.dirfd, p.name.c_str(), flags);
  } catch (const std::system_error& e) {
    errno = e.code().value();
    return -1;
  }
}

Place StageRoot::locate(std::string_view logical, bool follow_last) const {
  WalkResult w = walk(logical, follow_last, /*stop_at_parent=*/true, nullptr, nullptr);
  Place p;
  p.staged = true;
  p.error = w.error;
  p.dir = w.dir;
  p.dirfd = w.dir->get();
  p.name = w.leaf;
  p.logical = w.error ? std::string(logical) : join_logical(w.canon, w.leaf);
  // Symlinks in the stage may lengthen the path records are keyed by.
  if (!p.error) p.error = name_too_long(p.logical);
  return p;
}

int StageRoot::make_dirs(std::string_view logical, bool include_last, mode_t disk_mode,
                         const std::function<void(const std::string&)>& created, std::string* failed_at) const {
  std::string target(logical);
  if (!include_last) {
    auto slash = target.find_last_of('/');
    target = slash == 0 || slash == std::string::npos ? "/" : target.substr(0, slash);
  }
  WalkResult w = walk(target, true, false, &disk_mode, &created);
  // A non-directory where a parent must be is "Not a directory", as GNU
  // reports it; "File exists" only for the directory to be made itself.
  if (w.error == EEXIST && !include_last) w.error = ENOTDIR;
  if (w.error && failed_at) *failed_at = w.failed_at;
  return w.error;
}

int StageRoot::name_too_long(std::string_view logical) const {
  if (destdir_.size() + logical.size() >= PATH_MAX) return ENAMETOOLONG;
  for (const auto& c : path_components(logical))
    if (c.size() > NAME_MAX) return ENAMETOOLONG;
  return 0;
}

std::string StageRoot::real_path(const Place& place) const {
  return place.logical == "/" ? destdir_ : destdir_ + place.logical;
}

}  // namespace stage
