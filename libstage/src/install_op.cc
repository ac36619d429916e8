// install_op: GNU install's per-operand work (facts from coreutils 9.1's
// install.c and copy.c), with the destination written through a temporary
// file so that it appears atomically and a failure leaves nothing behind.
#include "stage/install_op.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include "stage/diag.h"
#include "stage/link_op.h"
#include "stage/mode.h"
#include "stage/path_map.h"

extern char** environ;

namespace stage {
namespace {

using diag::quote;

std::string parent_of(const std::string& logical) {
  auto slash = logical.find_last_of('/');
  return slash == 0 ? "/" : logical.substr(0, slash);
}

std::string leaf_of(std::string_view path) {
  auto slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

/// The on-disk path an external program (strip) can open for `name` in `dest`'s directory.
std::string external_path(Session& session, const Place& dest, const std::string& name) {
  // A name starting with '-' would be taken for an option (GNU adds "./" too).
  if (!dest.staged) return name[0] == '-' ? "./" + name : name;  // relative to the cwd, like dest.name
  std::string dir = parent_of(dest.logical);
  return session.root().destdir() + (dir == "/" ? "" : dir) + "/" + name;
}

bool run_strip(const std::string& program, const std::string& path) {
  // An ignored SIGCHLD (inherited: "trap '' CHLD") would reap strip by
  // itself and waitpid() fail with ECHILD; GNU resets it too.
  ::signal(SIGCHLD, SIG_DFL);
  pid_t pid;
  const char* argv[] = {program.c_str(), path.c_str(), nullptr};
  int rc = ::posix_spawnp(&pid, program.c_str(), nullptr, nullptr, const_cast<char**>(argv), environ);
  if (rc != 0) {
    // GNU's child reports the exec failure and the parent sees it exit 1;
    // either way this operand fails and the next one is tried.
    diag::error("cannot run " + quote(program), rc);
    diag::error("strip process terminated abnormally");
    return false;
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) < 0) {
    diag::error("waiting for strip", errno);
    return false;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    diag::error("strip process terminated abnormally");
    return false;
  }
  return true;
}

void append_metalog(const InstallOptions& options, const std::string& path, const char* type, mode_t mode,
                    const Principal& owner, const Principal& group, const std::string& link_target = {}) {
  if (options.metalog.empty()) return;
  char modebuf[16];
  std::snprintf(modebuf, sizeof modebuf, "%04o", mode & 07777);
  std::string line = "." + path + " type=" + type;
  if (!owner.name.empty()) line += " uname=" + owner.name;
  if (!group.name.empty()) line += " gname=" + group.name;
  line += std::string(" mode=") + modebuf;
  if (!link_target.empty()) line += " link=" + link_target;
  if (!options.flags.empty()) line += " flags=" + options.flags;
  line += '\n';
  int fd = ::open(options.metalog.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    diag::error("cannot open metalog " + quote(options.metalog), errno);
    return;
  }
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    diag::error("cannot write metalog " + quote(options.metalog), errno);
  ::close(fd);
}

/// GNU -C: the destination already has this content, mode and ownership.
bool already_installed(Session& session, const InstallOptions& options, const Place& dest, int src_fd,
                       const struct stat& src_st) {
  if (options.file_mode & ~0777) return false;  // GNU ignores -C with special bits
  struct stat dst_st;
  if (stat_place(dest, &dst_st, false) != 0 || !S_ISREG(dst_st.st_mode) || dst_st.st_size != src_st.st_size)
    return false;
  if (dest.staged) {
    auto rec = session.lookup(dest.logical);
    if (!rec || rec->type != EntryType::File || rec->mode != options.file_mode) return false;
    if (rec->owner != options.owner.value_or(session.default_owner())) return false;
    if (rec->group != options.group.value_or(session.default_group())) return false;
  } else {
    if ((dst_st.st_mode & 07777) != options.file_mode) return false;
    if (options.owner && options.owner->id && dst_st.st_uid != *options.owner->id) return false;
    if (options.group && options.group->id && dst_st.st_gid != *options.group->id) return false;
    if (!options.owner && dst_st.st_uid != ::getuid()) return false;
    if (!options.group && dst_st.st_gid != ::getgid()) return false;
  }
  int dst_fd = ::openat(dest.dirfd, dest.name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (dst_fd < 0) return false;
  bool same = same_contents(src_fd, dst_fd);
  ::close(dst_fd);
  ::lseek(src_fd, 0, SEEK_SET);
  return same;
}

/// Moves the existing destination aside as GNU's --backup does. Returns the
/// backup's user-visible name, empty when none was made; nullopt on failure.
std::optional<std::string> make_backup(Session& session, const InstallOptions& options, const Place& dest,
                                       std::string_view dest_operand) {
  if (options.backup.type == BackupType::None) return std::string();
  struct stat st;
  if (stat_place(dest, &st, false) != 0) return std::string();
  std::string backup = backup_name(dest.dirfd, dest.name, options.backup.type, options.backup.suffix);
  if (::renameat(dest.dirfd, dest.name.c_str(), dest.dirfd, backup.c_str()) != 0) {
    diag::error("cannot backup " + quote(dest_operand), errno);
    return std::nullopt;
  }
  std::string shown = std::string(dest_operand).substr(0, dest_operand.size() - leaf_of(dest_operand).size()) +
                      leaf_of(backup);
  if (dest.staged) {
    std::string backup_logical = parent_of(dest.logical) + (parent_of(dest.logical) == "/" ? "" : "/") + leaf_of(backup);
    if (auto rec = session.lookup(dest.logical)) {
      rec->path = backup_logical;
      session.record(*rec);
    }
    session.forget(dest.logical);
  }
  return shown;
}

/// BSD install -l: makes the link asked for instead of a copy. Returns the
/// operand's result, or nullopt when a copy must be made after all (a hard
/// link from outside the stage into it, or -l m when linking fails).
std::optional<bool> install_link(Session& session, const InstallOptions& options, const Place& src, const Place& dest,
                                 std::string_view source, std::string_view dest_operand, const struct stat& src_st,
                                 const Principal& owner, const Principal& group) {
  // BSD install -l: a link instead of a copy.
  std::string target;
  if (options.link == InstallOptions::Link::Hard) {
    if (!src.staged && dest.staged) {
      // SPEC: a hard link never shares an inode with the outside; copy instead.
    } else if (::linkat(src.dirfd, src.name.c_str(), dest.dirfd, dest.name.c_str(), 0) == 0 ||
               (errno == EEXIST && ::unlinkat(dest.dirfd, dest.name.c_str(), 0) == 0 &&
                ::linkat(src.dirfd, src.name.c_str(), dest.dirfd, dest.name.c_str(), 0) == 0)) {
      if (options.verbose) std::printf("%s -> %s\n", quote(source).c_str(), quote(dest_operand).c_str());
      if (dest.staged) {
        Entry e = entry_for(dest.logical, src_st, options.file_mode, owner, group);
        if (auto rec = session.lookup(src.logical)) e = *rec, e.path = dest.logical, e.tool = diag::tool();
        e.type = EntryType::Hardlink;
        e.target = src.logical;
        session.record(e);
      }
      return true;
    } else if (!options.link_fallback_copy) {
      diag::error("cannot create hard link " + quote(dest_operand) + " to " + quote(source), errno);
      return false;
    }
  } else {
    if (options.link == InstallOptions::Link::SymbolicAbsolute) {
      // Where the source is installed, not where it is staged: the link
      // must be right on the target system.
      target = src.staged ? src.logical : lexical_absolute(source, current_directory());
    } else if (options.link == InstallOptions::Link::SymbolicRelative) {
      // Between logical locations: a link made in the stage must be right
      // where the package is installed, whichever rule named each side.
      std::string from = dest.staged ? dest.logical : lexical_absolute(dest_operand, current_directory());
      std::string to = src.staged ? src.logical : lexical_absolute(source, current_directory());
      target = relative_path(to, parent_of(from)).value_or(to);
    } else {
      target = std::string(source);
    }
    ::unlinkat(dest.dirfd, dest.name.c_str(), 0);
    if (::symlinkat(target.c_str(), dest.dirfd, dest.name.c_str()) != 0) {
      diag::error("cannot create symbolic link " + quote(dest_operand), errno);
      return false;
    }
    if (options.verbose) std::printf("%s -> %s\n", quote(source).c_str(), quote(dest_operand).c_str());
    if (dest.staged) {
      struct stat lst;
      stat_place(dest, &lst, false);
      // A symlink's mode is what lstat shows (0777), as ln records it.
      Entry e = entry_for(dest.logical, lst, lst.st_mode & 07777, owner, group);
      e.target = target;
      session.record(e);
    }
    append_metalog(options, dest.staged ? dest.logical : std::string(dest_operand), "link", 0755, owner, group, target);
    return true;
  }
  return std::nullopt;
}

// GNU's copy remembers what this run created (dest_info, keyed by name and
// inode), and will not overwrite it: `install a/x b/x DIR` fails on the
// second. One drop-in process is one command line, so a static list does.
struct CreatedFile {
  std::string name;
  dev_t dev;
  ino_t ino;
};
std::vector<CreatedFile>& created_files() {
  static std::vector<CreatedFile> files;
  return files;
}
bool just_created(std::string_view name, const struct stat& st) {
  for (const auto& f : created_files())
    if (f.name == name && f.dev == st.st_dev && f.ino == st.st_ino) return true;
  return false;
}

/// The directory entry a place names: its parent directory's identity and its last component.
bool same_entry(const Place& a, const Place& b) {
  auto split = [](const Place& p, struct stat* parent) {
    auto slash = p.name.find_last_of('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : p.name.substr(0, slash);
    if (::fstatat(p.dirfd, dir.c_str(), parent, 0) != 0) return std::string("\0");
    return slash == std::string::npos ? p.name : p.name.substr(slash + 1);
  };
  struct stat pa, pb;
  std::string la = split(a, &pa), lb = split(b, &pb);
  return la == lb && la != std::string("\0") && pa.st_dev == pb.st_dev && pa.st_ino == pb.st_ino;
}

/// GNU's same_file_ok (copy.c) for install, which dereferences the source
/// and unlinks the destination before writing it: a destination that is a
/// symlink, or another hard link of the source, is simply replaced. One
/// directory entry as both is refused: where GNU goes on (the same symlink
/// twice) it removes it and then cannot read it; we keep it (README).
bool replaces_same_file(Session& session, std::string_view source, const Place& dest, const struct stat& dst_lst) {
  Place src = session.source(source, false);  // the name itself, not what it leads to
  struct stat src_lst;
  if (::fstatat(src.dirfd, src.name.c_str(), &src_lst, AT_SYMLINK_NOFOLLOW) != 0) return false;
  bool same_link = src_lst.st_dev == dst_lst.st_dev && src_lst.st_ino == dst_lst.st_ino;
  if (same_link && same_entry(src, dest)) return false;
  if (S_ISLNK(dst_lst.st_mode)) return true;
  return same_link && !S_ISLNK(src_lst.st_mode) && dst_lst.st_nlink > 1;
}

}  // namespace

std::string name_in_directory(std::string_view directory, std::string_view source) {
  std::string base = leaf_of(source);
  std::string dir(directory);
  if (!dir.empty() && dir.back() != '/') dir += '/';
  return dir + base;
}

bool is_directory_operand(Session& session, std::string_view operand, int* error) {
  Place p = session.place(operand, true);
  struct stat st;
  int err = stat_place(p, &st, true);
  if (error) *error = err;
  return err == 0 && S_ISDIR(st.st_mode);
}

bool install_file(Session& session, const InstallOptions& options, std::string_view source, std::string_view dest_operand) {
  // GNU's -D makes the destination's directories before it looks at the source.
  Place dest = session.place(dest_operand, false);
  // A host place is not resolved in advance, so its parents are always made
  // (existing ones are kept); a staged one says whether its parent failed
  // to resolve (missing, or a file in the way: make_dirs names the culprit).
  if (options.make_parents && (!dest.staged || dest.error)) {
    std::string failed;
    auto announce = [&](const std::string& name) {
      if (options.verbose) std::printf("%s: creating directory %s\n", diag::program().c_str(), quote(name).c_str());
    };
    if (int err = session.make_dirs(dest, dest_operand, false, 0755, announce, &failed)) {
      // A path the kernel refuses whole: GNU's first look at it is its stat.
      if (err == ENAMETOOLONG) diag::error("cannot stat " + quote(dest_operand), err);
      else diag::error("cannot create directory " + quote(failed.empty() ? std::string(dest_operand) : failed), err);
      return false;
    }
    dest = session.place(dest_operand, false);
  }
  Place src = session.source(source);
  struct stat src_st;
  if (int err = stat_place(src, &src_st, true)) {
    diag::error("cannot stat " + quote(source), err);
    return false;
  }
  if (S_ISDIR(src_st.st_mode)) {
    diag::error("omitting directory " + quote(source));
    return false;
  }

  // GNU's copy says "'SRC' -> 'DEST'" before it opens the destination, so
  // a failure from there on comes after the line: say_copy() once, at the
  // first such failure or at the end.
  bool said = false;
  auto say_copy = [&](const std::string& backup) {
    if (!options.verbose || said) return;
    said = true;
    std::printf("%s -> %s", quote(source).c_str(), quote(dest_operand).c_str());
    if (!backup.empty()) std::printf(" (backup: %s)", quote(backup).c_str());
    std::printf("\n");
  };
  // An empty name is ENOENT to the kernel (and would name "." to a TempFile).
  if (int err = dest.error ? dest.error : dest_operand.empty() ? ENOENT : 0) {
    if (err == ENOENT) say_copy("");
    diag::error((err == ENAMETOOLONG ? "cannot stat " : "cannot create regular file ") + quote(dest_operand), err);
    return false;
  }

  struct stat dst_st;
  int dst_err = stat_place(dest, &dst_st, false);
  bool dest_exists = dst_err == 0;
  // "DEST/" names a directory: GNU's copy fails on it with ENOTDIR. A staged
  // place lost the slash to folding, so check the operand as written.
  bool trailing_slash = !dest_operand.empty() && dest_operand.back() == '/';
  if (dest_exists && trailing_slash && !S_ISDIR(dst_st.st_mode)) dest_exists = false, dst_err = ENOTDIR;
  if (dst_err != 0 && dst_err != ENOENT) {
    diag::error("cannot stat " + quote(dest_operand), dst_err);
    return false;
  }
  if (!dest_exists && trailing_slash) {
    say_copy("");
    diag::error("cannot create regular file " + quote(dest_operand), ENOTDIR);
    return false;
  }
  if (dest_exists) {
    // What the destination leads to (GNU stats it following symlinks): in
    // the stage, resolved inside the root.
    struct stat followed = dst_st;
    if (S_ISLNK(dst_st.st_mode)) stat_place(dest.staged ? session.place(dest_operand, true) : dest, &followed, true);
    if (S_ISDIR(dst_st.st_mode)) {
      diag::error("cannot overwrite directory " + quote(dest_operand) + " with non-directory");
      return false;
    }
    if (followed.st_dev == src_st.st_dev && followed.st_ino == src_st.st_ino && !replaces_same_file(session, source, dest, dst_st)) {
      diag::error(quote(source) + " and " + quote(dest_operand) + " are the same file");
      return false;
    }
    if (just_created(dest_operand, dst_st)) {
      diag::error("will not overwrite just-created " + quote(dest_operand) + " with " + quote(source));
      return false;
    }
  }

  Principal owner = options.owner.value_or(session.default_owner());
  // A new file in a setgid directory takes the directory's group (an
  // existing one keeps its inode's group, but GNU's install replaces it).
  std::optional<Principal> inherited;
  if (dest.staged && !options.group) inherited = session.setgid_parent_group(dest.logical);
  Principal group = options.group.value_or(inherited.value_or(session.default_group()));

  if (options.link != InstallOptions::Link::Copy) {
    if (auto linked = install_link(session, options, src, dest, source, dest_operand, src_st, owner, group))
      return *linked;
  }

  int src_fd = ::openat(src.dirfd, src.name.c_str(), O_RDONLY | O_CLOEXEC | (src.staged ? O_NOFOLLOW : 0));
  if (src_fd < 0) {
    diag::error("cannot open " + quote(source) + " for reading", errno);
    return false;
  }
  UniqueFd src_owned(src_fd);

  if (options.compare && dest_exists && already_installed(session, options, dest, src_fd, src_st)) {
    if (dest.staged && !session.lookup(dest.logical)) {
      session.record(entry_for(dest.logical, dst_st, options.file_mode, owner, group));
    }
    return true;
  }

  mode_t disk_mode = dest.staged ? disk_mode_for(options.file_mode, false) : options.file_mode;
  // Made with its final permission bits where the umask lets it (an unnamed
  // file: nobody can open it before the commit), so that the fchmod below is
  // usually not needed: under `stage-run --root` each one stops in the
  // supervisor. Set-id bits always come from the fchmod (a write clears them).
  TempFile tmp(dest, /*named=*/options.strip, disk_mode & 0777);  // strip needs a path
  if (tmp.error()) {
    say_copy("");
    diag::error("cannot create regular file " + quote(dest_operand), tmp.error());
    return false;
  }
  if (int err = copy_contents(src_fd, tmp.fd())) {
    say_copy("");
    diag::error("error copying " + quote(source) + " to " + quote(dest_operand), err);
    return false;
  }
  if (options.strip) {
    if (!run_strip(options.strip_program, external_path(session, dest, tmp.name()))) {
      say_copy("");
      return false;
    }
    // strip may write a new file and rename it over ours: the mode, owner and
    // times below must go to the file now at the temporary name.
    if (int err = tmp.reopen()) {
      say_copy("");
      diag::error("cannot open " + quote(dest_operand), err);
      return false;
    }
  }

  if (!dest.staged) {
    uid_t uid = options.owner && options.owner->id ? *options.owner->id : static_cast<uid_t>(-1);
    gid_t gid = options.group && options.group->id ? *options.group->id : static_cast<gid_t>(-1);
    if ((uid != static_cast<uid_t>(-1) || gid != static_cast<gid_t>(-1)) && ::fchown(tmp.fd(), uid, gid) != 0) {
      say_copy("");
      diag::error("cannot change ownership of " + quote(dest_operand), errno);
      return false;
    }
  }
  // The mode the file has now (umask and default ACLs applied, or strip's
  // output): an fstat is never trapped, an fchmod is under --root.
  struct stat tmp_st;
  bool mode_right = ::fstat(tmp.fd(), &tmp_st) == 0 && (tmp_st.st_mode & 07777) == disk_mode;
  if (!mode_right && ::fchmod(tmp.fd(), disk_mode) != 0) {
    say_copy("");
    diag::error("cannot change permissions of " + quote(dest_operand), errno);
    return false;
  }
  if (options.preserve_timestamps) {
    struct timespec times[2] = {src_st.st_atim, src_st.st_mtim};
    if (::futimens(tmp.fd(), times) != 0) {
      say_copy("");
      diag::error("cannot set timestamps for " + quote(dest_operand), errno);
      return false;
    }
  }

  // What the commit must be able to undo: the file this replaces.
  int old_fd = -1;
  if (dest.staged && dest_exists && S_ISREG(dst_st.st_mode) && options.backup.type == BackupType::None)
    old_fd = ::openat(dest.dirfd, dest.name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  UniqueFd old_owned(old_fd);
  auto backup = make_backup(session, options, dest, dest_operand);
  if (!backup) return false;
  if (int err = tmp.commit()) {
    say_copy("");
    diag::error("cannot create regular file " + quote(dest_operand), err);
    return false;
  }
  // One fstat of what now stands at the destination serves the undo, the
  // just-created list and the record.
  struct stat made;
  bool have_made = ::fstat(tmp.fd(), &made) == 0;
  if (dest.staged) {
    if (have_made) {
      if (!backup->empty()) {
        // The backup goes back to its name, replacing ours.
        std::string leaf = leaf_of(*backup);
        std::string dir = dest.name.substr(0, dest.name.size() - leaf_of(dest.name).size());
        session.undo_backup(dest, made, dir + leaf);
      } else if (old_fd >= 0) {
        session.undo_replacement(dest, made, old_owned.release(), dst_st);
      } else if (!dest_exists) {
        session.undo_creation(dest, made);
      }
    }
  }
  if (options.verbose) {
    // GNU's install unlinks an existing destination first and says so; the
    // rename here replaces it in one step, but the user sees the same.
    if (dest_exists && backup->empty()) std::printf("removed %s\n", quote(dest_operand).c_str());
  }
  say_copy(*backup);
  if (have_made) created_files().push_back({std::string(dest_operand), made.st_dev, made.st_ino});
  if (dest.staged) {
    Entry e = entry_for(dest.logical, made, options.file_mode, owner, group);
    e.flags = options.flags;
    session.record(e);
  }
  append_metalog(options, dest.staged ? dest.logical : std::string(dest_operand), "file", options.file_mode, owner, group);
  return true;
}

bool install_directory(Session& session, const InstallOptions& options, std::string_view directory) {
  // mkdir(2) sees the name itself: an existing symlink is not followed (a
  // dangling one is not made), only what an existing name leads to is changed.
  Place target = session.place(directory, false);
  auto announce = [&](const std::string& name) {
    if (options.verbose) std::printf("%s: creating directory %s\n", diag::program().c_str(), quote(name).c_str());
  };
  std::string failed;
  if (!target.staged || target.error) {
    if (int err = session.make_dirs(target, directory, false, 0755, announce, &failed)) {
      diag::error("cannot create directory " + quote(failed.empty() ? std::string(directory) : failed), err);
      return false;
    }
    target = session.place(directory, false);
    if (target.error) {
      diag::error("cannot create directory " + quote(directory), target.error);
      return false;
    }
  }

  bool staged = target.staged;
  mode_t mkdir_mode = staged ? disk_mode_for(options.dir_mode, true) : options.dir_mode;
  bool created = ::mkdirat(target.dirfd, target.name.c_str(), staged ? mkdir_mode : (options.dir_mode & 0777) & ~(options.owner || options.group ? 077 : 0)) == 0;
  int mkdir_errno = errno;
  if (!created && staged) target = session.place(directory, true);
  struct stat st;
  int stat_err = target.error ? target.error : stat_place(target, &st, true);
  if (stat_err == 0 && !S_ISDIR(st.st_mode)) stat_err = ENOTDIR;
  if (stat_err != 0) {
    // gnulib's make_dir_parents: an existing name that leads nowhere (a
    // dangling symlink, a loop) fails in dirchownmod, a non-directory in mkdir.
    if (!created && mkdir_errno == EEXIST && stat_err != ENOTDIR)
      diag::error(std::string(options.owner || options.group ? "cannot change owner and permissions of "
                                                             : "cannot change permissions of ") + quote(directory),
                  stat_err);
    else
      diag::error("cannot create directory " + quote(directory), created ? stat_err : mkdir_errno);
    return false;
  }
  if (created) announce(std::string(directory));
  // GNU's dirchownmod: bits -m does not care about (a setgid bit with
  // "-m 755", all but the setgid bit with "-m g-s") keep their old value.
  auto final_mode = [&](mode_t existing) {
    return options.dir_mode | (existing & 07777 & ~options.dir_mode_bits);
  };

  if (!staged) {
    uid_t uid = options.owner && options.owner->id ? *options.owner->id : static_cast<uid_t>(-1);
    gid_t gid = options.group && options.group->id ? *options.group->id : static_cast<gid_t>(-1);
    if ((uid != static_cast<uid_t>(-1) || gid != static_cast<gid_t>(-1)) &&
        ::fchownat(target.dirfd, target.name.c_str(), uid, gid, 0) != 0) {
      diag::error("cannot change owner and permissions of " + quote(directory), errno);
      return false;
    }
    if (::fchmodat(target.dirfd, target.name.c_str(), final_mode(st.st_mode), 0) != 0) {
      diag::error("cannot change permissions of " + quote(directory), errno);
      return false;
    }
    return true;
  }

  if (target.logical == "/") {  // the staging root itself is not an entry
    if ((st.st_mode & 07777) != mkdir_mode) ::fchmodat(target.dirfd, target.name.c_str(), mkdir_mode, 0);
    return true;
  }
  auto previous = session.lookup(target.logical);
  // A new directory in a setgid directory has the setgid bit from mkdir(2)
  // (kept unless -m cares about it) and the directory's group.
  std::optional<Principal> inherited;
  if (created) inherited = session.setgid_parent_group(target.logical);
  // An existing directory's old mode is its record, else what is on disk.
  mode_t recorded = created ? final_mode(inherited ? S_ISGID : 0) : final_mode(previous ? previous->mode : st.st_mode);
  mkdir_mode = disk_mode_for(recorded, true);
  if ((st.st_mode & 07777) != mkdir_mode) ::fchmodat(target.dirfd, target.name.c_str(), mkdir_mode, 0);
  Principal owner = options.owner ? *options.owner : previous ? previous->owner : session.default_owner();
  Principal group = options.group     ? *options.group
                    : previous        ? previous->group
                    : inherited       ? *inherited
                                      : session.default_group();
  ::fstatat(target.dirfd, target.name.c_str(), &st, AT_SYMLINK_NOFOLLOW);
  session.record(entry_for(target.logical, st, recorded, owner, group));
  if (created) session.undo_creation(target, st);
  append_metalog(options, target.logical, "dir", recorded, owner, group);
  return true;
}

}  // namespace stage
