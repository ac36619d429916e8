// mtree_export: METALOG lines.
#include "stage/mtree_export.h"

#include <sys/sysmacros.h>

#include <cstdio>

#include "stage/vis.h"

namespace stage {

std::string mtree_mode(uint32_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%#o", static_cast<unsigned>(mode));
  return buf;
}

namespace {

const char* mtree_type(const ListedEntry& le) {
  switch (le.entry.type) {
    case EntryType::Dir: return "dir";
    case EntryType::Symlink: return "link";
    case EntryType::Fifo: return "fifo";
    case EntryType::CharDevice: return "char";
    case EntryType::BlockDevice: return "block";
    default: return "file";  // files and hard links alike
  }
}

void owner_keywords(std::string& line, ExportContext& ctx, const Principal& owner, const Principal& group) {
  std::string uname = user_name(ctx, owner), gname = group_name(ctx, group);
  if (!uname.empty()) line += " uname=" + mtree_vis(uname);
  if (!gname.empty()) line += " gname=" + mtree_vis(gname);
  // A name no database knows goes without an id (or with --unknown-id's).
  if (auto uid = user_id(ctx, owner)) line += " uid=" + std::to_string(*uid);
  if (auto gid = group_id(ctx, group)) line += " gid=" + std::to_string(*gid);
}

}  // namespace

std::string format_mtree(const std::vector<ListedEntry>& entries, ExportContext& ctx) {
  prepare_ids(ctx, entries, IdUse::NameOnly);
  std::string out;
  reserve_output(out, 256 + entries.size() * 200);
  out += "#mtree\n";
  std::string root = ". type=dir";
  owner_keywords(root, ctx, ctx.default_owner, ctx.default_group);
  root += " mode=0755\n";
  out += root;
  for (const auto& le : entries) {
    const Entry& e = le.entry;
    // A socket reaches the stage only around the tools (a test's leftover).
    // mtree(5) has type=socket, but libarchive's reader (bsdtar @SPEC) takes
    // it for a file it cannot open and fails: left out, as tar leaves it.
    if (S_ISSOCK(le.disk.st_mode)) {
      ctx.warnings.push_back(e.path + ": socket ignored");
      continue;
    }
    std::string line = "." + mtree_vis(e.path);
    line += " type=";
    line += mtree_type(le);
    owner_keywords(line, ctx, e.owner, e.group);
    line += " mode=" + mtree_mode(export_mode(le));
    if (is_regular(le)) {
      line += " size=" + std::to_string(e.size.value_or(static_cast<uint64_t>(le.disk.st_size)));
      if (!e.sha256.empty()) line += " sha256=" + e.sha256;
    }
    if (e.type == EntryType::Symlink) line += " link=" + mtree_vis(e.target);
    if (e.type == EntryType::CharDevice || e.type == EntryType::BlockDevice) {
      dev_t rdev = e.rdev ? static_cast<dev_t>(e.rdev) : le.disk.st_rdev;
      line += " device=native," + std::to_string(major(rdev)) + "," + std::to_string(minor(rdev));
    }
    if (!e.flags.empty()) line += " flags=" + mtree_vis(e.flags);
    line += '\n';
    out += line;
  }
  return out;
}

}  // namespace stage
