// fakeroot_export: faked save-file lines.
#include "stage/fakeroot_export.h"

#include <cinttypes>
#include <cstdio>
#include <set>
#include <utility>

namespace stage {
namespace {

std::string line(const struct stat& st, uint32_t mode, uint32_t uid, uint32_t gid, uint64_t rdev,
                 mode_t type = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "dev=%llx,ino=%llu,mode=%llo,uid=%llu,gid=%llu,nlink=%llu,rdev=%llu\n",
                static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino),
                static_cast<unsigned long long>((type ? type : st.st_mode & S_IFMT) | (mode & 07777)),
                static_cast<unsigned long long>(uid), static_cast<unsigned long long>(gid),
                static_cast<unsigned long long>(st.st_nlink), static_cast<unsigned long long>(rdev));
  return buf;
}

}  // namespace

std::string format_fakeroot(const std::vector<ListedEntry>& entries, ExportContext& ctx) {
  prepare_ids(ctx, entries, IdUse::Numeric);
  std::string out;
  std::set<std::pair<uint64_t, uint64_t>> seen;
  seen.insert({ctx.root_stat.st_dev, ctx.root_stat.st_ino});
  out += line(ctx.root_stat, 0755, *user_id(ctx, ctx.default_owner), *group_id(ctx, ctx.default_group), 0);
  for (const auto& le : entries) {
    if (!seen.insert({le.disk.st_dev, le.disk.st_ino}).second) continue;
    const Entry& e = le.entry;
    // A device recorded over --root's empty placeholder file is a device to
    // fakeroot too (fakeroot's own mknod fakes devices the same way).
    mode_t type = export_type(le);
    uint64_t rdev = (S_ISCHR(type) || S_ISBLK(type)) ? (e.rdev ? e.rdev : le.disk.st_rdev) : 0;
    out += line(le.disk, export_mode(le), *user_id(ctx, e.owner), *group_id(ctx, e.group), rdev, type);
  }
  return out;
}

}  // namespace stage
