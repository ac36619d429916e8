// mkdir_op: GNU mkdir's per-operand work (facts from coreutils 9.1 mkdir.c and
// gnulib's mkdir-p.c): -p keeps existing directories as they are.
#include "stage/mkdir_op.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

#include "stage/diag.h"
#include "stage/file_ops.h"
#include "stage/mode.h"

namespace stage {

bool make_directory(Session& session, const MkdirOptions& options, std::string_view operand) {
  using diag::quote;
  auto announce = [&](const std::string& name) {
    if (options.verbose) std::printf("%s: created directory %s\n", diag::program().c_str(), quote(name).c_str());
  };
  Place target = session.place(operand, options.parents);
  // A host place is not resolved in advance: make (or keep) its parents.
  if (options.parents && (!target.staged || target.error)) {
    std::string failed;
    if (int err = session.make_dirs(target, operand, false, options.ancestor_mode, announce, &failed)) {
      diag::error("cannot create directory " + quote(failed.empty() ? std::string(operand) : failed), err);
      return false;
    }
    target = session.place(operand, true);
  }
  if (target.error) {
    diag::error("cannot create directory " + quote(operand), target.error);
    return false;
  }

  mode_t disk = target.staged ? disk_mode_for(options.mode, true) : options.mode & 0777;
  if (::mkdirat(target.dirfd, target.name.c_str(), disk) != 0) {
    int err = errno;
    struct stat st;
    if (options.parents && err == EEXIST && stat_place(target, &st, true) == 0 && S_ISDIR(st.st_mode)) return true;
    diag::error("cannot create directory " + quote(operand), err);
    return false;
  }
  announce(std::string(operand));
  struct stat st;
  if (::fstatat(target.dirfd, target.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    diag::error("cannot stat " + quote(operand), errno);
    return false;
  }
  // The umask took bits, or special bits were asked for: set them exactly.
  mode_t wanted = target.staged ? disk : options.mode;
  if ((st.st_mode & 07777) != wanted && ::fchmodat(target.dirfd, target.name.c_str(), wanted, 0) != 0) {
    diag::error("cannot change permissions of " + quote(operand), errno);
    return false;
  }
  if (target.staged) {
    ::fstatat(target.dirfd, target.name.c_str(), &st, AT_SYMLINK_NOFOLLOW);
    session.record(entry_for(target.logical, st, options.mode, session.default_owner(), session.default_group()));
  }
  return true;
}

}  // namespace stage
