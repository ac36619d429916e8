// link_op: GNU ln's main() and do_link() (facts from coreutils 9.1's ln.c,
// force-link.c and relpath.c) over Places, so that one algorithm serves the
// host and the stage. In the stage the links are made with *at() calls
// relative to directories resolved inside it, and recorded.
#include "stage/link_op.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>

#include "stage/diag.h"
#include "stage/file_ops.h"
#include "stage/mode.h"
#include "stage/path_map.h"

namespace stage {

std::optional<std::string> relative_path(std::string_view path, std::string_view dir) {
  // relpath.c's path_common_prefix: the length of the common whole components.
  auto at = [](std::string_view s, size_t i) { return i < s.size() ? s[i] : '\0'; };
  if ((at(dir, 1) == '/') != (at(path, 1) == '/')) return std::nullopt;
  size_t i = 0, common = 0;
  while (i < dir.size() && i < path.size()) {
    if (dir[i] != path[i]) break;
    if (dir[i] == '/') common = i + 1;
    ++i;
  }
  if ((i == dir.size() && i == path.size()) || (i == dir.size() && at(path, i) == '/') ||
      (i == path.size() && at(dir, i) == '/'))
    common = i;
  if (common == 0) return std::nullopt;
  std::string_view relto = dir.substr(common), fname = path.substr(common);
  if (!relto.empty() && relto[0] == '/') relto.remove_prefix(1);
  if (!fname.empty() && fname[0] == '/') fname.remove_prefix(1);
  std::string out;
  if (!relto.empty()) {
    out = "..";
    for (char c : relto)
      if (c == '/') out += "/..";
    if (!fname.empty()) {
      out += '/';
      out += fname;
    }
  } else {
    out = fname.empty() ? "." : std::string(fname);
  }
  return out;
}

std::optional<std::string> canonicalize_missing(
    std::string_view absolute, const std::function<std::optional<std::string>(const std::string&)>& read_link) {
  if (absolute.empty() || absolute[0] != '/') return std::nullopt;
  std::string result = "/";
  std::string rest(absolute);
  int links = 0;
  // gnulib: past 20 symlinks, meeting the same (directory, remaining name)
  // again is a loop; with CAN_MISSING the looping name is kept as it is.
  std::set<std::pair<std::string, std::string>> seen;
  size_t pos = 0;
  while (pos < rest.size()) {
    while (pos < rest.size() && rest[pos] == '/') ++pos;
    size_t start = pos;
    size_t end = rest.find('/', pos);
    if (end == std::string::npos) end = rest.size();
    std::string component = rest.substr(pos, end - pos);
    pos = end;
    if (component.empty() || component == ".") continue;
    if (component == "..") {
      if (result.size() > 1) result.erase(std::max<size_t>(result.find_last_of('/'), 1));
      continue;
    }
    std::string candidate = result.size() > 1 ? result + "/" + component : "/" + component;
    if (auto target = read_link(candidate)) {
      if (links < 20) {
        ++links;
      } else if (!seen.emplace(result, rest.substr(start)).second) {
        result = std::move(candidate);
        continue;
      }
      rest = *target + rest.substr(pos);
      pos = 0;
      if (!target->empty() && (*target)[0] == '/') result = "/";
      continue;  // `result` stays the link's directory
    }
    result = std::move(candidate);
  }
  return result;
}

namespace {

using diag::quote;

// gnulib's last_component(): the last name, trailing slashes included.
std::string_view last_component(std::string_view name) {
  size_t i = 0;
  while (i < name.size() && name[i] == '/') ++i;
  size_t base = i;
  bool last_was_slash = false;
  for (; i < name.size(); ++i) {
    if (name[i] == '/') {
      last_was_slash = true;
    } else if (last_was_slash) {
      base = i;
      last_was_slash = false;
    }
  }
  return name.substr(base);
}

size_t base_len(std::string_view base) {
  size_t len = base.size();
  while (len > 1 && base[len - 1] == '/') --len;
  return len;
}

// gnulib's file_name_concat(): DIR's trailing slashes give way to one '/'.
std::string file_name_concat(std::string_view dir, std::string_view base) {
  std::string_view dirbase = last_component(dir);
  size_t dirbaselen = dirbase.empty() ? 0 : base_len(dirbase);
  size_t dirlen = static_cast<size_t>(dirbase.data() - dir.data()) + dirbaselen;
  std::string out(dir.substr(0, dirlen));
  if (dirbaselen) {
    if (dir[dirlen - 1] != '/' && (base.empty() || base[0] != '/')) out += '/';
  } else if (!base.empty() && base[0] == '/') {
    out += '.';
  }
  out += base;
  return out;
}

// gnulib's dir_name().
std::string dir_name(std::string_view file) {
  size_t prefix = !file.empty() && file[0] == '/' ? 1 : 0;
  size_t length = static_cast<size_t>(last_component(file).data() - file.data());
  while (prefix < length && file[length - 1] == '/') --length;
  if (length == 0) return ".";
  return std::string(file.substr(0, length));
}

std::string leaf_of(std::string_view path) {
  auto slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string parent_logical(const std::string& logical) {
  auto slash = logical.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : logical.substr(0, slash);
}

std::string join_logical(const std::string& dir, const std::string& leaf) {
  return dir == "/" ? "/" + leaf : dir + "/" + leaf;
}

/// "Cu" and six random characters, as force-link.c's temporaries.
std::string temp_name_beside(const std::string& name) {
  static std::minstd_rand rng(static_cast<unsigned>(::getpid()) ^ static_cast<unsigned>(::time(nullptr)));
  static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out = name.substr(0, name.size() - leaf_of(name).size()) + "Cu";
  for (int i = 0; i < 6; ++i) out += letters[rng() % (sizeof letters - 1)];
  return out;
}

/// Runs `make(temp)` on fresh temporary names beside `dest` until one is
/// free, then renames it onto `dest`. -1 when done (force-link.c's "replaced"), else an errno.
int replace_via_temp(const Place& dest, const std::function<int(const std::string&)>& make, bool unlink_after) {
  std::string tmp;
  int err = EEXIST;
  for (int attempt = 0; attempt < 100 && err == EEXIST; ++attempt) {
    tmp = temp_name_beside(dest.name);
    err = make(tmp);
  }
  if (err) return err;
  // A symlink or hard link has no unnamed form: its temporary name lives for
  // two system calls, and a TERM, INT or HUP meanwhile removes it.
  int slot = remember_temporary(dest.dirfd, tmp);
  int result = ::renameat(dest.dirfd, tmp.c_str(), dest.dirfd, dest.name.c_str()) == 0 ? -1 : errno;
  // A rename between two names of one inode is a no-op: drop the temporary.
  if (result != -1 || unlink_after) ::unlinkat(dest.dirfd, tmp.c_str(), 0);
  forget_temporary(slot);
  return result;
}

class Linker {
 public:
  Linker(Session& session, const LinkOptions& options, BackupSettings backup)
      : s_(session), o_(options), backup_(std::move(backup)) {}

  bool use_dest_set = false;
  void set_backup(BackupSettings backup) { backup_ = std::move(backup); }

  /// atomic_link(): the common case, no destination and no -r. -1: not tried.
  int atomic_link(const std::string& source, const Place& dest) {
    if (o_.symbolic) {
      if (o_.relative) return -1;
      return make_symlink(source, dest);
    }
    return make_hard_link(source, dest, false);
  }

  bool do_link(const std::string& source_arg, const Place& dest, const std::string& dest_shown, int link_errno) {
    std::string source = source_arg;
    struct stat source_stats {};
    int source_status = 1;
    std::string backup_base;
    replaced_ = OldObject();  // nothing of an earlier operand's
    if (link_errno < 0) link_errno = atomic_link(source, dest);

    if ((link_errno || use_dest_set) && !o_.symbolic) {
      if (int err = stat_source(source, o_.logical, &source_stats)) {
        diag::error("failed to access " + quote(source), err);
        return false;
      }
      source_status = 0;
    }

    if (link_errno) {
      if (!o_.symbolic && !o_.hard_dir_link && S_ISDIR(source_stats.st_mode)) {
        diag::error(diag::quote_if_needed(source) + ": hard link not allowed for directory");
        return false;
      }
      if (o_.relative) source = convert_abs_rel(source, dest_shown);

      bool force = o_.force || o_.interactive || backup_.type != BackupType::None;
      if (force) {
        struct stat dest_stats;
        if (int err = stat_place(dest, &dest_stats, false)) {
          if (err != ENOENT) {
            diag::error("failed to access " + quote(dest_shown), err);
            return false;
          }
          force = false;
        } else if (S_ISDIR(dest_stats.st_mode)) {
          diag::error(diag::quote_if_needed(dest_shown) + ": cannot overwrite directory");
          return false;
        } else if (seen_file(dest_shown, dest_stats)) {
          diag::error("will not overwrite just-created " + quote(dest_shown) + " with " + quote(source));
          return false;
        } else {
          if (backup_.type != BackupType::None ? !o_.symbolic : o_.force) {
            if (source_status != 0) source_status = stat_source(source, true, &source_stats);
            if (source_status == 0 && source_stats.st_dev == dest_stats.st_dev &&
                source_stats.st_ino == dest_stats.st_ino &&
                (source_stats.st_nlink == 1 || same_name(source, dest))) {
              diag::error(quote(source) + " and " + quote(dest_shown) + " are the same file");
              return false;
            }
          }
          if (link_errno < 0 || link_errno == EEXIST) {
            if (o_.interactive) {
              std::string prompt = diag::program() + ": replace " + quote(dest_shown) + "? ";
              std::fflush(stdout);
              ssize_t ignored = ::write(STDERR_FILENO, prompt.data(), prompt.size());
              (void)ignored;
              if (!yes()) return true;
            }
            if (backup_.type != BackupType::None) {
              backup_base = backup_name(dest.dirfd, dest.name, backup_.type, backup_.suffix);
              old_record_ = dest.staged ? s_.lookup(dest.logical) : std::nullopt;
              if (::renameat(dest.dirfd, dest.name.c_str(), dest.dirfd, backup_base.c_str()) != 0) {
                int err = errno;
                backup_base.clear();
                if (err != ENOENT) {
                  diag::error("cannot backup " + quote(dest_shown), err);
                  return false;
                }
                force = false;
              }
            }
          }
        }
      }
      // A staged destination about to be replaced is kept readable for the
      // undo of a failed commit (a backup is undone by its own rename).
      if (dest.staged && force && backup_base.empty()) replaced_ = capture_old(dest);
      link_errno = o_.symbolic ? force_symlink(source, dest, force, link_errno)
                               : force_hard_link(source, dest, force, link_errno);
    }

    if (link_errno <= 0) {
      if (!o_.symbolic && use_dest_set) dest_set_.push_back({dest_shown, source_stats.st_dev, source_stats.st_ino});
      if (dest.staged) record_link(source, dest, backup_base);
      if (o_.verbose) {
        std::string line;
        if (!backup_base.empty()) {
          std::string shown_backup = dest_shown.substr(0, dest_shown.size() - leaf_of(dest_shown).size()) +
                                     leaf_of(backup_base);
          line = quote(shown_backup) + " ~ ";
        }
        line += quote(dest_shown) + (o_.symbolic ? " -> " : " => ") + quote(source) + "\n";
        std::fwrite(line.data(), 1, line.size(), stdout);
      }
      return true;
    }

    if (o_.symbolic) {
      if (link_errno != ENAMETOOLONG && !source.empty())
        diag::error("failed to create symbolic link " + quote(dest_shown), link_errno);
      else
        diag::error("failed to create symbolic link " + quote(dest_shown) + " -> " + quote(source), link_errno);
    } else if (link_errno == EMLINK) {
      diag::error("failed to create hard link to " + quote(source), link_errno);
    } else if (link_errno == EDQUOT || link_errno == EEXIST || link_errno == ENOSPC || link_errno == EROFS) {
      diag::error("failed to create hard link " + quote(dest_shown), link_errno);
    } else {
      diag::error("failed to create hard link " + quote(dest_shown) + " => " + quote(source), link_errno);
    }
    if (!backup_base.empty() && ::renameat(dest.dirfd, backup_base.c_str(), dest.dirfd, dest.name.c_str()) != 0)
      diag::error("cannot un-backup " + quote(dest_shown), errno);
    return false;
  }

 private:
  struct Seen {
    std::string name;
    dev_t dev;
    ino_t ino;
  };

  bool seen_file(const std::string& name, const struct stat& st) const {
    for (const auto& s : dest_set_)
      if (s.name == name && s.dev == st.st_dev && s.ino == st.st_ino) return true;
    return false;
  }

  /// stat of a read operand (the stage's copy when staged), following a final symlink with `follow`.
  int stat_source(const std::string& source, bool follow, struct stat* st) {
    Place p = s_.source(source, follow);
    return stat_place(p, st, follow);
  }

  /// same_nameat(): the same directory entry (same leaf in the same directory).
  bool same_name(const std::string& source, const Place& dest) {
    Place src = s_.source(source, false);
    if (src.error || leaf_of(src.name) != leaf_of(dest.name)) return false;
    auto dir_stat = [](const Place& p, struct stat* st) {
      std::string dir = p.name.substr(0, p.name.size() - leaf_of(p.name).size());
      if (dir.empty()) dir = ".";
      return ::fstatat(p.dirfd, dir.c_str(), st, 0) == 0;
    };
    struct stat a, b;
    return dir_stat(src, &a) && dir_stat(dest, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
  }

  bool yes() {
    // stdio, not std::cin: <iostream> in any file of the drop-in binary runs
    // the iostreams' static set-up (44k instructions, callgrind) in every call.
    char* line = nullptr;
    size_t size = 0;
    bool answer = ::getline(&line, &size, stdin) > 0 && (line[0] == 'y' || line[0] == 'Y');
    std::free(line);
    return answer;
  }

  int make_symlink(const std::string& text, const Place& dest) {
    if (dest.error) return dest.error;
    return ::symlinkat(text.c_str(), dest.dirfd, dest.name.c_str()) == 0 ? 0 : errno;
  }

  int force_symlink(const std::string& text, const Place& dest, bool force, int err) {
    if (err < 0) err = make_symlink(text, dest);
    if (!force || err != EEXIST) return err;
    return replace_via_temp(
        dest,
        [&](const std::string& tmp) {
          return ::symlinkat(text.c_str(), dest.dirfd, tmp.c_str()) == 0 ? 0 : errno;
        },
        false);
  }

  /// A hard link; from the host into the stage, a copy (SPEC: a hard link never
  /// shares an inode with the outside). `replace` renames over an existing name.
  int make_hard_link(const std::string& source, const Place& dest, bool replace) {
    if (dest.error) return dest.error;
    Place src = s_.source(source, o_.logical);
    if (src.error) return src.error;
    if (dest.staged && !src.staged) return copy_into_stage(src, dest, replace);
    int flags = !src.staged && o_.logical ? AT_SYMLINK_FOLLOW : 0;
    if (!replace) return ::linkat(src.dirfd, src.name.c_str(), dest.dirfd, dest.name.c_str(), flags) == 0 ? 0 : errno;
    return replace_via_temp(
        dest,
        [&](const std::string& tmp) {
          return ::linkat(src.dirfd, src.name.c_str(), dest.dirfd, tmp.c_str(), flags) == 0 ? 0 : errno;
        },
        true);
  }

  int force_hard_link(const std::string& source, const Place& dest, bool force, int err) {
    if (err < 0) err = make_hard_link(source, dest, false);
    if (!force || err != EEXIST) return err;
    return make_hard_link(source, dest, true);
  }

  int copy_into_stage(const Place& src, const Place& dest, bool replace) {
    struct stat st;
    if (::fstatat(src.dirfd, src.name.c_str(), &st, o_.logical ? 0 : AT_SYMLINK_NOFOLLOW) != 0) return errno;
    if (S_ISLNK(st.st_mode)) {
      std::string text(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = ::readlinkat(src.dirfd, src.name.c_str(), text.data(), text.size());
      if (n < 0) return errno;
      text.resize(static_cast<size_t>(n));
      return replace ? force_symlink(text, dest, true, EEXIST) : make_symlink(text, dest);
    }
    if (!S_ISREG(st.st_mode)) return EXDEV;
    int fd = ::openat(src.dirfd, src.name.c_str(), O_RDONLY | O_CLOEXEC | (o_.logical ? 0 : O_NOFOLLOW));
    if (fd < 0) return errno;
    UniqueFd in(fd);
    TempFile tmp(dest);
    if (tmp.error()) return tmp.error();
    if (int err = copy_contents(in.get(), tmp.fd())) return err;
    if (::fchmod(tmp.fd(), disk_mode_for(st.st_mode & 07777, false)) != 0) return errno;
    // A hard link would share the times too.
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    ::futimens(tmp.fd(), times);
    copied_mode_ = st.st_mode & 07777;
    if (replace) {
      int err = tmp.commit();
      if (err) errno = err;
      return err == 0 ? -1 : err;
    }
    // Without replacing: an existing destination stays and gives EEXIST.
    return tmp.commit(false);
  }

  std::optional<std::string> canonical(const std::string& path) {
    if (path.empty()) return std::nullopt;
    std::string cwd = current_directory();
    if (s_.active()) {
      MappedPath m = map_path(s_.config(), lexical_absolute(path, cwd));
      if (m.staged) {
        const StageRoot& root = s_.root();
        return canonicalize_missing(m.path, [&](const std::string& logical) -> std::optional<std::string> {
          Place p = root.locate(logical, false);
          if (p.error) return std::nullopt;
          return read_link_at(p.dirfd, p.name);
        });
      }
    }
    std::string absolute = path[0] == '/' ? path : cwd + "/" + path;
    return canonicalize_missing(absolute, [](const std::string& host) { return read_link_at(AT_FDCWD, host); });
  }

  static std::optional<std::string> read_link_at(int dirfd, const std::string& name) {
    std::string buf(256, '\0');
    for (;;) {
      ssize_t n = ::readlinkat(dirfd, name.c_str(), buf.data(), buf.size());
      if (n < 0) return std::nullopt;
      if (static_cast<size_t>(n) < buf.size()) {
        buf.resize(static_cast<size_t>(n));
        return buf;
      }
      buf.resize(buf.size() * 2);
    }
  }

  /// convert_abs_rel(): SOURCE relative to DEST's directory, between
  /// canonical (in the stage: logical) locations.
  std::string convert_abs_rel(const std::string& from, const std::string& target) {
    auto real_dest = canonical(dir_name(target));
    auto real_from = canonical(from);
    if (real_dest && real_from)
      if (auto rel = relative_path(*real_from, *real_dest)) return *rel;
    return from;
  }

  /// The object at a staged destination before a link replaces it.
  struct OldObject {
    bool present = false;
    struct stat st {};
    UniqueFd fd;       ///< a regular file's content
    std::string text;  ///< a symlink's text
  };

  static OldObject capture_old(const Place& dest) {
    OldObject old;
    if (::fstatat(dest.dirfd, dest.name.c_str(), &old.st, AT_SYMLINK_NOFOLLOW) != 0) return old;
    old.present = true;
    if (S_ISREG(old.st.st_mode)) {
      old.fd = UniqueFd(::openat(dest.dirfd, dest.name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    } else if (S_ISLNK(old.st.st_mode)) {
      std::string text(static_cast<size_t>(old.st.st_size) + 1, '\0');
      ssize_t n = ::readlinkat(dest.dirfd, dest.name.c_str(), text.data(), text.size());
      if (n >= 0) old.text.assign(text.data(), static_cast<size_t>(n));
      else old.present = false;  // cannot be put back
    }
    return old;
  }

  /// How a failed commit takes this link back: the backup returns, the
  /// replaced file or symlink comes back, or the new name goes. (A replaced
  /// fifo or device, or a file we could not read, is not put back.)
  void undo_link(const Place& dest, const struct stat& made, const std::string& backup_base) {
    OldObject old = std::move(replaced_);
    replaced_ = OldObject();
    if (!backup_base.empty()) {
      s_.undo_backup(dest, made, backup_base);
    } else if (!old.present) {
      s_.undo_creation(dest, made);
    } else if (old.st.st_dev == made.st_dev && old.st.st_ino == made.st_ino) {
      // Two names of one inode: the rename changed nothing.
    } else if (S_ISLNK(old.st.st_mode)) {
      s_.undo_symlink_replacement(dest, made, std::move(old.text));
    } else if (old.fd) {
      s_.undo_replacement(dest, made, old.fd.release(), old.st);
    }
  }

  void record_link(const std::string& source, const Place& dest, const std::string& backup_base) {
    struct stat st;
    bool there = stat_place(dest, &st, false) == 0;
    if (there) undo_link(dest, st, backup_base);
    if (!backup_base.empty() && old_record_) {
      Entry moved = *old_record_;
      moved.path = join_logical(parent_logical(dest.logical), leaf_of(backup_base));
      s_.record(moved);
      s_.forget(dest.logical);
    }
    old_record_.reset();
    if (!there) return;
    Entry e;
    // A new inode (a symlink, a copy) in a setgid directory takes the
    // directory's group; a hard link keeps its inode's.
    Principal group = s_.default_group();
    if (o_.symbolic || !S_ISLNK(st.st_mode)) group = s_.setgid_parent_group(dest.logical).value_or(group);
    if (o_.symbolic || S_ISLNK(st.st_mode)) {
      e = entry_for(dest.logical, st, st.st_mode & 07777, s_.default_owner(), group);
      std::string text(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = ::readlinkat(dest.dirfd, dest.name.c_str(), text.data(), text.size());
      if (n >= 0) e.target.assign(text.data(), static_cast<size_t>(n));
    } else {
      Place src = s_.source(source, o_.logical);
      struct stat src_st;
      if (src.staged && stat_place(src, &src_st, false) == 0) {
        e = s_.current_entry(src, src_st);
        if (e.type != EntryType::Hardlink) e.target = src.logical;
        e.type = EntryType::Hardlink;
        e.path = dest.logical;
        e.disk = disk_identity(st);
      } else {
        // A copy of a file from outside the stage.
        e = entry_for(dest.logical, st, copied_mode_, s_.default_owner(), group);
      }
    }
    e.tool = diag::tool();
    s_.record(std::move(e));
  }

  Session& s_;
  const LinkOptions& o_;
  BackupSettings backup_;
  OldObject replaced_;
  std::vector<Seen> dest_set_;
  std::optional<Entry> old_record_;
  mode_t copied_mode_ = 0644;
};

/// The target directory, opened as GNU opens it (O_PATH|O_DIRECTORY,
/// O_NOFOLLOW with -n); in the stage, resolved inside it.
struct TargetDir {
  std::shared_ptr<UniqueFd> fd;
  bool staged = false;
  std::string logical;
};

int open_directory(Session& session, const std::string& dir, bool dereference, TargetDir* out) {
  Place p = session.place(dir, dereference);
  int fd;
  if (!p.staged) {
    fd = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC | (dereference ? 0 : O_NOFOLLOW));
  } else {
    if (p.error) return p.error;
    struct stat st;
    if (::fstatat(p.dirfd, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno;
    if (!S_ISDIR(st.st_mode)) return ENOTDIR;
    fd = ::openat(p.dirfd, p.name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  }
  if (fd < 0) return errno;
  out->fd = std::make_shared<UniqueFd>(fd);
  out->staged = p.staged;
  out->logical = p.logical;
  return 0;
}

/// The base name SOURCE gets in the target directory: its last component
/// without trailing slashes (GNU's strip_trailing_slashes on dest_base).
std::string base_in_target(std::string_view source) {
  std::string base(last_component(source));
  std::string_view last = last_component(base);
  if (!last.empty()) base.resize(static_cast<size_t>(last.data() - base.data()) + base_len(last));
  return base;
}

}  // namespace

void check_target_directory(Session& session, const char* directory) {
  Place p = session.place(directory, true);
  struct stat st;
  if (int err = stat_place(p, &st, true)) diag::fatal("failed to access " + quote(directory), err);
  if (!S_ISDIR(st.st_mode)) diag::fatal("target " + quote(directory) + " is not a directory");
}

void link_operands(Session& session, LinkOptions options, std::vector<std::string> files) {
  size_t n = files.size();
  int link_errno = -1;
  TargetDir dir;
  std::string target;
  bool have_target = options.target_directory != nullptr;
  if (have_target) target = options.target_directory;

  // The backup type is read after the first attempt, as GNU does.
  Linker linker(session, options, BackupSettings{BackupType::None, "~"});

  if (options.no_target_directory) {
    if (have_target) diag::fatal("cannot combine --target-directory and --no-target-directory");
    if (n != 2) {
      if (n < 2) diag::usage_error("missing destination file operand after " + quote(files[0]));
      diag::usage_error("extra operand " + quote(files[2]));
    }
  } else if (n < 2 && !have_target) {
    target = ".";
    have_target = true;
    if (int err = open_directory(session, target, true, &dir)) diag::fatal("target " + quote(target), err);
  } else {
    if (n == 2 && !have_target) link_errno = linker.atomic_link(files[0], session.place(files[1], false));
    if (link_errno < 0 || link_errno == EEXIST || link_errno == ENOTDIR || link_errno == EINVAL) {
      std::string d = have_target ? target : files[n - 1];
      int err = open_directory(session, d, options.dereference_dest_dir, &dir);
      if (err == 0) {
        if (!have_target) --n;
        target = d;
        have_target = true;
      } else if (!(n == 2 && !options.target_directory)) {
        diag::fatal("target " + quote(d), err);
      }
    }
  }

  BackupSettings backup = backup_settings(options.make_backups, options.backup_control, options.backup_suffix);
  if (!options.make_backups) backup.type = BackupType::None;
  linker.set_backup(backup);

  if (have_target) {
    linker.use_dest_set = n >= 2 && options.force && !options.symbolic && backup.type != BackupType::Numbered;
    for (size_t i = 0; i < n; ++i) {
      std::string base = base_in_target(files[i]);
      std::string dest = file_name_concat(target, base);
      Place place;
      place.dir = dir.fd;
      place.dirfd = dir.fd->get();
      place.name = base;
      place.staged = dir.staged;
      if (dir.staged) place.logical = join_logical(dir.logical, base);
      linker.do_link(files[i], place, dest, -1);
    }
  } else {
    linker.do_link(files[0], session.place(files[1], false), files[1], link_errno);
  }
}

}  // namespace stage
