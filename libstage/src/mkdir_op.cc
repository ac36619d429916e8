// mkdir_op: GNU mkdir's per-operand work (facts from coreutils 9.1 mkdir.c and
// gnulib's mkdir-p.c): -p keeps existing directories as they are.
#include "stage/mkdir_op.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <optional>

#include "stage/diag.h"
#include "stage/file_ops.h"
#include "stage/mode.h"

namespace stage {
namespace {

// gnulib's make_dir_parents() for the directory itself: it is made with
// group and other write taken away when special bits are involved, and
// chmod()ed afterwards only for the bits -m mentions. So "-m o+t" gives
// 1755 whatever the umask, and an inherited setgid bit stays unless the
// mode mentions it.
bool keeps_special_bits(const MkdirOptions& o) {
  return ((o.mode_bits & (S_ISUID | S_ISGID)) | (o.mode & S_ISVTX)) == 0;
}
mode_t mkdir_mode(const MkdirOptions& o) {
  return keeps_special_bits(o) ? o.mode : o.mode & ~(S_IWGRP | S_IWOTH);
}
/// The mode a chmod() must set after mkdir() made the directory with `made`; nullopt when none is due.
std::optional<mode_t> mode_after(const MkdirOptions& o, mode_t made) {
  bool umask_must_be_ok = (o.mode & o.mode_bits & 0777) == 0;
  if (keeps_special_bits(o) && umask_must_be_ok) return std::nullopt;
  if (((made ^ o.mode) & o.mode_bits) == 0) return std::nullopt;
  return o.mode | (made & 07777 & ~o.mode_bits);
}

}  // namespace

bool make_directory(Session& session, const MkdirOptions& options, std::string_view operand) {
  using diag::quote;
  auto announce = [&](const std::string& name) {
    if (options.verbose) std::printf("%s: created directory %s\n", diag::program().c_str(), quote(name).c_str());
  };
  // mkdir(2) sees the name itself: a dangling symlink is "File exists", never
  // a directory made where it points.
  Place target = session.place(operand, false);
  // A host place is not resolved in advance: make (or keep) its parents.
  if (options.parents && (!target.staged || target.error)) {
    std::string failed;
    if (int err = session.make_dirs(target, operand, false, options.ancestor_mode, announce, &failed)) {
      diag::error("cannot create directory " + quote(failed.empty() ? std::string(operand) : failed), err);
      return false;
    }
    target = session.place(operand, false);
  }
  if (target.error) {
    diag::error("cannot create directory " + quote(operand), target.error);
    return false;
  }

  // What a root run would get: mkdir(2) in a setgid directory adds the
  // setgid bit (kept unless -m mentions it) and takes the directory's group.
  std::optional<Principal> inherited;
  if (target.staged) inherited = session.setgid_parent_group(target.logical);
  mode_t made = (mkdir_mode(options) & 01777 & ~options.umask_self) | (inherited ? S_ISGID : 0);
  mode_t recorded = mode_after(options, made).value_or(made);
  mode_t disk = target.staged ? disk_mode_for(recorded, true) : mkdir_mode(options) & 07777;
  if (::mkdirat(target.dirfd, target.name.c_str(), disk) != 0) {
    int err = errno;
    struct stat st;
    // -p keeps an existing directory, also one a symlink leads to.
    Place existing = options.parents && err == EEXIST && target.staged ? session.place(operand, true) : target;
    if (options.parents && err == EEXIST && stat_place(existing, &st, true) == 0 && S_ISDIR(st.st_mode)) return true;
    diag::error("cannot create directory " + quote(operand), err);
    return false;
  }
  announce(std::string(operand));
  struct stat st;
  if (::fstatat(target.dirfd, target.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    diag::error("cannot stat " + quote(operand), errno);
    return false;
  }
  if (target.staged) {
    // The umask took bits: the stage's rule wants exactly `disk`.
    if ((st.st_mode & 07777) != disk) ::fchmodat(target.dirfd, target.name.c_str(), disk, 0);
    ::fstatat(target.dirfd, target.name.c_str(), &st, AT_SYMLINK_NOFOLLOW);
    session.record(entry_for(target.logical, st, recorded, session.default_owner(), inherited.value_or(session.default_group())));
    session.undo_creation(target, st);
    return true;
  }
  auto chmod_to = mode_after(options, st.st_mode);
  if (chmod_to && ::fchmodat(target.dirfd, target.name.c_str(), *chmod_to, 0) != 0) {
    diag::error("cannot change permissions of " + quote(operand), errno);
    return false;
  }
  return true;
}

}  // namespace stage
