// pacman_export: makepkg's .MTREE.
#include "stage/pacman_export.h"

#include <sys/sysmacros.h>

#include <cstdio>

#include "stage/content.h"
#include "stage/vis.h"

namespace stage {
namespace {

// Appends " KEY=N".
void number(std::string& out, const char* key, uint64_t n) {
  char buf[32];
  int len = std::snprintf(buf, sizeof buf, " %s=%llu", key, static_cast<unsigned long long>(n));
  out.append(buf, static_cast<size_t>(len));
}

void time_keyword(std::string& out, int64_t t) {
  char buf[40];
  int len = std::snprintf(buf, sizeof buf, " time=%lld.0", static_cast<long long>(t));
  out.append(buf, static_cast<size_t>(len));
}

}  // namespace

std::string format_pacman_mtree(const std::vector<ListedEntry>& entries, ExportContext& ctx,
                                const PacmanMtreeOptions& options) {
  prepare_ids(ctx, entries, IdUse::Numeric);
  std::string out;
  reserve_output(out, 256 + entries.size() * 160);
  out += "#mtree\n/set type=file uid=0 gid=0 mode=644\n";
  if (!options.pkginfo.empty()) {
    out += "./.PKGINFO";
    time_keyword(out, options.pkginfo_mtime);
    out += " size=" + std::to_string(options.pkginfo.size());
    if (options.md5) out += " md5digest=" + md5_of(options.pkginfo);
    out += " sha256digest=" + sha256_of(options.pkginfo) + "\n";
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    const ListedEntry& le = entries[i];
    const Entry& e = le.entry;
    mode_t fmt = export_type(le);
    if (fmt == S_IFSOCK) continue;
    out += '.';
    mtree_vis_append(out, e.path, /*escape_equals=*/true);
    int64_t t = le.disk.st_mtim.tv_sec;
    if (options.clamp_mtime && t > *options.clamp_mtime) t = *options.clamp_mtime;
    time_keyword(out, t);
    uint32_t m = export_mode(le);
    if (m != 0644) {
      char buf[16];
      int len = std::snprintf(buf, sizeof buf, " mode=%o", static_cast<unsigned>(m));
      out.append(buf, static_cast<size_t>(len));
    }
    switch (fmt) {
      case S_IFDIR: out += " type=dir"; break;
      case S_IFLNK: out += " type=link"; break;
      case S_IFIFO: out += " type=fifo"; break;
      case S_IFCHR: out += " type=char"; break;
      case S_IFBLK: out += " type=block"; break;
      default: break;
    }
    uint32_t uid = user_id(ctx, e.owner).value_or(0), gid = group_id(ctx, e.group).value_or(0);
    if (uid != 0) number(out, "uid", uid);
    if (gid != 0) number(out, "gid", gid);
    if (fmt == S_IFREG) {
      number(out, "size", e.size.value_or(static_cast<uint64_t>(le.disk.st_size)));
      if (options.md5 && !(*options.md5)[i].empty()) {
        out += " md5digest=";
        out += (*options.md5)[i];
      }
      if (!e.sha256.empty()) {
        out += " sha256digest=";
        out += e.sha256;
      }
    } else if (fmt == S_IFLNK) {
      out += " link=";
      mtree_vis_append(out, e.target, /*escape_equals=*/true);
    } else if (fmt == S_IFCHR || fmt == S_IFBLK) {
      dev_t rdev = e.rdev ? static_cast<dev_t>(e.rdev) : le.disk.st_rdev;
      out += " device=native," + std::to_string(major(rdev)) + "," + std::to_string(minor(rdev));
    }
    out += '\n';
  }
  return out;
}

}  // namespace stage
