// listing: reconciliation of the stage on disk with its records.
#include "stage/listing.h"

#include "stage/file_ops.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <system_error>
#include <unordered_map>

#include "stage/bulk_memory.h"
#include "stage/mode.h"
#include "stage/root_fs.h"
#include "stage/session.h"

namespace stage {
namespace {

struct InodeKey {
  uint64_t dev, ino;
  bool operator==(const InodeKey&) const = default;
};
struct InodeHash {
  size_t operator()(const InodeKey& k) const { return std::hash<uint64_t>()(k.ino * 31 + k.dev); }
};

enum : char { Unmatched, Used, Replaced };  // Replaced: its path holds another kind of object now

// Walks the stage in path order and joins each object with the record of its
// path on the way (both sides sorted: a merge join, no hashing of 100,000
// paths, no global sort; SPEC "Speed budget"). Objects without a record at
// their path are left for the rename pass.
class Walker {
 public:
  Walker(std::vector<Entry>& records, std::vector<char>& state, Listing& out, std::vector<size_t>& pending)
      : records_(records), state_(state), out_(out), pending_(pending) {}

  // Lists everything below the directory `dirfd` (taken and closed).
  // `logical_dir` is a copy: entries grow while it is in use.
  void walk(int dirfd, std::string logical_dir) {
    DIR* d = ::fdopendir(dirfd);
    if (!d) {
      ::close(dirfd);
      return;
    }
    if (logical_dir == "/") logical_dir.clear();
    // A directory's subtree sorts as its name plus '/', not right after its
    // own entry ("a", "a-b", "a/x"): one item for the entry, one for the
    // subtree, sorted together, give whole-path order.
    struct Item {
      std::string key;
      bool subtree;
    };
    std::vector<Item> items;
    while (struct dirent* ent = ::readdir(d)) {
      std::string_view n(ent->d_name);
      if (n == "." || n == "..") continue;
      if (is_stage_temporary(n)) continue;  // a drop-in's file in the making, or one a kill left
      bool dir = ent->d_type == DT_DIR;
      if (ent->d_type == DT_UNKNOWN) {
        struct stat st;
        dir = ::fstatat(::dirfd(d), ent->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
      }
      items.push_back({std::string(n), false});
      if (dir) items.push_back({std::string(n) + "/", true});
    }
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.key < b.key; });
    for (const auto& item : items) {
      if (item.subtree) {
        std::string name = item.key.substr(0, item.key.size() - 1);
        int sub = ::openat(::dirfd(d), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub >= 0) walk(sub, logical_dir + "/" + name);
        continue;
      }
      ListedEntry& le = out_.entries.emplace_back();
      if (::fstatat(::dirfd(d), item.key.c_str(), &le.disk, AT_SYMLINK_NOFOLLOW) != 0) {
        out_.entries.pop_back();
        continue;
      }
      std::string path;
      path.reserve(logical_dir.size() + 1 + item.key.size());
      path = logical_dir;
      path += '/';
      path += item.key;
      join(le, std::move(path));
    }
    ::closedir(d);
  }

 private:
  void join(ListedEntry& le, std::string path) {
    while (r_ < records_.size() && records_[r_].path < path) ++r_;
    if (r_ < records_.size() && records_[r_].path == path) {
      size_t r = r_++;
      if (type_matches(records_[r].type, le.disk.st_mode)) {
        state_[r] = Used;
        le.entry = std::move(records_[r]);
        return;
      }
      state_[r] = Replaced;
    }
    le.entry.path = std::move(path);
    pending_.push_back(out_.entries.size() - 1);
  }

  std::vector<Entry>& records_;
  std::vector<char>& state_;
  Listing& out_;
  std::vector<size_t>& pending_;
  size_t r_ = 0;
};

}  // namespace

