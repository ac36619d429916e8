// chown_op: GNU's change_file_owner (facts from coreutils 9.1's chown-core.c)
// over tree_walk. Staged objects change in the record only: no chown() ever
// reaches the disk for them, so any user may record any owner.
#include "stage/chown_op.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "stage/diag.h"
#include "stage/file_ops.h"

namespace stage {
namespace {

using diag::quote;

enum class Status { NotApplied, Succeeded, Failed, NoChangeRequested };

std::optional<std::string> user_group_str(const std::optional<std::string>& user,
                                          const std::optional<std::string>& group) {
  if (user) return group ? *user + ":" + *group : *user;
  return group;
}

void describe_change(const std::string& file, Status status, const std::optional<std::string>& old_user,
                     const std::optional<std::string>& old_group, const std::optional<std::string>& user,
                     const std::optional<std::string>& group) {
  std::string q = quote(file);
  if (status == Status::NotApplied) {
    std::printf("neither symbolic link %s nor referent has been changed\n", q.c_str());
    return;
  }
  auto spec = user_group_str(user, group);
  auto old_spec = user_group_str(user ? old_user : std::nullopt, group ? old_group : std::nullopt);
  auto text = [](const std::optional<std::string>& s) { return s ? s->c_str() : "(null)"; };
  switch (status) {
    case Status::Succeeded:
      if (user)
        std::printf("changed ownership of %s from %s to %s\n", q.c_str(), text(old_spec), text(spec));
      else if (group)
        std::printf("changed group of %s from %s to %s\n", q.c_str(), text(old_spec), text(spec));
      else
        std::printf("no change to ownership of %s\n", q.c_str());
      return;
    case Status::Failed:
      if (!user && !group) {
        std::printf("failed to change ownership of %s\n", q.c_str());
      } else if (old_spec) {
        std::printf(user ? "failed to change ownership of %s from %s to %s\n"
                         : "failed to change group of %s from %s to %s\n",
                    q.c_str(), text(old_spec), text(spec));
      } else {
        std::printf(user ? "failed to change ownership of %s to %s\n" : "failed to change group of %s to %s\n",
                    q.c_str(), text(spec));
      }
      return;
    case Status::NoChangeRequested:
      if (user)
        std::printf("ownership of %s retained as %s\n", q.c_str(), text(old_spec));
      else if (group)
        std::printf("group of %s retained as %s\n", q.c_str(), text(old_spec));
      else
        std::printf("ownership of %s retained\n", q.c_str());
      return;
    default:
      return;
  }
}

/// Whether a recorded principal is the one asked for: by id when both have
/// one, else by name.
bool matches_by_id_then_name(const Principal& want, const Principal& have) {
  if (want.id && have.id) return *want.id == *have.id;
  return !want.name.empty() && want.name == have.name;
}

bool cycle_warning_required(WalkFollow follow, int level) {
  return follow == WalkFollow::Physical || (follow == WalkFollow::CommandLine && level != 0);
}

bool is_directory_entry(WalkInfo info) {
  return info == WalkInfo::Dir || info == WalkInfo::DirPost || info == WalkInfo::Cycle ||
         info == WalkInfo::Unreadable;
}

/// What a staged entry is before the change, after following a symlink when asked.
struct StagedTarget {
  Place place;
  struct stat st {};
};

}  // namespace

bool change_owner(Session& session, const ChownOptions& options, std::string_view operand) {
  bool ok_all = true;
  const bool root_check = options.recurse && options.preserve_root;
  const uid_t uid = options.user && options.user->id ? *options.user->id : static_cast<uid_t>(-1);
  const gid_t gid = options.group && options.group->id ? *options.group->id : static_cast<gid_t>(-1);
  const bool changing_user = options.user.has_value();

  walk_tree(session, operand, options.follow, options.recurse, [&](WalkEntry& e) {
    bool ok = true;
    switch (e.info) {
      case WalkInfo::Dir:
        if (options.recurse) {
          if (root_check && !e.place.staged && is_host_root(e.st)) {
            warn_recursive_root(e.path);
            ok_all = false;
            return WalkAction::Skip;
          }
          return WalkAction::Continue;  // changed after its children, at DirPost
        }
        break;
      case WalkInfo::DirPost:
        if (!options.recurse) return WalkAction::Continue;
        break;
      case WalkInfo::NoStat:
        if (!options.force_silent) diag::error("cannot access " + quote(e.path), e.error);
        ok = false;
        break;
      case WalkInfo::Unreadable:
        if (!options.force_silent) diag::error("cannot read directory " + quote(e.path), e.error);
        ok = false;
        break;
      case WalkInfo::Cycle:
        if (cycle_warning_required(options.follow, e.level)) {
          warn_cycle(e.path);
          ok_all = false;
          return WalkAction::Skip;
        }
        break;
      default:
        break;
    }

    // The object to change: the entry itself, or a symlink's referent.
    Place target = e.place;
    struct stat st = e.st;
    bool have_stats = ok;
    bool retargeted = options.dereference && S_ISLNK(e.st.st_mode);
    if (ok && e.place.staged && !options.dereference && e.followed) {
      // -h on an entry reached through a followed symlink: the link itself.
      Place link = session.place(e.path, false);
      struct stat lst;
      if (link.error == 0 && ::fstatat(link.dirfd, link.name.c_str(), &lst, AT_SYMLINK_NOFOLLOW) == 0) {
        target = std::move(link);
        st = lst;
        retargeted = true;
      }
    }
    if (ok && options.dereference && S_ISLNK(e.st.st_mode)) {
      // GNU reads the referent's stat into a buffer that keeps the previous
      // referent's values when this one fails, and -v shows them: do the same.
      static struct stat last_referent {};
      st = last_referent;
      int err = 0;
      if (e.place.staged) {
        target = walk_referent(session, e);
        if (target.error) err = target.error;
        else if (::fstatat(target.dirfd, target.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) err = errno;
      } else if (::fstatat(e.place.dirfd, e.place.name.c_str(), &st, 0) != 0) {
        err = errno;
      }
      if (err) {
        if (!options.force_silent) diag::error("cannot dereference " + quote(e.path), err);
        ok = false;
      } else {
        last_referent = st;
      }
    }

    // The staged record: from the walk's prefetched tree (changed in place)
    // when it has one to give for the entry itself, else as an Entry.
    Store::TreeRecords::Record* tree_rec = nullptr;
    if (ok && e.place.staged && !retargeted) tree_rec = session.tree_record(target, st, Store::kOwner | Store::kGroup);
    std::optional<Entry> rec;
    // The stale referent -v shows after a failed dereference is, in the
    // stage, the previous referent's record (its owner, not the disk's).
    static std::optional<Entry> last_referent_record;
    if (ok && e.place.staged && !tree_rec) rec = session.current_entry(target, st);
    if (options.dereference && S_ISLNK(e.st.st_mode) && e.place.staged && have_stats) {
      if (ok) last_referent_record = rec;
      else if (last_referent_record) rec = last_referent_record;
    }
    // The recorded owner and group before the change, whichever the source.
    std::optional<std::pair<Principal, Principal>> recorded;
    if (tree_rec) recorded.emplace(session.tree_principal(tree_rec->owner), session.tree_principal(tree_rec->group));
    else if (rec) recorded.emplace(rec->owner, rec->group);

    bool do_chown = false;
    if (ok) {
      if (recorded) {
        do_chown = (!options.required_user || matches_by_id_then_name(*options.required_user, recorded->first)) &&
                   (!options.required_group || matches_by_id_then_name(*options.required_group, recorded->second));
      } else {
        do_chown = (!options.required_user || (options.required_user->id && *options.required_user->id == st.st_uid)) &&
                   (!options.required_group || (options.required_group->id && *options.required_group->id == st.st_gid));
      }
    }

    if (ok && is_directory_entry(e.info) && root_check && !e.place.staged && is_host_root(st)) {
      warn_recursive_root(e.path);
      ok_all = false;
      return WalkAction::Continue;
    }

    bool symlink_changed = true;
    if (do_chown) {
      if (tree_rec) {
        // As below (record_change()), on the tree's record: chown(2) drops
        // a capability, and the set-id bits of a non-directory.
        unsigned fields = 0;
        if (options.user) tree_rec->owner = session.tree_principal(*options.user), fields |= Store::kOwner;
        if (options.group) tree_rec->group = session.tree_principal(*options.group), fields |= Store::kGroup;
        if (!fields) fields = Store::kOwner | Store::kGroup;
        bool is_dir = tree_rec->type == EntryType::Dir;
        if (!is_dir) fields |= Store::kCaps;
        mode_t mode = mode_after_chown(tree_rec->mode, is_dir);
        if (mode != tree_rec->mode) tree_rec->mode = mode, fields |= Store::kMode;
        session.tree_changed(*tree_rec, fields);
      } else if (rec) {
        Entry changed = *rec;
        if (options.user) changed.owner = *options.user;
        if (options.group) changed.group = *options.group;
        changed.mode = mode_after_chown(changed.mode, changed.type == EntryType::Dir);
        changed.tool = diag::tool();
        // Only the owner and group asked for: a chmod that finished meanwhile keeps its mode.
        unsigned fields = (options.user ? Store::kOwner : 0u) | (options.group ? Store::kGroup : 0u);
        // (and the set-id bits chown(2) cleared)
        if (changed.mode != rec->mode) fields |= Store::kMode;
        session.record_change(std::move(changed), fields ? fields : unsigned(Store::kOwner | Store::kGroup),
                              /*may_have_other_names=*/st.st_nlink > 1);
      } else if ((options.user && !options.user->id) || (options.group && !options.group->id)) {
        // A name kept for the stage means nothing on the host.
        if (!options.force_silent)
          diag::error(std::string(options.user && !options.user->id ? "invalid user: " : "invalid group: ") +
                      diag::quote_arg(options.spec));
        ok = false;
      } else {
        int flags = options.dereference ? 0 : AT_SYMLINK_NOFOLLOW;
        ok = ::fchownat(e.place.dirfd, e.place.name.c_str(), uid, gid, flags) == 0;
        if (!ok && !options.dereference && errno == EOPNOTSUPP) {
          ok = true;
          symlink_changed = false;
        }
        if (!ok && !options.force_silent)
          diag::error((changing_user ? "changing ownership of " : "changing group of ") + quote(e.path), errno);
      }
    }

    if (options.verbosity != Verbosity::Off) {
      std::optional<std::string> old_user, old_group;
      bool unchanged_user = !options.user, unchanged_group = !options.group;
      if (have_stats && recorded) {
        old_user = principal_label(recorded->first);
        old_group = principal_label(recorded->second);
        if (options.user) unchanged_user = matches_by_id_then_name(*options.user, recorded->first);
        if (options.group) unchanged_group = matches_by_id_then_name(*options.group, recorded->second);
      } else if (have_stats) {
        old_user = name_or_number(session.users(), st.st_uid);
        old_group = name_or_number(session.groups(), st.st_gid);
        if (options.user) unchanged_user = uid == st.st_uid;
        if (options.group) unchanged_group = gid == st.st_gid;
      }
      bool changed = do_chown && ok && symlink_changed && !(unchanged_user && unchanged_group);
      if (changed || options.verbosity == Verbosity::High) {
        Status status = !ok ? Status::Failed
                        : !symlink_changed ? Status::NotApplied
                        : !changed ? Status::NoChangeRequested
                        : Status::Succeeded;
        std::optional<std::string> new_user = options.user_name;
        if (!new_user && options.user) new_user = options.user->id ? std::to_string(*options.user->id) : options.user->name;
        std::optional<std::string> new_group = options.group_name;
        if (!new_group && options.group)
          new_group = options.group->id ? std::to_string(*options.group->id) : options.group->name;
        describe_change(e.path, status, old_user, old_group, new_user, new_group);
      }
    }
    if (!ok) {
      ok_all = false;
      diag::mark_failed();
    }
    return WalkAction::Continue;
  }, /*record_fields=*/Store::kOwner | Store::kGroup);  // chown reads no disk identity: six columns fewer
  return ok_all;
}

std::optional<std::pair<Principal, Principal>> reference_owner(Session& session, std::string_view rfile,
                                                               int* error) {
  Place p = session.source(rfile);
  struct stat st;
  if (int err = stat_place(p, &st, true)) {
    if (error) *error = err;
    return std::nullopt;
  }
  if (p.staged) {
    Entry rec = session.current_entry(p, st);
    return std::make_pair(rec.owner, rec.group);
  }
  Principal user{session.users().name_of(st.st_uid).value_or(""), st.st_uid};
  Principal group{session.groups().name_of(st.st_gid).value_or(""), st.st_gid};
  return std::make_pair(user, group);
}

}  // namespace stage
