// tree_walk: fts-like traversal on directory fds (facts from gnulib's fts.c:
// operands keep one trailing slash, children are read in directory order
// before any is visited, a directory is opened only after its pre-order visit
// so that chmod -R can make it readable first).
#include "stage/tree_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>
#include <vector>

#include "stage/diag.h"
#include "stage/session.h"

namespace stage {
namespace {

WalkInfo info_of(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return WalkInfo::Dir;
  if (S_ISLNK(st.st_mode)) return WalkInfo::Symlink;
  return WalkInfo::File;
}

bool lstat_at(const Place& p, struct stat* st) {
  return p.error == 0 && ::fstatat(p.dirfd, p.name.c_str(), st, AT_SYMLINK_NOFOLLOW) == 0;
}

std::string child_logical(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

class Walker {
 public:
  Walker(Session& session, WalkFollow follow, bool recurse, const std::function<WalkAction(WalkEntry&)>& visit,
         unsigned record_fields)
      : session_(session), follow_(follow), recurse_(recurse), visit_(visit), record_fields_(record_fields) {}

  void root(std::string_view operand) {
    WalkEntry e;
    // fts: two or more trailing slashes become one ("///" becomes "/").
    std::string path(operand);
    if (path.size() > 2 && path.back() == '/')
      while (path.size() > 1 && path[path.size() - 2] == '/') path.pop_back();
    e.path = path;
    bool follow = follow_ != WalkFollow::Physical;
    // "link/" names the directory the link points to, even under -P (the
    // kernel resolves a trailing slash; a staged place lost it to folding).
    bool slash = path.size() > 1 && path.back() == '/';
    Place first = session_.place(path, follow || slash);
    if (first.staged) {
      if (lstat_at(first, &e.st)) {
        e.place = std::move(first);
        e.info = info_of(e.st);
        e.followed = follow;
      } else {
        int err = first.error ? first.error : errno;
        Place link = follow ? session_.place(path, false) : first;
        struct stat lst;
        if (follow && err == ENOENT && lstat_at(link, &lst) && S_ISLNK(lst.st_mode)) {
          e.info = WalkInfo::DanglingSymlink;
          e.st = lst;
        } else {
          e.info = WalkInfo::NoStat;
          e.error = err;
        }
        e.place = std::move(link);
      }
    } else {
      e.place = std::move(first);
      host_stat(e, follow);
    }
    process(e);
  }

 private:
  void host_stat(WalkEntry& e, bool follow) {
    const char* name = e.place.name.c_str();
    if (::fstatat(e.place.dirfd, name, &e.st, follow ? 0 : AT_SYMLINK_NOFOLLOW) == 0) {
      e.info = info_of(e.st);
      e.followed = follow;
      return;
    }
    int err = errno;
    if (follow && err == ENOENT && ::fstatat(e.place.dirfd, name, &e.st, AT_SYMLINK_NOFOLLOW) == 0) {
      e.info = WalkInfo::DanglingSymlink;
      return;
    }
    e.info = WalkInfo::NoStat;
    e.error = err;
  }

  void child(const WalkEntry& parent, const std::shared_ptr<UniqueFd>& dir, const std::string& name) {
    WalkEntry e;
    e.level = parent.level + 1;
    e.path = parent.path;
    if (e.path.empty() || e.path.back() != '/') e.path += '/';
    e.path += name;
    e.place.dir = dir;
    e.place.dirfd = dir->get();
    e.place.name = name;
    e.place.staged = parent.place.staged;
    bool follow = follow_ == WalkFollow::Logical;
    if (!e.place.staged) {
      host_stat(e, follow);
    } else {
      e.place.logical = child_logical(parent.place.logical, name);
      if (!lstat_at(e.place, &e.st)) {
        e.info = WalkInfo::NoStat;
        e.error = errno;
      } else if (S_ISLNK(e.st.st_mode) && follow) {
        Place target = session_.root().locate(e.place.logical, true);
        struct stat tst;
        if (lstat_at(target, &tst)) {
          e.place = std::move(target);
          e.st = tst;
          e.info = info_of(tst);
          e.followed = true;
        } else {
          int err = target.error ? target.error : errno;
          e.info = err == ENOENT ? WalkInfo::DanglingSymlink : WalkInfo::NoStat;
          e.error = err == ENOENT ? 0 : err;
        }
      } else {
        e.info = info_of(e.st);
      }
    }
    process(e);
  }

  void process(WalkEntry& e) {
    if (e.info != WalkInfo::Dir) {
      visit_(e);
      return;
    }
    for (const auto& a : ancestors_)
      if (a.first == e.st.st_dev && a.second == e.st.st_ino) {
        e.info = WalkInfo::Cycle;
        visit_(e);
        return;
      }
    // A -R walk of a staged tree reads its records in one query up front.
    if (recurse_ && e.level == 0 && e.place.staged)
      session_.prefetch_tree(e.place.logical.empty() ? std::string("/") : e.place.logical, record_fields_);
    if (visit_(e) == WalkAction::Skip || !recurse_) return;

    int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK;
    if (e.place.staged || !e.followed) flags |= O_NOFOLLOW;
    int fd = e.place.error ? -1 : ::openat(e.place.dirfd, e.place.name.c_str(), flags);
    if (fd < 0) {
      e.info = WalkInfo::Unreadable;
      e.error = e.place.error ? e.place.error : errno;
      visit_(e);
      return;
    }
    auto dir = std::make_shared<UniqueFd>(fd);
    std::vector<std::string> names;
    int listing = ::dup(fd);
    DIR* d = listing >= 0 ? ::fdopendir(listing) : nullptr;
    if (d == nullptr) {
      if (listing >= 0) ::close(listing);
      e.info = WalkInfo::Unreadable;
      e.error = errno;
      visit_(e);
      return;
    }
    while (struct dirent* ent = ::readdir(d)) {
      std::string_view n(ent->d_name);
      if (n == "." || n == "..") continue;
      names.emplace_back(n);
    }
    ::closedir(d);

    ancestors_.emplace_back(e.st.st_dev, e.st.st_ino);
    if (e.place.staged && e.place.logical.empty()) e.place.logical = "/";
    for (const auto& name : names) child(e, dir, name);
    ancestors_.pop_back();
    e.info = WalkInfo::DirPost;
    visit_(e);
  }

  Session& session_;
  WalkFollow follow_;
  bool recurse_;
  const std::function<WalkAction(WalkEntry&)>& visit_;
  unsigned record_fields_;
  std::vector<std::pair<dev_t, ino_t>> ancestors_;
};

}  // namespace

void walk_tree(Session& session, std::string_view operand, WalkFollow follow, bool recurse,
               const std::function<WalkAction(WalkEntry&)>& visit, unsigned record_fields) {
  Walker(session, follow, recurse, visit, record_fields).root(operand);
}

bool is_host_root(const struct stat& st) {
  static struct stat root;
  static const bool have = ::stat("/", &root) == 0;
  return have && st.st_dev == root.st_dev && st.st_ino == root.st_ino;
}

void warn_recursive_root(const std::string& path) {
  using diag::quote;
  if (path == "/")
    diag::error("it is dangerous to operate recursively on " + quote(path));
  else
    diag::error("it is dangerous to operate recursively on " + quote(path) + " (same as " + quote("/") + ")");
  diag::error("use --no-preserve-root to override this failsafe");
}

void warn_cycle(const std::string& path) {
  diag::error(
      "WARNING: Circular directory structure.\nThis almost certainly means that you have a corrupted file "
      "system.\nNOTIFY YOUR SYSTEM MANAGER.\nThe following directory is part of the cycle:\n  " +
      diag::quote_if_needed(path) + "\n");
}

Place walk_referent(Session& session, const WalkEntry& entry) {
  if (!entry.place.staged) return entry.place;
  return session.root().locate(entry.place.logical, true);
}

}  // namespace stage
