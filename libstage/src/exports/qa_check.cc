// qa_check: the QA findings and their advice.
#include "stage/qa_check.h"

#include "stage/file_caps.h"

#include <string.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <system_error>

#include "stage/diag.h"
#include "stage/mtree_export.h"

namespace stage {

bool file_contains(int root_fd, const std::string& logical, const std::string& needle) {
  int fd = open_staged_file(root_fd, logical);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), logical);
  UniqueFd owned(fd);
  // Read in blocks with an overlap of needle-1 bytes, so a match across a
  // block boundary is found; memory stays bounded for large files.
  const size_t block = 1 << 20;
  std::string buf;
  std::string carry;
  std::vector<char> chunk(block);
  for (;;) {
    ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), logical);
    }
    if (n == 0) return false;
    buf.assign(carry);
    buf.append(chunk.data(), static_cast<size_t>(n));
    if (::memmem(buf.data(), buf.size(), needle.data(), needle.size())) return true;
    size_t keep = std::min(buf.size(), needle.size() > 0 ? needle.size() - 1 : 0);
    carry.assign(buf.data() + buf.size() - keep, keep);
  }
}

std::vector<Finding> qa_check(const std::vector<ListedEntry>& entries, ExportContext& ctx) {
  std::vector<Finding> out;
  const std::string& destdir = ctx.destdir;
  struct Unknown {
    std::string first;
    size_t count = 0;
  };
  std::map<std::string, Unknown> unknown_users, unknown_groups;
  std::vector<std::string> user_order, group_order;

  for (const auto& le : entries) {
    const Entry& e = le.entry;
    uint32_t mode = export_mode(le);
    bool file = is_regular(le);
    if (le.untracked)
      out.push_back({"untracked", e.path,
                     "reached the stage without stage's tools (cp, tar, a compiler, /usr/bin/install by absolute path?); it "
                     "ships as " + principal_text(e.owner) + ":" + principal_text(e.group) + " " + mtree_mode(mode) +
                         " from its on-disk mode: install it with the staged install(1), or configure the package under "
                         "stage-run so its Makefile finds the drop-ins"});
    if (file && (mode & 04000))
      out.push_back({"setuid", e.path,
                     "setuid " + principal_text(e.owner) + " (" + mtree_mode(mode) +
                         "): make sure it must be, and declare it (SPECIAL_PERMS, see --format pkgsrc-perms)"});
    if (file && (mode & 02000))
      out.push_back({"setgid", e.path,
                     "setgid " + principal_text(e.group) + " (" + mtree_mode(mode) +
                         "): make sure it must be, and declare it (SPECIAL_PERMS, see --format pkgsrc-perms)"});
    if (file && e.caps)
      out.push_back({"capabilities", e.path,
                     "file capabilities " + caps_text(e.caps->xattr) +
                         ": privilege like a setuid bit; make sure it must be (rpm carries it as %caps, tar as an xattr; "
                         "a .deb needs setcap in postinst)"});
    if (file && (mode & 0002))
      out.push_back({"world-writable", e.path,
                     "mode " + mtree_mode(mode) + ": anyone may change it; remove o+w unless that is the point"});
    else if (file && (mode & 0020))
      out.push_back({"group-writable", e.path,
                     "mode " + mtree_mode(mode) + ": group " + principal_text(e.group) +
                         " may change it; remove g+w unless the package needs it (score files, spools)"});
    if (e.type == EntryType::Dir && (mode & 0002) && !(mode & 01000))
      out.push_back({"world-writable", e.path,
                     "directory mode " + mtree_mode(mode) +
                         " without the sticky bit: anyone may delete others' files; add +t (1777) or remove o+w"});
    auto note = [](std::map<std::string, Unknown>& map, std::vector<std::string>& order, const Principal& p,
                   const std::string& path) {
      auto [it, fresh] = map.try_emplace(p.name);
      if (fresh) {
        it->second.first = path;
        order.push_back(p.name);
      }
      ++it->second.count;
    };
    if (!e.owner.name.empty() && !ctx.users.id_of(e.owner.name)) note(unknown_users, user_order, e.owner, e.path);
    if (!e.group.name.empty() && !ctx.groups.id_of(e.group.name)) note(unknown_groups, group_order, e.group, e.path);
    if (e.type == EntryType::Symlink && e.target.find(destdir) != std::string::npos)
      out.push_back({"destdir-in-symlink", e.path,
                     "its target " + diag::quote(e.target) + " holds the staging root " + diag::quote(destdir) +
                         ": the package linked to $DESTDIR...; link to the installed path (or a relative one) instead"});
    if (file && file_contains(ctx.root.get(), e.path, destdir))
      out.push_back({"destdir-in-content", e.path,
                     "its content holds the staging root " + diag::quote(destdir) +
                         ": the build baked $DESTDIR into it; fix the package so it writes the installed path (for "
                         "example pass PREFIX, not DESTDIR, at build time)"});
  }
  for (const auto& name : user_order) {
    const Unknown& u = unknown_users[name];
    out.push_back({"unknown-user", u.first,
                   "owner " + diag::quote(name) + " (" + std::to_string(u.count) + " entr" + (u.count == 1 ? "y" : "ies") +
                       ") is not in the target's passwd " + diag::quote(ctx.users.file()) +
                       ": add it there (STAGE_PASSWD) and have the package create it (pkgsrc: PKG_USERS)"});
  }
  for (const auto& name : group_order) {
    const Unknown& g = unknown_groups[name];
    out.push_back({"unknown-group", g.first,
                   "group " + diag::quote(name) + " (" + std::to_string(g.count) + " entr" + (g.count == 1 ? "y" : "ies") +
                       ") is not in the target's group file " + diag::quote(ctx.groups.file()) +
                       ": add it there (STAGE_GROUPFILE) and have the package create it (pkgsrc: PKG_GROUPS)"});
  }
  return out;
}

std::string format_findings(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    bool plain = true;
    for (unsigned char c : f.path)
      if (c < 0x20 || c == 0x7f) plain = false;
    out += f.kind + ": " + (plain ? f.path : diag::quote(f.path)) + ": " + f.advice + "\n";
  }
  return out;
}

}  // namespace stage