Listing reconcile(const std::string& destdir, std::vector<Entry> records, const Principal& default_owner,
                  const Principal& default_group) {
  int root = ::open(destdir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) throw std::system_error(errno, std::generic_category(), destdir);
  // fdopendir() takes the descriptor it is given: walk a duplicate, keep
  // `root` for readlinkat() below.
  int walk_fd = ::fcntl(root, F_DUPFD_CLOEXEC, 0);
  if (walk_fd < 0) {
    int err = errno;
    ::close(root);
    throw std::system_error(err, std::generic_category(), destdir);
  }
  // The store lists in path order (SQLite's BINARY collation is memcmp, as
  // std::string's comparison); other callers may not.
  auto by_path = [](const Entry& a, const Entry& b) { return a.path < b.path; };
  if (!std::is_sorted(records.begin(), records.end(), by_path)) std::sort(records.begin(), records.end(), by_path);
  std::vector<char> state(records.size(), Unmatched);
  std::vector<size_t> pending;
  Listing out;
  out.entries.reserve(records.size() + 64);
  advise_huge_pages(out.entries.data(), out.entries.capacity() * sizeof(ListedEntry));
  Walker(records, state, out, pending).walk(walk_fd, "/");

  // Objects with no record at their path: moved by a tool outside the suite
  // (mv keeps the inode), else untracked.
  std::unordered_map<InodeKey, size_t, InodeHash> by_inode;
  if (!pending.empty())
    for (size_t i = 0; i < records.size(); ++i)
      if (state[i] == Unmatched && records[i].disk) by_inode.emplace(InodeKey{records[i].disk->dev, records[i].disk->ino}, i);
  // An untracked name of a recorded file's inode (a hard link made by a tool
  // outside the suite, or both names copied in and one then changed by the
  // tools) has that file's metadata: one inode, one owner and mode.
  std::unordered_map<InodeKey, size_t, InodeHash> recorded_inode;
  bool linked_pending = false;
  for (size_t k : pending) linked_pending |= S_ISREG(out.entries[k].disk.st_mode) && out.entries[k].disk.st_nlink > 1;
  if (linked_pending) {
    std::vector<char> is_pending(out.entries.size(), 0);
    for (size_t k : pending) is_pending[k] = 1;
    for (size_t k = 0; k < out.entries.size(); ++k) {
      const struct stat& st = out.entries[k].disk;
      if (!is_pending[k] && S_ISREG(st.st_mode) && st.st_nlink > 1)
        recorded_inode.emplace(InodeKey{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)}, k);
    }
  }
  for (size_t k : pending) {
    ListedEntry& le = out.entries[k];
    const struct stat& st = le.disk;
    auto ino = by_inode.find(InodeKey{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)});
    if (ino != by_inode.end() && state[ino->second] == Unmatched && type_matches(records[ino->second].type, st.st_mode)) {
      // The record follows the inode. Its disk identity stays the recorded
      // one (a digest is reused only while the file is unchanged, and mv
      // changes the ctime).
      state[ino->second] = Used;
      std::string path = std::move(le.entry.path);
      le.entry = std::move(records[ino->second]);
      le.recorded_path = le.entry.path;
      out.updates.remove.push_back(le.entry.path);
      le.entry.path = std::move(path);
      Entry moved = le.entry;
      moved.disk = disk_identity(st);
      moved.sha256.clear();
      out.updates.put.push_back(std::move(moved));
      le.renamed = true;
    } else {
      le.untracked = true;
      le.entry = entry_for(le.entry.path, st, st.st_mode & 07777, default_owner, default_group);
      le.entry.tool.clear();
      auto same = recorded_inode.find(InodeKey{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)});
      if (same != recorded_inode.end()) {
        const Entry& recorded = out.entries[same->second].entry;
        le.entry.mode = recorded.mode;
        le.entry.owner = recorded.owner;
        le.entry.group = recorded.group;
      }
      if (le.entry.type == EntryType::Symlink) {
        std::string buf(4096, '\0');
        ssize_t n = ::readlinkat(root, le.entry.path.c_str() + 1, buf.data(), buf.size());
        if (n >= 0) le.entry.target = buf.substr(0, n);
      }
    }
  }
  // Current content wins: sizes are those on disk now, and a capability
  // set before the file was written again or replaced is gone, as the
  // kernel drops it.
  std::unordered_map<InodeKey, const FileCaps*, InodeHash> linked_caps;
  for (auto& le : out.entries) {
    if (S_ISREG(le.disk.st_mode)) le.entry.size = static_cast<uint64_t>(le.disk.st_size);
    if (le.entry.caps && !caps_still_apply(*le.entry.caps, le.disk)) le.entry.caps.reset();
    if (le.entry.caps && le.disk.st_nlink > 1)
      linked_caps.emplace(InodeKey{static_cast<uint64_t>(le.disk.st_dev), static_cast<uint64_t>(le.disk.st_ino)},
                          &*le.entry.caps);
  }
  // A capability belongs to the inode, as its content does: every name of a
  // file has it, a hard link made after setcap too.
  if (!linked_caps.empty())
    for (auto& le : out.entries) {
      if (le.entry.caps || !S_ISREG(le.disk.st_mode) || le.disk.st_nlink < 2) continue;
      auto it = linked_caps.find(InodeKey{static_cast<uint64_t>(le.disk.st_dev), static_cast<uint64_t>(le.disk.st_ino)});
      if (it != linked_caps.end()) le.entry.caps = *it->second;
    }
  ::close(root);
  for (size_t i = 0; i < records.size(); ++i) {
    if (state[i] == Used) continue;
    out.missing.push_back(std::move(records[i]));
    out.updates.remove.push_back(out.missing.back().path);
  }
  return out;
}

