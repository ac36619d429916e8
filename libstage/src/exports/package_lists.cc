// package_lists: rpm %files lists and FreeBSD pkg plists.
#include "stage/package_lists.h"

#include <sys/sysmacros.h>

#include <algorithm>
#include <cstdio>

#include "stage/file_caps.h"
#include "stage/path_map.h"

namespace stage {
namespace {

std::string octal(uint32_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode));
  return buf;
}

// A recorded owner as a package list names it: the name, else the id.
std::string owner_word(ExportContext& ctx, const Principal& p, bool group) {
  std::string n = group ? group_name(ctx, p) : user_name(ctx, p);
  return n.empty() ? (p.id ? std::to_string(*p.id) : std::string("root")) : n;
}

bool is_root(const std::string& name) { return name == "root" || name == "0"; }

std::string skip_warning(const std::string& path, const char* why) { return "'" + path + "' left out: " + why; }

}  // namespace

TextExport format_rpm(const std::vector<ListedEntry>& entries, ExportContext& ctx, const std::string& raw_prefix,
                      const std::vector<std::string>& config) {
  prepare_ids(ctx, entries, IdUse::ByName);
  std::string prefix = lexical_fold(raw_prefix);
  std::vector<std::string> configs;
  for (const auto& c : config) configs.push_back(lexical_fold(c.empty() || c[0] != '/' ? "/" + c : c));
  std::sort(configs.begin(), configs.end());
  TextExport out;
  reserve_output(out.text, 64 + entries.size() * 80);
  out.text += "%defattr(-,root,root,-)\n";
  for (const auto& le : entries) {
    const Entry& e = le.entry;
    mode_t fmt = export_type(le);
    if (fmt == S_IFSOCK) {
      out.warnings.push_back(skip_warning(e.path, "a socket (no package holds one)"));
      continue;
    }
    if (e.path.find_first_of("\n\"\\*?[]{}") != std::string::npos) {
      out.warnings.push_back(skip_warning(e.path, "rpm's %files cannot name it (newline, '\"', '\\' or a glob character)"));
      continue;
    }
    if (fmt == S_IFDIR && !package_owns_dir(e.path, prefix)) continue;
    std::string line;
    if (std::binary_search(configs.begin(), configs.end(), e.path)) line += "%config(noreplace) ";
    if (fmt == S_IFDIR) line += "%dir ";
    if (fmt == S_IFCHR || fmt == S_IFBLK) {
      dev_t rdev = e.rdev ? static_cast<dev_t>(e.rdev) : le.disk.st_rdev;
      line += std::string("%dev(") + (fmt == S_IFCHR ? "c" : "b") + "," + std::to_string(major(rdev)) + "," +
              std::to_string(minor(rdev)) + ") ";
    }
    std::string user = owner_word(ctx, e.owner, false), group = owner_word(ctx, e.group, true);
    uint32_t mode = export_mode(le);
    // Symlinks have no mode of their own; the disk is what rpm takes otherwise.
    bool mode_default = fmt == S_IFLNK || (fmt != S_IFCHR && fmt != S_IFBLK && mode == (le.disk.st_mode & 07777));
    if (!mode_default || !is_root(user) || !is_root(group))
      line += "%attr(" + (mode_default ? std::string("-") : octal(mode)) + "," + user + "," + group + ") ";
    // rpm sets it with cap_from_text() at install (rpm's spec docs: %caps).
    if (e.caps && fmt == S_IFREG) line += "%caps(" + caps_text(e.caps->xattr) + ") ";
    line += '"';
    for (char c : e.path) {
      if (c == '%') line += '%';
      line += c;
    }
    line += "\"\n";
    out.text += line;
  }
  return out;
}

TextExport format_freebsd(const std::vector<ListedEntry>& entries, ExportContext& ctx, const std::string& raw_prefix) {
  prepare_ids(ctx, entries, IdUse::ByName);
  std::string prefix = lexical_fold(raw_prefix);
  TextExport out;
  reserve_output(out.text, entries.size() * 80);
  for (const auto& le : entries) {
    const Entry& e = le.entry;
    mode_t fmt = export_type(le);
    if (fmt != S_IFREG && fmt != S_IFDIR && fmt != S_IFLNK) {
      out.warnings.push_back(skip_warning(e.path, "pkg packs only files, directories and symlinks"));
      continue;
    }
    if (fmt == S_IFDIR && !package_owns_dir(e.path, prefix)) continue;
    std::string name = prefix == "/" ? e.path.substr(1)
                       : path_within(e.path, prefix) ? e.path.substr(prefix.size() + 1)
                                                     : e.path;
    if (e.path.find('\n') != std::string::npos || name[0] == '@') {
      out.warnings.push_back(skip_warning(e.path, "a plist line cannot hold it (newline or leading '@')"));
      continue;
    }
    out.text += fmt == S_IFDIR ? "@dir(" : "@(";
    out.text += owner_word(ctx, e.owner, false) + "," + owner_word(ctx, e.group, true) + "," + octal(export_mode(le)) + ") ";
    out.text += name;
    out.text += '\n';
  }
  return out;
}

}  // namespace stage
