// listing: reconciliation of the stage on disk with its records.
#include "stage/listing.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <system_error>
#include <unordered_map>

#include "stage/mode.h"
#include "stage/root_fs.h"
#include "stage/session.h"

namespace stage {
namespace {

struct DiskObject {
  std::string path;
  struct stat st;
};

void walk_disk(int dirfd, const std::string& logical_dir, std::vector<DiskObject>& out) {
  DIR* d = ::fdopendir(dirfd);
  if (!d) {
    ::close(dirfd);
    return;
  }
  std::vector<std::string> names;
  while (struct dirent* ent = ::readdir(d)) {
    std::string_view n(ent->d_name);
    if (n == "." || n == "..") continue;
    names.emplace_back(n);
  }
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    DiskObject obj;
    obj.path = (logical_dir == "/" ? "" : logical_dir) + "/" + name;
    if (::fstatat(::dirfd(d), name.c_str(), &obj.st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    bool is_dir = S_ISDIR(obj.st.st_mode);
    out.push_back(obj);
    if (is_dir) {
      int sub = ::openat(::dirfd(d), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub >= 0) walk_disk(sub, out.back().path, out);
    }
  }
  ::closedir(d);
}

EntryType type_of(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return EntryType::Dir;
  if (S_ISLNK(st.st_mode)) return EntryType::Symlink;
  if (S_ISFIFO(st.st_mode)) return EntryType::Fifo;
  if (S_ISCHR(st.st_mode)) return EntryType::CharDevice;
  if (S_ISBLK(st.st_mode)) return EntryType::BlockDevice;
  return EntryType::File;
}

struct InodeKey {
  uint64_t dev, ino;
  bool operator==(const InodeKey&) const = default;
};
struct InodeHash {
  size_t operator()(const InodeKey& k) const { return std::hash<uint64_t>()(k.ino * 31 + k.dev); }
};

}  // namespace

Listing reconcile(const std::string& destdir, std::vector<Entry> records, const Principal& default_owner,
                  const Principal& default_group) {
  int root = ::open(destdir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) throw std::system_error(errno, std::generic_category(), destdir);
  std::vector<DiskObject> disk;
  walk_disk(root, "/", disk);
  // The walk sorted each directory's names, not whole paths ("a/b" vs "a-b").
  std::sort(disk.begin(), disk.end(), [](const DiskObject& a, const DiskObject& b) { return a.path < b.path; });

  std::unordered_map<std::string, size_t> by_path;
  std::unordered_map<InodeKey, size_t, InodeHash> by_inode;
  for (size_t i = 0; i < records.size(); ++i) {
    by_path.emplace(records[i].path, i);
    if (records[i].disk) by_inode.emplace(InodeKey{records[i].disk->dev, records[i].disk->ino}, i);
  }
  std::vector<bool> used(records.size(), false);
  std::unordered_map<std::string, bool> on_disk;
  for (const auto& obj : disk) on_disk.emplace(obj.path, true);

  Listing out;
  out.entries.reserve(disk.size());
  for (const auto& obj : disk) {
    ListedEntry le;
    le.disk = obj.st;
    if (auto it = by_path.find(obj.path); it != by_path.end()) {
      le.entry = records[it->second];
      used[it->second] = true;
    } else if (auto ino = by_inode.find(InodeKey{static_cast<uint64_t>(obj.st.st_dev), static_cast<uint64_t>(obj.st.st_ino)});
               ino != by_inode.end() && !used[ino->second] && !on_disk.count(records[ino->second].path) &&
               records[ino->second].type == type_of(obj.st)) {
      // Moved by a tool outside the suite (mv): the record follows the inode.
      le.entry = records[ino->second];
      used[ino->second] = true;
      out.updates.remove.push_back(le.entry.path);
      le.entry.path = obj.path;
      le.entry.disk = disk_identity(obj.st);
      out.updates.put.push_back(le.entry);
      le.renamed = true;
    } else {
      le.untracked = true;
      le.entry = entry_for(obj.path, obj.st, obj.st.st_mode & 07777, default_owner, default_group);
      le.entry.tool.clear();
      if (le.entry.type == EntryType::Symlink) {
        std::string buf(4096, '\0');
        ssize_t n = ::readlinkat(root, obj.path.c_str() + 1, buf.data(), buf.size());
        if (n >= 0) le.entry.target = buf.substr(0, n);
      }
    }
    // Current content wins: sizes are those on disk now.
    if (S_ISREG(obj.st.st_mode)) le.entry.size = static_cast<uint64_t>(obj.st.st_size);
    out.entries.push_back(std::move(le));
  }
  ::close(root);
  for (size_t i = 0; i < records.size(); ++i) {
    if (used[i]) continue;
    out.missing.push_back(records[i]);
    out.updates.remove.push_back(records[i].path);
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

std::string format_ls(const std::vector<ListedEntry>& entries) {
  size_t owner_w = 0, group_w = 0, size_w = 0;
  for (const auto& le : entries) {
    owner_w = std::max(owner_w, principal_text(le.entry.owner).size());
    group_w = std::max(group_w, principal_text(le.entry.group).size());
    size_w = std::max(size_w, std::to_string(le.entry.size.value_or(0)).size());
  }
  std::string out;
  for (const auto& le : entries) {
    const Entry& e = le.entry;
    std::string owner = principal_text(e.owner), group = principal_text(e.group);
    std::string size = std::to_string(e.size.value_or(0));
    out += mode_string(e.mode, type_letter(e.type));
    out += ' ';
    out += owner + std::string(owner_w - owner.size(), ' ');
    out += ' ';
    out += group + std::string(group_w - group.size(), ' ');
    out += ' ';
    out += std::string(size_w - size.size(), ' ') + size;
    out += ' ';
    out += e.path;
    if (e.type == EntryType::Symlink) out += " -> " + e.target;
    if (e.type == EntryType::Hardlink) out += " => " + e.target;
    if (le.untracked) out += "  [untracked]";
    out += '\n';
  }
  return out;
}

}  // namespace stage
