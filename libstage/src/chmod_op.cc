// chmod_op: GNU chmod's process_file (facts from coreutils 9.1's chmod.c) over
// tree_walk, with a staged branch that changes the record instead of the disk.
#include "stage/chmod_op.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "stage/diag.h"
#include "stage/file_ops.h"
#include "stage/tree_walk.h"

namespace stage {
namespace {

using diag::quote;

// Ordered as GNU's change_status: success is NotApplied and above.
enum class Status { NoStat, Failed, NotApplied, NoChangeRequested, Succeeded };

std::string perms(mode_t mode) { return mode_string(mode, '-').substr(1); }

void describe_change(const std::string& file, Status status, mode_t old_mode, mode_t new_mode) {
  std::string q = quote(file);
  char buf[64];
  switch (status) {
    case Status::NotApplied:
      std::printf("neither symbolic link %s nor referent has been changed\n", q.c_str());
      return;
    case Status::NoStat:
      std::printf("%s could not be accessed\n", q.c_str());
      return;
    case Status::Succeeded:
      std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(old_mode & 07777));
      std::printf("mode of %s changed from %s (%s)", q.c_str(), buf, perms(old_mode).c_str());
      std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(new_mode & 07777));
      std::printf(" to %s (%s)\n", buf, perms(new_mode).c_str());
      return;
    case Status::Failed:
      std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(old_mode & 07777));
      std::printf("failed to change mode of %s from %s (%s)", q.c_str(), buf, perms(old_mode).c_str());
      std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(new_mode & 07777));
      std::printf(" to %s (%s)\n", buf, perms(new_mode).c_str());
      return;
    case Status::NoChangeRequested:
      std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(new_mode & 07777));
      std::printf("mode of %s retained as %s (%s)\n", q.c_str(), buf, perms(new_mode).c_str());
      return;
  }
}

/// The disk bits chmod gives a staged object (the rule of disk_mode_for()),
/// undone should the commit fail; `now` gets its lstat after. The entry was
/// lstat'ed as a non-symlink (symlinks are never given a mode), and its
/// parent was resolved inside the stage: a plain fchmodat stays there.
/// (glibc's AT_SYMLINK_NOFOLLOW would need /proc.)
int set_disk_bits(Session& session, const WalkEntry& e, mode_t new_mode, struct stat* now) {
  mode_t disk = disk_mode_for(new_mode, S_ISDIR(e.st.st_mode));
  *now = e.st;
  if ((e.st.st_mode & 07777) == disk) return 0;
  if (::fchmodat(e.place.dirfd, e.place.name.c_str(), disk, 0) != 0) return errno;
  // A failed commit puts the old bits back: the stage agrees with the database.
  session.undo_disk_mode(e.place, e.st, disk);
  if (::fstatat(e.place.dirfd, e.place.name.c_str(), now, AT_SYMLINK_NOFOLLOW) != 0) *now = e.st;
  return 0;
}

/// What a chmod records of the object on disk besides the mode: its
/// identity and (files) size now, the recorded digest kept only while the
/// file is as it was hashed; `changed` when that differs from the record.
struct DiskRecord {
  DiskIdentity disk;
  std::optional<uint64_t> size;
  bool fresh = false;
  bool changed = false;
};

DiskRecord disk_record(const std::optional<DiskIdentity>& disk, const std::optional<uint64_t>& size, EntryType type,
                       const struct stat& before, const struct stat& now) {
  DiskRecord d{disk_identity(now), size};
  d.fresh = disk && *disk == disk_identity(before);
  if (type == EntryType::File || type == EntryType::Hardlink) d.size = static_cast<uint64_t>(now.st_size);
  d.changed = disk != d.disk || size != d.size || !d.fresh;
  return d;
}

/// chmod on a staged object: the record is the truth, the disk follows the rule.
/// `rec` (the current record) is queued, moved from.
int chmod_staged(Session& session, const WalkEntry& e, mode_t new_mode, Entry& rec) {
  struct stat now;
  if (int err = set_disk_bits(session, e, new_mode, &now)) return err;
  DiskRecord d = disk_record(rec.disk, rec.size, rec.type, e.st, now);
  rec.mode = new_mode & 07777;
  rec.tool = diag::tool();
  rec.disk = d.disk;
  rec.size = d.size;
  if (!d.fresh) rec.sha256.clear();
  // Only the mode, and what the disk now is when that changed: a chown that
  // finished meanwhile keeps its owner (and an unchanged identity is not
  // rewritten, which would churn the inode index).
  session.record_change(std::move(rec), Store::kMode | (d.changed ? unsigned(Store::kDisk) : 0u),
                        /*may_have_other_names=*/e.st.st_nlink > 1);
  return 0;
}

