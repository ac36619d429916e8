// view_move: renames overlayfs refuses under union capture, done through the build's view.
#include "stage/view_move.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "stage/mode.h"

namespace stage {

TreeStep tree_step(mode_t host_mode, mode_t stage_mode) {
  if (stage_mode != 0) {
    // A directory of the stage over one of the host's is merged: overlayfs
    // without redirect_dir refuses to rename it (EXDEV). Anything else the
    // stage holds is the upper layer's own and moves whole.
    return S_ISDIR(stage_mode) && S_ISDIR(host_mode) ? TreeStep::Descend : TreeStep::Rename;
  }
  if (S_ISDIR(host_mode)) return TreeStep::Descend;
  if (S_ISREG(host_mode) || S_ISLNK(host_mode) || S_ISFIFO(host_mode)) return TreeStep::Copy;
  return TreeStep::Refuse;
}

namespace {

constexpr unsigned kNoReplace = 1;  // RENAME_NOREPLACE

int rename_flags(const std::string& from, const std::string& to, unsigned flags) {
  int rc = flags ? static_cast<int>(::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), flags))
                 : ::rename(from.c_str(), to.c_str());
  return rc == 0 ? 0 : errno;
}

/// The names in directory `path`, sorted; 0 or an errno.
int list_dir(const std::string& path, std::vector<std::string>& names) {
  DIR* d = ::opendir(path.c_str());
  if (!d) return errno;
  errno = 0;
  while (struct dirent* e = ::readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
  int err = errno;
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return err;
}

int plan_below(const std::string& view, const std::string& from, const std::string& rel,
               const std::function<mode_t(const std::string&)>& stage_mode, std::vector<TreeItem>& plan) {
  TreeItem item;
  item.rel = rel;
  std::string logical = from + rel;
  if (::lstat((view + logical).c_str(), &item.seen) != 0) return errno;
  if (::lstat(logical.c_str(), &item.host) != 0) {
    if (errno != ENOENT && errno != ENOTDIR) return errno;
    item.host = {};
  }
  item.step = rel.empty() ? TreeStep::Descend : tree_step(item.host.st_mode, stage_mode(logical));
  switch (item.step) {
    case TreeStep::Refuse: return EXDEV;
    case TreeStep::Copy:
      // Refused before anything changes: a host file the build cannot read.
      if (S_ISREG(item.seen.st_mode)) {
        int fd = ::open((view + logical).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return errno;
        ::close(fd);
      }
      break;
    case TreeStep::Rename:
    case TreeStep::Descend: break;
  }
  if (item.step == TreeStep::Descend && !S_ISDIR(item.seen.st_mode)) return EXDEV;  // changed under us
  plan.push_back(item);
  if (item.step != TreeStep::Descend) return 0;
  std::vector<std::string> names;
  if (int err = list_dir(view + logical, names)) return err;
  for (const auto& name : names)
    if (int err = plan_below(view, from, rel + "/" + name, stage_mode, plan)) return err;
  return 0;
}

/// Removes what we made at `path` (a tree of our temporary directory).
void remove_made(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    std::vector<std::string> names;
    list_dir(path, names);
    for (const auto& n : names) remove_made(path + "/" + n);
    ::rmdir(path.c_str());
  } else {
    ::unlink(path.c_str());
  }
}

}  // namespace

int plan_tree_move(const std::string& view, const std::string& from,
                   const std::function<mode_t(const std::string&)>& stage_mode, std::vector<TreeItem>& plan) {
  plan.clear();
  return plan_below(view, from, "", stage_mode, plan);
}

