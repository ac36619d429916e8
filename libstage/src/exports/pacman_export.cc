// pacman_export: makepkg's .MTREE.
#include "stage/pacman_export.h"

#include <sys/sysmacros.h>

#include <cstdio>

#include "stage/content.h"
#include "stage/vis.h"

namespace stage {
namespace {

// mtree_vis() plus '=', which libarchive's mtree writer escapes as well.
std::string pacman_vis(std::string_view text) {
  std::string v = mtree_vis(text), out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '=') out += "\\075";
    else out += c;
  }
  return out;
}

void time_keyword(std::string& line, int64_t t) {
  line += " time=";
  line += std::to_string(t);
  line += ".0";
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
  char mode[16];
  for (size_t i = 0; i < entries.size(); ++i) {
    const ListedEntry& le = entries[i];
    const Entry& e = le.entry;
    mode_t fmt = le.disk.st_mode & S_IFMT;
    if (fmt == S_IFSOCK) continue;
    std::string line = "." + pacman_vis(e.path);
    int64_t t = le.disk.st_mtim.tv_sec;
    if (options.clamp_mtime && t > *options.clamp_mtime) t = *options.clamp_mtime;
    time_keyword(line, t);
    uint32_t m = export_mode(le);
    if (m != 0644) {
      std::snprintf(mode, sizeof mode, " mode=%o", static_cast<unsigned>(m));
      line += mode;
    }
    switch (fmt) {
      case S_IFDIR: line += " type=dir"; break;
      case S_IFLNK: line += " type=link"; break;
      case S_IFIFO: line += " type=fifo"; break;
      case S_IFCHR: line += " type=char"; break;
      case S_IFBLK: line += " type=block"; break;
      default: break;
    }
    uint32_t uid = user_id(ctx, e.owner).value_or(0), gid = group_id(ctx, e.group).value_or(0);
    if (uid != 0) line += " uid=" + std::to_string(uid);
    if (gid != 0) line += " gid=" + std::to_string(gid);
    if (fmt == S_IFREG) {
      line += " size=" + std::to_string(e.size.value_or(static_cast<uint64_t>(le.disk.st_size)));
      if (options.md5 && !(*options.md5)[i].empty()) line += " md5digest=" + (*options.md5)[i];
      if (!e.sha256.empty()) line += " sha256digest=" + e.sha256;
    } else if (fmt == S_IFLNK) {
      line += " link=" + pacman_vis(e.target);
    } else if (fmt == S_IFCHR || fmt == S_IFBLK) {
      dev_t rdev = e.rdev ? static_cast<dev_t>(e.rdev) : le.disk.st_rdev;
      line += " device=native," + std::to_string(major(rdev)) + "," + std::to_string(minor(rdev));
    }
    line += '\n';
    out += line;
  }
  return out;
}

}  // namespace stage