Listing reconcile_stage(const std::string& destdir, const std::string& db, const Principal& default_owner,
                        const Principal& default_group, bool write_back) {
  auto store = Store::open(db, write_back ? Store::Access::ReadWrite : Store::Access::ReadOnly);
  Listing listing = reconcile(destdir, store->list_all(), default_owner, default_group);
  if (write_back) store->commit(listing.updates);
  return listing;
}

bool type_matches(EntryType type, mode_t st_mode) {
  switch (type) {
    case EntryType::File:
    case EntryType::Hardlink: return S_ISREG(st_mode);
    case EntryType::Dir: return S_ISDIR(st_mode);
    case EntryType::Symlink: return S_ISLNK(st_mode);
    case EntryType::Fifo: return S_ISFIFO(st_mode);
    // Under stage-run --root a device node is recorded over an empty
    // placeholder file (making the node itself needs host privilege).
    case EntryType::CharDevice: return S_ISCHR(st_mode) || S_ISREG(st_mode);
    case EntryType::BlockDevice: return S_ISBLK(st_mode) || S_ISREG(st_mode);
  }
  return false;
}

char type_letter(EntryType type) {
  switch (type) {
    case EntryType::Dir: return 'd';
    case EntryType::Symlink: return 'l';
    case EntryType::Fifo: return 'p';
    case EntryType::CharDevice: return 'c';
    case EntryType::BlockDevice: return 'b';
    default: return '-';
  }
}

std::string principal_text(const Principal& p) {
  if (!p.name.empty()) return p.name;
  return p.id ? std::to_string(*p.id) : "?";
}

namespace {
/// `ls -b`'s escapes, so that every entry stays one line: a backslash is
/// doubled, \n and \t are written so, other control bytes as \ooo.
std::string ls_escape(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else out += static_cast<char>(c);
  }
  return out;
}
}  // namespace

std::string format_ls(const std::vector<ListedEntry>& entries) {
  size_t owner_w = 0, group_w = 0, size_w = 0;
  for (const auto& le : entries) {
    owner_w = std::max(owner_w, principal_text(le.entry.owner).size());
    group_w = std::max(group_w, principal_text(le.entry.group).size());
    size_w = std::max(size_w, std::to_string(le.entry.size.value_or(0)).size());
  }
  size_t total = 0;
  for (const auto& le : entries) total += 32 + owner_w + group_w + size_w + le.entry.path.size() + le.entry.target.size();
  std::string out;
  out.reserve(total);
  advise_huge_pages(out.data(), out.capacity());
  for (const auto& le : entries) {
    const Entry& e = le.entry;
    std::string owner = principal_text(e.owner), group = principal_text(e.group);
    std::string size = std::to_string(e.size.value_or(0));
    out += mode_string(e.mode, S_ISSOCK(le.disk.st_mode) ? 's' : type_letter(e.type));
    out += ' ';
    out += owner + std::string(owner_w - owner.size(), ' ');
    out += ' ';
    out += group + std::string(group_w - group.size(), ' ');
    out += ' ';
    out += std::string(size_w - size.size(), ' ') + size;
    out += ' ';
    out += ls_escape(e.path);
    if (e.type == EntryType::Symlink) out += " -> " + ls_escape(e.target);
    if (e.type == EntryType::Hardlink) out += " => " + ls_escape(e.target);
    if (le.untracked) out += "  [untracked]";
    out += '\n';
  }
  return out;
}

}  // namespace stage