/// chmod_staged() on a -R walk's record (Session::tree_record()), changed in place.
int chmod_tree_record(Session& session, const WalkEntry& e, mode_t new_mode, Store::TreeRecords::Record& rec) {
  struct stat now;
  if (int err = set_disk_bits(session, e, new_mode, &now)) return err;
  DiskRecord d = disk_record(rec.disk, rec.size, rec.type, e.st, now);
  rec.mode = new_mode & 07777;
  if (d.changed) {
    rec.moved = rec.moved || !rec.disk || rec.disk->dev != d.disk.dev || rec.disk->ino != d.disk.ino;
    rec.disk = d.disk;
    rec.size = d.size;
    rec.keep_digest = rec.keep_digest && d.fresh;
  }
  session.tree_changed(rec, Store::kMode | (d.changed ? unsigned(Store::kDisk) : 0u));
  return 0;
}

}  // namespace

bool change_mode(Session& session, const ChmodOptions& options, std::string_view operand) {
  bool ok = true;
  walk_tree(session, operand, WalkFollow::CommandLine, options.recurse, [&](WalkEntry& e) {
    Status status = Status::NoStat;
    switch (e.info) {
      case WalkInfo::DirPost:
        return WalkAction::Continue;
      case WalkInfo::NoStat:
        if (!options.force_silent) diag::error("cannot access " + quote(e.path), e.error);
        break;
      case WalkInfo::Unreadable:
        if (!options.force_silent) diag::error("cannot read directory " + quote(e.path), e.error);
        break;
      case WalkInfo::DanglingSymlink:
        if (!options.force_silent) diag::error("cannot operate on dangling symlink " + quote(e.path));
        break;
      case WalkInfo::Cycle:
        if (e.level != 0) {
          warn_cycle(e.path);
          ok = false;
          return WalkAction::Skip;
        }
        status = Status::NotApplied;
        break;
      default:
        status = Status::NotApplied;
    }

    if (status == Status::NotApplied && options.recurse && options.preserve_root && !e.place.staged &&
        is_host_root(e.st)) {
      warn_recursive_root(e.path);
      ok = false;
      return WalkAction::Skip;
    }

    mode_t old_mode = e.st.st_mode, new_mode = 0;
    bool is_dir = S_ISDIR(e.st.st_mode);
    if (status == Status::NotApplied && !S_ISLNK(e.st.st_mode)) {
      int err = 0;
      if (e.place.staged) {
        if (auto* tree_rec = session.tree_record(e.place, e.st, Store::kDisk)) {
          old_mode = tree_rec->mode;
          new_mode = apply_mode(options.change, old_mode, is_dir, options.umask_value);
          err = chmod_tree_record(session, e, new_mode, *tree_rec);
        } else {
          Entry rec = session.current_entry(e.place, e.st);
          old_mode = rec.mode;
          new_mode = apply_mode(options.change, old_mode, is_dir, options.umask_value);
          err = chmod_staged(session, e, new_mode, rec);
        }
      } else {
        new_mode = apply_mode(options.change, old_mode, is_dir, options.umask_value);
        if (::fchmodat(e.place.dirfd, e.place.name.c_str(), new_mode, 0) != 0) err = errno;
      }
      if (err == 0) {
        status = Status::Succeeded;
      } else {
        if (!options.force_silent) diag::error("changing permissions of " + quote(e.path), err);
        status = Status::Failed;
      }
    }

    if (options.verbosity != Verbosity::Off) {
      if (status == Status::Succeeded) {
        mode_t actual = new_mode;
        // The kernel may silently drop setid bits; GNU reports what stuck.
        if (!e.place.staged && (new_mode & (S_ISUID | S_ISGID | S_ISVTX))) {
          struct stat st;
          if (::fstatat(e.place.dirfd, e.place.name.c_str(), &st, 0) == 0) actual = st.st_mode;
        }
        if (((old_mode ^ actual) & 07777) == 0) status = Status::NoChangeRequested;
      }
      if (status == Status::Succeeded || options.verbosity == Verbosity::High)
        describe_change(e.path, status, old_mode, new_mode);
    }

    if (status >= Status::NoChangeRequested && options.diagnose_surprises) {
      mode_t naive = apply_mode(options.change, old_mode, is_dir, 0);
      if (new_mode & ~naive) {
        diag::error(diag::quote_if_needed(e.path) + ": new permissions are " + perms(new_mode) + ", not " +
                    perms(naive));
        status = Status::Failed;
      }
    }
    if (status < Status::NotApplied) {
      ok = false;
      diag::mark_failed();
    }
    return WalkAction::Continue;
  }, /*record_fields=*/Store::kDisk);  // chmod reads no owner: four columns fewer per record
  return ok;
}

std::optional<mode_t> reference_mode(Session& session, std::string_view rfile, int* error) {
  Place p = session.source(rfile);
  struct stat st;
  if (int err = stat_place(p, &st, true)) {
    if (error) *error = err;
    return std::nullopt;
  }
  if (p.staged) return session.current_entry(p, st).mode;
  return st.st_mode & 07777;
}

}  // namespace stage
