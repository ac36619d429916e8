// session: one tool run's view of the stage.
#include "stage/session.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <functional>
#include <utility>

#include "stage/diag.h"
#include "stage/file_ops.h"
#include "stage/listing.h"
#include "stage/mode.h"
#include "stage/path_map.h"

namespace stage {

DiskIdentity disk_identity(const struct stat& st) {
  DiskIdentity d;
  d.dev = st.st_dev;
  d.ino = st.st_ino;
  d.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  d.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  d.size = static_cast<uint64_t>(st.st_size);
  return d;
}

bool caps_still_apply(const FileCaps& caps, const struct stat& st) {
  DiskIdentity now = disk_identity(st);
  return S_ISREG(st.st_mode) && now.dev == caps.disk.dev && now.ino == caps.disk.ino && now.size == caps.disk.size &&
         now.mtime_ns == caps.disk.mtime_ns;
}

Entry entry_for(const std::string& logical, const struct stat& st, mode_t recorded_mode, Principal owner,
                Principal group) {
  Entry e;
  e.path = logical;
  if (S_ISDIR(st.st_mode)) e.type = EntryType::Dir;
  else if (S_ISLNK(st.st_mode)) e.type = EntryType::Symlink;
  else if (S_ISFIFO(st.st_mode)) e.type = EntryType::Fifo;
  else if (S_ISCHR(st.st_mode)) e.type = EntryType::CharDevice;
  else if (S_ISBLK(st.st_mode)) e.type = EntryType::BlockDevice;
  else e.type = EntryType::File;
  e.mode = recorded_mode & 07777;
  e.owner = std::move(owner);
  e.group = std::move(group);
  if (e.type == EntryType::File) e.size = static_cast<uint64_t>(st.st_size);
  e.disk = disk_identity(st);
  e.tool = diag::tool();
  return e;
}

Session& Session::get() {
  static Session* session = [] {
    try {
      return new Session(config_from_env());
    } catch (const ConfigError& e) {
      diag::fatal(e.what());
    } catch (const StoreError& e) {
      diag::fatal(e.what());
    } catch (const std::system_error& e) {
      diag::fatal(std::string("cannot open staging root '") + e.what() + "'", e.code().value());
    }
  }();
  return *session;
}

Session::Session(Config config)
    : config_(std::move(config)), users_(config_.passwd_file), groups_(config_.group_file) {
  if (!config_.active) return;
  set_disk_modes_for_root(config_.root);
  cwd_ = current_directory();
  try {
    root_ = std::make_unique<StageRoot>(config_.destdir);
  } catch (const std::system_error& e) {
    throw std::system_error(e.code(), config_.destdir);
  }
  // Opened up front: an unusable database must fail the run before it
  // changes anything in the stage.
  store_ = Store::open(config_.db, Store::Access::Create, config_.destdir);
}

Session::~Session() = default;

Store& Session::store() { return *store_; }

Place Session::place(std::string_view operand, bool follow_last) {
  // An empty name is no path (the kernel's ENOENT, as GNU reports), not the
  // working directory it would fold to: it stays a host place.
  if (config_.active && !operand.empty()) {
    MappedPath m = map_path(config_, lexical_absolute(operand, cwd_));
    // "link/" names what the link leads to, as the kernel resolves it; the
    // folded path lost the slash.
    if (m.staged) return root_->locate(m.path, follow_last || operand.back() == '/');
  }
  Place p;
  p.name = std::string(operand);
  return p;
}

Place Session::source(std::string_view operand, bool follow_last) {
  if (config_.active && !operand.empty()) {
    MappedPath m = map_path(config_, lexical_absolute(operand, cwd_));
    if (m.staged) {
      Place p = root_->locate(m.path, follow_last || operand.back() == '/');
      struct stat st;
      bool present = p.error == 0 && ::fstatat(p.dirfd, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
      if (present || m.via_destdir) return p;
      Place host;
      host.name = m.path;  // a dependency already installed on the host
      return host;
    }
  }
  Place p;
  p.name = std::string(operand);
  return p;
}

std::string Session::shown_name(const std::string& logical, bool via_destdir) const {
  if (!via_destdir) return logical;
  return logical == "/" ? config_.destdir : config_.destdir + logical;
}

namespace {
/// The prefixes of `operand` that GNU's mkancesdirs makes in turn, from the
/// left ("a", "a/b", ...; "." and ".." ones skipped), as the user wrote them.
std::vector<std::string> ancestor_prefixes(std::string_view operand, bool include_last) {
  std::string path(operand);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  std::vector<std::string> out;
  auto add = [&](size_t end) {
    std::string prefix = path.substr(0, end);
    if (prefix == "." || prefix == ".." || (prefix.size() > 1 && prefix.ends_with("/.")) || prefix.ends_with("/.."))
      return;
    out.push_back(std::move(prefix));
  };
  for (size_t i = 1; i < path.size(); ++i)
    if (path[i] == '/' && path[i - 1] != '/') add(i);
  if (include_last) add(path.size());
  return out;
}
}  // namespace

int Session::make_dirs(const Place& target, std::string_view operand, bool include_last, mode_t mode,
                       const std::function<void(const std::string&)>& announce, std::string* failed) {
  // GNU makes each missing ancestor in turn, from the left, and names it as
  // the user wrote it ("./a", "lnk/b"); so does the stage, one prefix at a
  // time (only reached when something is missing, so the walks are rare).
  MappedPath whole;
  if (target.staged) {
    whole = map_path(config_, lexical_absolute(operand, cwd_));
    // Refused whole, before any ancestor is made: the stage could never
    // export the path (GNU makes such a tree one directory at a time).
    if (int err = whole.staged ? root_->name_too_long(whole.path) : 0) {
      if (failed) *failed = std::string(operand);
      return err;
    }
  }
  mode_t disk = disk_mode_for(mode, true);
  // Records a directory made in the stage, on disk exactly `disk` (mkdirat
  // applied the umask).
  auto made_in_stage = [&](int dirfd, const std::string& name, const std::string& logical) {
    struct stat st;
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
    if ((st.st_mode & 07777) != disk) ::fchmodat(dirfd, name.c_str(), disk, 0);
    // Ancestors are made with mkdir(2) alone: a setgid parent passes on its bit and group.
    auto inherited = setgid_parent_group(logical);
    record(entry_for(logical, st, inherited ? mode | S_ISGID : mode, default_owner(), inherited.value_or(default_group())));
    Place made = root_->locate(logical, false);
    if (made.error == 0) undo_creation(made, st);
  };
  bool first_staged = true;
  std::vector<std::string> prefixes = ancestor_prefixes(operand, include_last);
  for (size_t i = 0; i < prefixes.size(); ++i) {
    const std::string& prefix = prefixes[i];
    bool last = include_last && i + 1 == prefixes.size();
    if (target.staged) {
      MappedPath m = map_path(config_, lexical_absolute(prefix, cwd_));
      // Ancestors of the stage itself (or of a mapped prefix) are not ours to make.
      if (!m.staged || m.via_destdir != whole.via_destdir) continue;
      if (first_staged) {
        // What lies above the first mapped prefix ("/usr" for STAGE_MAP=/usr/pkg)
        // exists on the host, so the operand does not make it; the stage
        // may lack it: made and recorded, silently as GNU would be.
        first_staged = false;
        std::string failed_logical;
        int err = root_->make_dirs(
            m.path, false, disk,
            [&](const std::string& logical) {
              Place made = root_->locate(logical, false);
              if (made.error == 0) made_in_stage(made.dirfd, made.name, logical);
            },
            &failed_logical);
        if (err) {
          if (failed) *failed = shown_name(failed_logical, m.via_destdir);
          return err;
        }
      }
      Place p = root_->locate(m.path, true);
      int err = p.error;
      if (err == 0 && ::mkdirat(p.dirfd, p.name.c_str(), disk) == 0) {
        made_in_stage(p.dirfd, p.name, p.logical);
        if (announce) announce(prefix);
        continue;
      }
      if (err == 0) {
        err = errno;
        struct stat st;
        if (::fstatat(p.dirfd, p.name.c_str(), &st, 0) == 0 && S_ISDIR(st.st_mode)) continue;
        if (err == EEXIST) err = last ? EEXIST : ENOTDIR;
      } else if (err == ENOENT) {
        // A dangling symlink: GNU's mkdir() of it fails with EEXIST.
        Place link = root_->locate(m.path, false);
        struct stat st;
        if (link.error == 0 && ::fstatat(link.dirfd, link.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) err = EEXIST;
      }
      if (failed) *failed = prefix;
      return err;
    }
    if (::mkdir(prefix.c_str(), mode) == 0) {
      // The umask may have taken bits the caller asked for; a setgid bit
      // inherited from the parent stays, as with GNU (which never chmods).
      struct stat st;
      if (::stat(prefix.c_str(), &st) == 0 && (st.st_mode & 0777) != (mode & 0777))
        ::chmod(prefix.c_str(), (st.st_mode & 07000) | (mode & 0777));
      if (announce) announce(prefix);
      continue;
    }
    int err = errno;
    struct stat st;
    if (::stat(prefix.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
    if (err == EEXIST && ::stat(prefix.c_str(), &st) == 0) err = last ? EEXIST : ENOTDIR;
    if (failed) *failed = prefix;
    return err;
  }
  return 0;
}

void Session::record(Entry entry) { queue(std::move(entry), kWhole); }

namespace {
uint64_t inode_key(const DiskIdentity& d) { return d.ino * 0x9E3779B97F4A7C15ull ^ d.dev; }
}  // namespace

void Session::trace_record(EntryType type, std::string_view path, uint32_t mode, const Principal& owner,
                           const Principal& group, std::string_view target) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", mode);
  trace(diag::tool() + " " + entry_type_name(type) + " " + std::string(path) + " " + buf + " " +
        (owner.name.empty() ? std::to_string(owner.id.value_or(0)) : owner.name) + ":" +
        (group.name.empty() ? std::to_string(group.id.value_or(0)) : group.name) +
        (target.empty() ? "" : " -> " + std::string(target)));
}

void Session::queue(Entry entry, unsigned fields, bool single_name, bool traced) {
  if (entry.tool.empty()) entry.tool = diag::tool();
  untree(entry.path);
  if (!config_.trace.empty() && !traced)
    trace_record(entry.type, entry.path, entry.mode, entry.owner, entry.group, entry.target);
  // Only files have other names (hard links): the index serves record_change() and current_entry().
  if (entry.disk && !single_name && (entry.type == EntryType::File || entry.type == EntryType::Hardlink)) {
    auto& names = pending_inode_[inode_key(*entry.disk)];
    if (std::find(names.begin(), names.end(), entry.path) == names.end()) names.push_back(entry.path);
  }
  removed_set_.erase(entry.path);
  // A later change to the same path within this run replaces the earlier
  // one; a change of a record queued whole keeps it whole.
  // (One probe of the index: a walk's paths are new to it.)
  if (auto [it, added] = pending_at_.try_emplace(entry.path, pending_.size()); !added) {
    Pending& p = pending_[it->second];
    p.fields = (p.fields == kWhole || fields == kWhole) ? kWhole : p.fields | fields;
    p.entry = std::move(entry);
    return;
  }
  pending_.push_back(Pending{std::move(entry), fields});
}

void Session::record_change(Entry entry, unsigned fields, bool may_have_other_names) {
  if (fields == 0) {
    std::optional<Entry> now = lookup(entry.path);
    if (!now) {
      fields = kWhole;
    } else {
      if (now->mode != entry.mode) fields |= Store::kMode;
      if (now->owner != entry.owner) fields |= Store::kOwner;
      if (now->group != entry.group) fields |= Store::kGroup;
      if (now->disk != entry.disk || now->size != entry.size || now->sha256 != entry.sha256) fields |= Store::kDisk;
      if (now->flags != entry.flags) fields |= Store::kFlags;
      if (now->caps != entry.caps) fields |= Store::kCaps;
    }
  }
  // chown(2) drops a file's capability (the kernel's killpriv), whoever
  // calls it and whatever the ids: the drop-ins' chown and --root's supervisor alike.
  if (fields != kWhole && (fields & (Store::kOwner | Store::kGroup)) && entry.type != EntryType::Dir) {
    entry.caps.reset();
    fields |= Store::kCaps;
  }
  // The other names of the same file: its primary (for a hard link) and the
  // hard links to it, found through the inode index and kept only when the
  // records name each other, so a stale inode number changes nothing.
  if (may_have_other_names && (entry.type == EntryType::File || entry.type == EntryType::Hardlink) && entry.disk) {
    const std::string primary = entry.type == EntryType::Hardlink ? entry.target : entry.path;
    std::vector<std::string> names;
    for (const auto& stored : store().list_inode(entry.disk->dev, entry.disk->ino)) names.push_back(stored.path);
    if (auto it = pending_inode_.find(inode_key(*entry.disk)); it != pending_inode_.end())
      names.insert(names.end(), it->second.begin(), it->second.end());
    std::vector<std::string> done{entry.path};
    for (const auto& path : names) {
      if (std::find(done.begin(), done.end(), path) != done.end()) continue;
      auto name = lookup(path);  // this run's version, if any
      if (!name) continue;
      bool related = (name->type == EntryType::File && name->path == primary) ||
                     (name->type == EntryType::Hardlink && name->target == primary);
      if (!related) continue;
      done.push_back(name->path);
      name->mode = entry.mode;
      name->owner = entry.owner;
      name->group = entry.group;
      name->caps = entry.caps;  // an attribute of the inode, as its owner is
      name->tool = entry.tool;
      // The sibling's own disk fields stay as recorded.
      queue(std::move(*name), fields == kWhole ? kWhole : fields & ~unsigned(Store::kDisk));
    }
  }
  queue(std::move(entry), fields, !may_have_other_names);
}

namespace {
/// The record the staged object at `logical` has now (current_entry()), or
/// the errno that stops a change of it.
int staged_record(Session& session, const StageRoot* root, const std::string& logical, Entry& rec) {
  if (!root) return EINVAL;
  Place p = root->locate(logical, false);
  struct stat st;
  if (int err = p.error ? p.error : (::fstatat(p.dirfd, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) ? errno : 0))
    return err;
  rec = session.current_entry(p, st);
  return 0;
}
}  // namespace

int Session::set_mode(const std::string& logical, uint32_t mode) {
  Entry rec;
  if (int err = staged_record(*this, root_.get(), logical, rec)) return err;
  rec.mode = mode & 07777;
  rec.tool = diag::tool();
  record_change(std::move(rec), Store::kMode);
  return 0;
}

int Session::set_owner(const std::string& logical, const std::optional<Principal>& owner,
                       const std::optional<Principal>& group) {
  Entry rec;
  if (int err = staged_record(*this, root_.get(), logical, rec)) return err;
  unsigned fields = 0;
  if (owner) rec.owner = *owner, fields |= Store::kOwner;
  if (group) rec.group = *group, fields |= Store::kGroup;
  if (!fields) return 0;
  rec.tool = diag::tool();
  record_change(std::move(rec), fields);
  return 0;
}

size_t Session::move_records(const std::string& from, const std::string& to) {
  auto moved_name = [&](const std::string& path) { return to + path.substr(from.size()); };
  std::vector<Entry> out;
  for (Entry e : store().list_under(from)) {
    if (!path_within(e.path, from)) continue;
    std::string old = e.path;
    e.path = moved_name(old);
    if (e.type == EntryType::Hardlink && path_within(e.target, from)) e.target = moved_name(e.target);
    // Hard links outside the tree name the moved file by its old path.
    if (e.type == EntryType::File && e.disk)
      for (Entry other : store().list_inode(e.disk->dev, e.disk->ino))
        if (other.type == EntryType::Hardlink && other.target == old && !path_within(other.path, from)) {
          other.target = e.path;
          out.push_back(std::move(other));
        }
    Place p = place(e.path, false);
    struct stat st;
    if (p.staged && !p.error && ::fstatat(p.dirfd, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      DiskIdentity now = disk_identity(st);
      if (!e.disk || *e.disk != now) e.sha256.clear();  // a digest is trusted only for the identity it was computed on
      e.disk = now;
    }
    out.push_back(std::move(e));
  }
  forget(from, true);
  size_t n = 0;
  for (auto& e : out) {
    n += path_within(e.path, to);
    record(std::move(e));
  }
  return n;
}

void Session::forget(const std::string& logical, bool tree) {
  auto drop = [&](const std::string& path) {
    auto it = pending_at_.find(path);
    if (it == pending_at_.end()) return;
    size_t i = it->second, last = pending_.size() - 1;
    pending_at_.erase(it);
    if (i != last) {
      pending_[i] = std::move(pending_[last]);
      pending_at_[pending_[i].entry.path] = i;
    }
    pending_.pop_back();
  };
  // This run's bulk changes there go too.
  if (tree_changes_)
    for (const auto& read : tree_.reads) {
      if (!path_within(logical, read.root) && !(tree && path_within(read.root, logical))) continue;
      auto [b, e] = tree_.below(read.begin, read.end, logical);
      for (size_t i = b; i < e; ++i) {
        auto& r = tree_.records[i];
        if (r.changed && (tree ? path_within(tree_.path(r), logical) : tree_.path(r) == logical)) {
          r.changed = 0;
          --tree_changes_;
        }
      }
    }
  if (tree) {
    std::vector<std::string> below;
    for (const auto& p : pending_)
      if (path_within(p.entry.path, logical)) below.push_back(p.entry.path);
    for (const auto& path : below) drop(path);
    removed_trees_.push_back(logical);
  } else {
    drop(logical);
    removed_.push_back(logical);
    removed_set_.insert(logical);
  }
  if (!config_.trace.empty()) trace(diag::tool() + " remove " + logical);
}

std::optional<Principal> Session::setgid_parent_group(const std::string& logical) {
  auto slash = logical.find_last_of('/');
  if (slash == std::string::npos || logical == "/") return std::nullopt;
  std::string dir = slash == 0 ? "/" : logical.substr(0, slash);
  untree(dir);
  // Not queued or removed by this run: the database's record decides, asked narrowly.
  if (store_ && !pending_at_.count(dir) && !removed_set_.count(dir) && removed_trees_.empty())
    return store().setgid_dir_group(dir);
  auto parent = lookup(dir);
  if (!parent || parent->type != EntryType::Dir || !(parent->mode & S_ISGID)) return std::nullopt;
  return parent->group;
}

std::optional<Entry> Session::lookup(const std::string& logical) {
  untree(logical);
  if (auto it = pending_at_.find(logical); it != pending_at_.end()) {
    const Pending& p = pending_[it->second];
    if (p.fields == kWhole) return p.entry;
    // A field-level change: the record as stored, with those fields changed.
    std::optional<Entry> stored = store_ ? stored_record(logical) : std::nullopt;
    if (!stored) return p.entry;
    if (p.fields & Store::kMode) stored->mode = p.entry.mode;
    if (p.fields & Store::kOwner) stored->owner = p.entry.owner;
    if (p.fields & Store::kGroup) stored->group = p.entry.group;
    if (p.fields & Store::kDisk) {
      stored->disk = p.entry.disk;
      stored->size = p.entry.size;
      stored->sha256 = p.entry.sha256;
    }
    if (p.fields & Store::kFlags) stored->flags = p.entry.flags;
    if (p.fields & Store::kCaps) stored->caps = p.entry.caps;
    stored->tool = p.entry.tool;
    return stored;
  }
  if (removed_set_.count(logical)) return std::nullopt;
  for (const auto& r : removed_trees_)
    if (path_within(logical, r)) return std::nullopt;
  return stored_record(logical);
}

void Session::prefetch_tree(const std::string& logical, unsigned fields) {
  if (!store_ || logical.empty() || tree_.read_of(logical)) return;
  for (const auto& read : tree_.reads)
    if (path_within(read.root, logical)) return;
  if (tree_.reads.empty()) tree_.tool = diag::tool();
  if (!config_.trace.empty()) fields |= Store::kOwner | Store::kGroup;  // trace_record() shows them
  store().read_tree(logical, fields, tree_);
  tree_tables_.clear();
}

std::optional<Entry> Session::stored_record(const std::string& logical) {
  // A path in a read tree without a record there has none (one snapshot,
  // as the per-entry look-ups shared one read transaction).
  if (const auto* read = tree_.read_of(logical); read && tree_.find(read->begin, read->end, logical) == SIZE_MAX)
    return std::nullopt;
  return store().get(logical);
}

namespace {
// The standard library's hash of a name (chosen names cost only probes in
// one directory's table).
size_t name_hash(std::string_view name) { return std::hash<std::string_view>{}(name); }
}  // namespace

Store::TreeRecords::Record* Session::tree_record(const Place& place, const struct stat& st, unsigned needs) {
  if (!bulk_ || tree_.reads.empty()) return nullptr;
  const std::string& path = place.logical;
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return nullptr;
  std::string_view dir(path.data(), slash == 0 ? 1 : slash);
  size_t skip = slash + 1;  // the name's offset in a child's path
  // A walk asks for the children of one directory after another, in
  // directory order (random against path order): a binary search per
  // entry over 100,000 records missed the cache at every step. So, per
  // directory, an open-addressing table of its children's records, kept
  // for the directories the walk is in (a stack: it returns to them).
  size_t k = tree_tables_.size();
  while (k > 0 && tree_tables_[k - 1].dir != dir) --k;
  if (k > 0) {
    tree_tables_.resize(k);
  } else {
    const auto* read = tree_.read_of(path);
    if (!read) return nullptr;
    while (!tree_tables_.empty() && !path_within(dir, tree_tables_.back().dir)) tree_tables_.pop_back();
    auto [b, e] = path_within(dir, read->root) ? tree_.below(read->begin, read->end, dir)
                                               : std::pair(read->begin, read->end);
    std::vector<uint32_t> children;
    for (size_t i = b; i < e;) {
      std::string_view p = tree_.path(tree_.records[i]);
      if (p.size() <= skip || p.compare(0, skip, path.data(), skip) != 0) {
        ++i;  // the directory itself, or a name that only begins like it
        continue;
      }
      size_t below = p.find('/', skip);
      if (below == std::string_view::npos) {
        children.push_back(static_cast<uint32_t>(i++));
        continue;
      }
      i = std::max(i + 1, tree_.below(i, e, p.substr(0, below)).second);  // a child's descendants
    }
    size_t size = 8;
    while (size < 2 * children.size()) size *= 2;
    ChildTable table{std::string(dir), read->fields, std::vector<uint32_t>(size, UINT32_MAX)};
    for (uint32_t i : children) {
      size_t h = name_hash(tree_.path(tree_.records[i]).substr(skip)) & (size - 1);
      while (table.slots[h] != UINT32_MAX) h = (h + 1) & (size - 1);
      table.slots[h] = i;
    }
    tree_tables_.push_back(std::move(table));
  }
  if ((tree_tables_.back().fields & needs) != needs) return nullptr;  // not read
  const auto& slots = tree_tables_.back().slots;
  size_t mask = slots.size() - 1;
  Store::TreeRecords::Record* found = nullptr;
  for (size_t h = name_hash(std::string_view(path).substr(skip)) & mask; slots[h] != UINT32_MAX; h = (h + 1) & mask)
    if (auto& r = tree_.records[slots[h]]; tree_.path(r) == path) {
      found = &r;
      break;
    }
  if (!found) return nullptr;
  auto& r = *found;
  if (!r.plain || !type_matches(r.type, st.st_mode) || (S_ISREG(st.st_mode) && st.st_nlink > 1)) return nullptr;
  if (!pending_at_.empty() && pending_at_.count(path)) return nullptr;
  if (!removed_set_.empty() && removed_set_.count(path)) return nullptr;
  for (const auto& t : removed_trees_)
    if (path_within(path, t)) return nullptr;
  return &r;
}

void Session::tree_changed(Store::TreeRecords::Record& r, unsigned fields) {
  if (!r.changed) ++tree_changes_;
  r.changed |= fields;
  if (!config_.trace.empty())
    trace_record(r.type, tree_.path(r), r.mode, tree_.principals[r.owner], tree_.principals[r.group], {});
}

void Session::untree(const std::string& logical) {
  if (!tree_changes_) return;
  const auto* read = tree_.read_of(logical);
  size_t i = read ? tree_.find(read->begin, read->end, logical) : SIZE_MAX;
  if (i == SIZE_MAX || !tree_.records[i].changed) return;
  auto& r = tree_.records[i];
  unsigned fields = r.changed;
  r.changed = 0;
  --tree_changes_;
  // The record as stored now with this run's fields, as record_change() would have queued it.
  std::optional<Entry> e = store().get(logical);
  if (!e) return;
  if (fields & Store::kMode) e->mode = r.mode;
  if (fields & Store::kOwner) e->owner = tree_.principals[r.owner];
  if (fields & Store::kGroup) e->group = tree_.principals[r.group];
  if (fields & Store::kDisk) {
    e->disk = r.disk;
    e->size = r.size;
    if (!r.keep_digest) e->sha256.clear();
  }
  if (fields & Store::kCaps) e->caps.reset();
  e->tool = tree_.tool;
  queue(std::move(*e), fields, /*single_name=*/true, /*traced=*/true);
}

Entry Session::current_entry(const Place& place, const struct stat& st) {
  if (auto rec = lookup(place.logical); rec && type_matches(rec->type, st.st_mode)) return std::move(*rec);
  Entry e = entry_for(place.logical, st, st.st_mode & 07777, default_owner(), default_group());
  if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
    // Another name of a recorded file (both put there by cp -a, say, and
    // that one changed by the tools): one inode, one owner and mode.
    std::vector<std::string> names;
    for (const auto& stored : store().list_inode(e.disk->dev, e.disk->ino)) names.push_back(stored.path);
    if (auto it = pending_inode_.find(inode_key(*e.disk)); it != pending_inode_.end())
      names.insert(names.end(), it->second.begin(), it->second.end());
    for (const auto& path : names) {
      auto now = lookup(path);  // this run's version, if any
      if (!now || !now->disk || now->disk->dev != e.disk->dev || now->disk->ino != e.disk->ino) continue;
      if (now->type != EntryType::File && now->type != EntryType::Hardlink) continue;
      e.mode = now->mode;
      e.owner = now->owner;
      e.group = now->group;
      break;
    }
  }
  if (S_ISLNK(st.st_mode)) {
    std::string buf(static_cast<size_t>(st.st_size > 0 ? st.st_size : 255) + 1, '\0');
    ssize_t n = ::readlinkat(place.dirfd, place.name.c_str(), buf.data(), buf.size());
    if (n >= 0) e.target.assign(buf.data(), static_cast<size_t>(n));
  }
  return e;
}

void Session::record_info(InfoRecord record) {
  if (!config_.trace.empty())
    trace(diag::program() + " info " + record.info_file + " " + record.dir_file + " " + record.section);
  info_put_.push_back(std::move(record));
}

void Session::forget_info(const std::string& info_file, const std::string& dir_file) {
  std::erase_if(info_put_,
                [&](const InfoRecord& r) { return r.info_file == info_file && r.dir_file == dir_file; });
  info_remove_.push_back(InfoRecord{info_file, dir_file, {}, {}});
  if (!config_.trace.empty()) trace(diag::program() + " forget-info " + info_file + " " + dir_file);
}

std::vector<InfoRecord> Session::info_records() {
  auto same = [](const InfoRecord& a, const InfoRecord& b) {
    return a.info_file == b.info_file && a.dir_file == b.dir_file;
  };
  std::vector<InfoRecord> records = store().list_info();
  // Queued changes win: removals and replacements drop what the database has.
  std::erase_if(records, [&](const InfoRecord& r) {
    for (const auto& x : info_remove_)
      if (same(r, x)) return true;
    for (const auto& x : info_put_)
      if (same(r, x)) return true;
    return false;
  });
  records.insert(records.end(), info_put_.begin(), info_put_.end());
  return records;
}

Principal Session::default_owner() { return resolve_principal(users_, config_.owner); }
Principal Session::default_group() { return resolve_principal(groups_, config_.group); }

IdSpec Session::owner(std::string_view spec) {
  return parse_install_id(users_, spec, config_.active && !config_.strict);
}

IdSpec Session::group(std::string_view spec) {
  return parse_install_id(groups_, spec, config_.active && !config_.strict);
}

void Session::trace(std::string_view line) {
  if (config_.trace.empty()) return;
  int fd = ::open(config_.trace.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  std::string text(line);
  text += '\n';
  ssize_t ignored = ::write(fd, text.data(), text.size());
  (void)ignored;
  ::close(fd);
}

void Session::undo_on_failure(std::function<void()> undo) {
  if (store_) undo_.push_back(std::move(undo));
}

namespace {
bool still_same(const Place& place, const struct stat& made) {
  struct stat now;
  return ::fstatat(place.dirfd, place.name.c_str(), &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_dev == made.st_dev &&
         now.st_ino == made.st_ino;
}
}  // namespace

void Session::undo_creation(const Place& place, const struct stat& made) {
  undo_on_failure([place, made] {
    if (still_same(place, made)) ::unlinkat(place.dirfd, place.name.c_str(), S_ISDIR(made.st_mode) ? AT_REMOVEDIR : 0);
  });
}

void Session::undo_replacement(const Place& place, const struct stat& made, int old_fd, const struct stat& old_st) {
  auto old = std::make_shared<UniqueFd>(old_fd);
  undo_on_failure([place, made, old, old_st] {
    if (!still_same(place, made)) return;
    TempFile back(place);
    if (back.error() || ::lseek(old->get(), 0, SEEK_SET) != 0 || copy_contents(old->get(), back.fd()) != 0) return;
    ::fchmod(back.fd(), old_st.st_mode & 07777);
    struct timespec times[2] = {old_st.st_atim, old_st.st_mtim};
    ::futimens(back.fd(), times);
    back.commit();
  });
}

void Session::undo_backup(const Place& place, const struct stat& made, std::string backup) {
  undo_on_failure([place, made, from = std::move(backup)] {
    if (still_same(place, made)) ::renameat(place.dirfd, from.c_str(), place.dirfd, place.name.c_str());
  });
}

void Session::undo_symlink_replacement(const Place& place, const struct stat& made, std::string old_text) {
  undo_on_failure([place, made, text = std::move(old_text)] {
    if (!still_same(place, made)) return;
    // Made under a temporary name and renamed over ours: the name never
    // goes missing. A TERM meanwhile removes the temporary.
    char tail[48];
    std::snprintf(tail, sizeof tail, ".stage-tmp.%d.%08x", static_cast<int>(::getpid()),
                  static_cast<unsigned>(made.st_ino & 0xffffffffu));
    auto slash = place.name.find_last_of('/');
    std::string tmp = (slash == std::string::npos ? std::string() : place.name.substr(0, slash + 1)) + tail;
    if (::symlinkat(text.c_str(), place.dirfd, tmp.c_str()) != 0) return;
    int slot = remember_temporary(place.dirfd, tmp);
    if (::renameat(place.dirfd, tmp.c_str(), place.dirfd, place.name.c_str()) != 0)
      ::unlinkat(place.dirfd, tmp.c_str(), 0);
    forget_temporary(slot);
  });
}

void Session::undo_disk_mode(const Place& place, const struct stat& before, mode_t set) {
  if (!store_ || !place.staged) return;
  const StageRoot* root = root_.get();
  undo_on_failure([root, logical = place.logical, dev = before.st_dev, ino = before.st_ino,
                   old = static_cast<mode_t>(before.st_mode & 07777), set = static_cast<mode_t>(set & 07777)] {
    Place p = root->locate(logical, false);
    struct stat now;
    if (p.error || ::fstatat(p.dirfd, p.name.c_str(), &now, AT_SYMLINK_NOFOLLOW) != 0) return;
    if (now.st_dev != dev || now.st_ino != ino || (now.st_mode & 07777) != set || S_ISLNK(now.st_mode)) return;
    ::fchmodat(p.dirfd, p.name.c_str(), old, 0);
  });
}

int Session::finish() {
  Store::Batch batch;
  // Sized first: a chmod -R over 100,000 entries would otherwise move them
  // all again at each doubling (page faults, not only copies).
  size_t whole = static_cast<size_t>(
      std::count_if(pending_.begin(), pending_.end(), [](const Pending& p) { return p.fields == kWhole; }));
  if (whole == 0) {
    batch.change = std::move(pending_);  // field-level changes only (chmod -R): no record moved
  } else {
    batch.put.reserve(whole);
    batch.change.reserve(pending_.size() - whole);
    for (auto& p : pending_) {
      if (p.fields == kWhole) batch.put.push_back(std::move(p.entry));
      else batch.change.push_back(Store::Change{std::move(p.entry), p.fields});
    }
  }
  batch.remove = std::move(removed_);
  batch.remove_tree = std::move(removed_trees_);
  batch.info_put = std::move(info_put_);
  batch.info_remove = std::move(info_remove_);
  if (tree_changes_) batch.tree = &tree_;
  pending_ = {};
  pending_at_.clear();
  pending_inode_.clear();
  removed_set_.clear();
  removed_.clear();
  removed_trees_.clear();
  info_put_.clear();
  info_remove_.clear();
  if (store_ && !batch.empty()) {
    try {
      store_->commit(batch);
    } catch (const StoreError& e) {
      diag::error(e.what());
      // Nothing was recorded: take back what the run did to the stage.
      for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
    }
  }
  undo_.clear();
  tree_ = {};
  tree_changes_ = 0;
  tree_tables_.clear();
  // Close the database now: the last connection to close checkpoints the
  // WAL, so the next drop-in starts from a short WAL instead of rebuilding
  // the WAL index from every frame a build has written (measured: recovery
  // of a 3 MB WAL made each call 30% slower and grew with the build).
  store_.reset();
  return diag::exit_status();
}

}  // namespace stage
