// plist_export: PLIST and pkgsrc permission lines.
#include "stage/plist_export.h"

#include <cstdio>

#include "stage/diag.h"
#include "stage/path_map.h"

namespace stage {
namespace {

std::string octal4(uint32_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode));
  return buf;
}

std::string shown(ExportContext& ctx, const Principal& p, bool user) {
  std::string name = user ? user_name(ctx, p) : group_name(ctx, p);
  if (!name.empty()) return name;
  return p.id ? std::to_string(*p.id) : "?";
}

// The path relative to `prefix`, or empty when it is not below it.
std::string relative_to(const std::string& path, const std::string& prefix) {
  if (prefix == "/") return path.size() > 1 ? path.substr(1) : std::string();
  if (path.size() <= prefix.size() + 1 || !path_within(path, prefix)) return {};
  return path.substr(prefix.size() + 1);
}

// Directories with nothing listed below them.
std::vector<bool> empty_dirs(const std::vector<ListedEntry>& entries) {
  std::vector<bool> out(entries.size(), false);
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].entry.type != EntryType::Dir) continue;
    // Sorted by path: a child, if any, is the next entry.
    out[i] = i + 1 == entries.size() || !path_within(entries[i + 1].entry.path, entries[i].entry.path);
  }
  return out;
}

bool make_word_safe(const std::string& text) {
  for (unsigned char c : text)
    if (c <= ' ' || c == 0x7f || c == '$' || c == '#' || c == '\\' || c == '"' || c == '\'' || c == '`') return false;
  return !text.empty();
}

}  // namespace

bool mode_carried_on_disk(const ListedEntry& le) { return (le.disk.st_mode & 07777) == (le.entry.mode & 07777); }

TextExport format_plist(const std::vector<ListedEntry>& entries, ExportContext& ctx, const std::string& raw_prefix) {
  prepare_ids(ctx, entries, IdUse::ByName);  // by name: only --strict-ids has a say
  TextExport out;
  std::string prefix = lexical_fold(raw_prefix);
  std::vector<bool> empty = empty_dirs(entries);
  std::string owner_now, group_now, mode_now;  // empty: the default
  auto set = [&](const char* keyword, std::string& now, const std::string& want) {
    if (now == want) return;
    out.text += std::string("@") + keyword + (want.empty() ? "" : " " + want) + "\n";
    now = want;
  };
  size_t outside = 0;
  std::string first_outside;
  for (size_t i = 0; i < entries.size(); ++i) {
    const ListedEntry& le = entries[i];
    const Entry& e = le.entry;
    bool is_dir = e.type == EntryType::Dir;
    if (is_dir && !empty[i]) continue;  // implied by what lies below it
    std::string rel = relative_to(e.path, prefix);
    if (rel.empty()) {
      // pkgsrc installs outside ${PREFIX} through OWN_DIRS, CONF_FILES and
      // friends (see --format pkgsrc-perms), never through the PLIST.
      if (prefix != e.path && !path_within(prefix, e.path)) {
        if (outside++ == 0) first_outside = e.path;
      }
      continue;
    }
    if (rel.find('\n') != std::string::npos || rel[0] == '@') {
      out.warnings.push_back(diag::quote(e.path) + " cannot be a PLIST line (newline or leading '@'); left out");
      continue;
    }
    if (is_dir) {
      // Directives wrap files only: pkgsrc keeps directory permissions in
      // OWN_DIRS_PERMS (--format pkgsrc-perms).
      set("owner", owner_now, "");
      set("group", group_now, "");
      set("mode", mode_now, "");
      out.text += "@pkgdir " + rel + "\n";
      continue;
    }
    std::string want_owner = same_principal(e.owner, ctx.default_owner) ? "" : shown(ctx, e.owner, true);
    std::string want_group = same_principal(e.group, ctx.default_group) ? "" : shown(ctx, e.group, false);
    std::string want_mode = (e.type == EntryType::Symlink || mode_carried_on_disk(le)) ? "" : octal4(export_mode(le));
    set("owner", owner_now, want_owner);
    set("group", group_now, want_group);
    set("mode", mode_now, want_mode);
    out.text += rel + "\n";
  }
  set("owner", owner_now, "");
  set("group", group_now, "");
  set("mode", mode_now, "");
  if (outside)
    out.warnings.push_back(std::to_string(outside) + " entr" + (outside == 1 ? "y" : "ies") + " outside the prefix " +
                           diag::quote(prefix) + " left out of the PLIST, e.g. " + diag::quote(first_outside) +
                           " (pkgsrc installs those with OWN_DIRS, CONF_FILES...: see --format pkgsrc-perms)");
  return out;
}

TextExport format_pkgsrc_perms(const std::vector<ListedEntry>& entries, ExportContext& ctx, const std::string& raw_prefix) {
  prepare_ids(ctx, entries, IdUse::ByName);
  TextExport out;
  std::string prefix = lexical_fold(raw_prefix);
  for (const auto& le : entries) {
    const Entry& e = le.entry;
    bool is_dir = e.type == EntryType::Dir;
    bool is_file = is_regular(le);
    if (!is_dir && !is_file) continue;
    bool owners_default = same_principal(e.owner, ctx.default_owner) && same_principal(e.group, ctx.default_group);
    uint32_t mode = export_mode(le);
    bool special = is_dir ? (!owners_default || mode != 0755) : (!owners_default || !mode_carried_on_disk(le) || (mode & 06000));
    if (!special) continue;
    // A directory that only leads to the prefix (/usr, /usr/pkg) is the
    // system's, not the package's.
    if (is_dir && path_within(prefix, e.path)) continue;
    std::string rel = relative_to(e.path, prefix);
    std::string path = rel.empty() ? e.path : rel;
    std::string user = shown(ctx, e.owner, true), group = shown(ctx, e.group, false);
    if (!make_word_safe(path) || !make_word_safe(user) || !make_word_safe(group)) {
      out.warnings.push_back(diag::quote(e.path) + " cannot be written in a make variable (blank or special character); left out");
      continue;
    }
    out.text += std::string(is_dir ? "OWN_DIRS_PERMS+=\t" : "SPECIAL_PERMS+=\t\t") + path + " " + user + " " + group + " " +
                octal4(mode) + "\n";
  }
  return out;
}

}  // namespace stage