int copy_host_object(const std::string& from, const std::string& to, const struct stat& host) {
  if (S_ISLNK(host.st_mode)) {
    std::string text(4096, '\0');
    ssize_t n = ::readlink(from.c_str(), text.data(), text.size());
    if (n < 0) return errno;
    if (static_cast<size_t>(n) >= text.size()) return ENAMETOOLONG;
    text.resize(static_cast<size_t>(n));
    if (::symlink(text.c_str(), to.c_str()) != 0) return errno;
    struct timespec times[2] = {host.st_atim, host.st_mtim};
    ::utimensat(AT_FDCWD, to.c_str(), times, AT_SYMLINK_NOFOLLOW);
    return 0;
  }
  if (S_ISFIFO(host.st_mode)) {
    if (::mkfifo(to.c_str(), disk_mode_for(host.st_mode & 07777, false)) != 0) return errno;
    ::chmod(to.c_str(), disk_mode_for(host.st_mode & 07777, false));  // the umask took its share
    struct timespec times[2] = {host.st_atim, host.st_mtim};
    ::utimensat(AT_FDCWD, to.c_str(), times, AT_SYMLINK_NOFOLLOW);
    return 0;
  }
  if (!S_ISREG(host.st_mode)) return EXDEV;
  int in = ::open(from.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0) return errno;
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0) {
    int err = errno;
    ::close(in);
    return err;
  }
  int err = 0;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    if (n == 0) break;
    for (ssize_t off = 0; off < n && !err;) {
      ssize_t w = ::write(out, buf + off, static_cast<size_t>(n - off));
      if (w < 0 && errno != EINTR) err = errno;
      if (w > 0) off += w;
    }
    if (err) break;
  }
  if (!err && ::fchmod(out, disk_mode_for(host.st_mode & 07777, false)) != 0) err = errno;
  struct timespec times[2] = {host.st_atim, host.st_mtim};
  if (!err) ::futimens(out, times);
  if (::close(out) != 0 && !err) err = errno;
  ::close(in);
  if (err) ::unlink(to.c_str());
  return err;
}

int move_tree(const std::string& view, const std::string& from, const std::string& to, unsigned flags,
              const std::vector<TreeItem>& plan, bool& in_place) {
  in_place = false;
  if (plan.empty()) return EINVAL;
  const std::string src = view + from, dst = view + to;
  // The kernel's answers about the target, before any work.
  struct stat t;
  if (::lstat(dst.c_str(), &t) == 0) {
    if (flags & kNoReplace) return EEXIST;
    if (!S_ISDIR(t.st_mode)) return ENOTDIR;
    std::vector<std::string> names;
    if (int err = list_dir(dst, names)) return err;
    if (!names.empty()) return ENOTEMPTY;
  } else if (errno != ENOENT) {
    return errno;
  }
  // Beside the target, named as our temporaries are (listings skip one a
  // crash would leave).
  std::string tmp = dst.substr(0, dst.rfind('/')) + "/.stage-tmp." + std::to_string(::getpid()) + "." +
                    std::to_string(plan.front().seen.st_ino);
  if (::mkdir(tmp.c_str(), 0700) != 0) return errno;
  std::vector<const TreeItem*> renamed;
  int err = 0;
  for (const auto& item : plan) {
    std::string at = tmp + item.rel;
    switch (item.step) {
      case TreeStep::Descend:
        if (!item.rel.empty() && ::mkdir(at.c_str(), 0700) != 0) err = errno;
        break;
      case TreeStep::Rename:
        if (::rename((src + item.rel).c_str(), at.c_str()) != 0) err = errno;
        else renamed.push_back(&item);
        break;
      case TreeStep::Copy: err = copy_host_object(src + item.rel, at, item.seen); break;
      case TreeStep::Refuse: err = EXDEV; break;
    }
    if (err) break;
  }
  // Directories get their modes and times last, deepest first (a mode
  // without write permission would stop their filling).
  for (auto it = plan.rbegin(); !err && it != plan.rend(); ++it) {
    if (it->step != TreeStep::Descend) continue;
    std::string at = tmp + it->rel;
    if (::chmod(at.c_str(), it->disk_mode) != 0) err = errno;
    struct timespec times[2] = {it->seen.st_atim, it->seen.st_mtim};
    if (!err) ::utimensat(AT_FDCWD, at.c_str(), times, 0);
  }
  if (!err) err = rename_flags(tmp, dst, flags & kNoReplace);
  if (err) {
    // Back as it was: what the stage held returns to its place, the copies go.
    for (auto it = renamed.rbegin(); it != renamed.rend(); ++it)
      ::rename((tmp + (*it)->rel).c_str(), (src + (*it)->rel).c_str());
    remove_made(tmp);
    return err;
  }
  in_place = true;
  // The old name goes: what is left of it is the host's (the stage's own
  // entries moved), so the overlay leaves whiteouts, deepest first.
  int first = 0;
  for (auto it = plan.rbegin(); it != plan.rend(); ++it) {
    std::string at = src + it->rel;
    int rc = 0;
    if (it->step == TreeStep::Descend) rc = ::rmdir(at.c_str());
    else if (it->step == TreeStep::Copy) rc = ::unlink(at.c_str());
    if (rc != 0 && !first) first = errno;
  }
  return first;
}

}  // namespace stage
