// exports: loading a stage for export, ids and selection.
#include "stage/exports.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <system_error>

#include "stage/bulk_memory.h"
#include "stage/path_map.h"
#include "stage/store.h"

namespace stage {

void reserve_output(std::string& out, size_t bytes) {
  out.reserve(bytes);
  advise_huge_pages(out.data(), out.capacity());
}

ExportContext make_export_context(const std::string& destdir, const Config& config) {
  ExportContext ctx;
  ctx.destdir = destdir;
  int fd = ::open(destdir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), destdir);
  ctx.root = UniqueFd(fd);
  ::fstat(fd, &ctx.root_stat);
  ctx.users = IdDatabase(config.passwd_file);
  ctx.groups = IdDatabase(config.group_file);
  ctx.default_owner = resolve_principal(ctx.users, config.owner);
  ctx.default_group = resolve_principal(ctx.groups, config.group);
  return ctx;
}

LoadedStage load_stage(ExportContext& ctx, const std::string& db, bool hash) {
  struct stat st;
  if (::stat(db.c_str(), &st) != 0)
    throw StoreError("no stage database '" + db + "' (" + std::strerror(errno) +
                     "): nothing was staged there, or give it with --db");
  LoadedStage out;
  {
    auto store = Store::open(db, Store::Access::ReadOnly);
    out.listing = reconcile(ctx.destdir, store->list_all(), ctx.default_owner, ctx.default_group);
    out.info = store->list_info();
    out.deletions = store->list_deletions();
  }
  if (!hash) return out;
  out.content = refresh_content(ctx.root.get(), out.listing.entries);
  if (!out.content.remember.empty()) {
    // The digests are a cache: a database this user cannot write (another
    // user's stage) or a busy one only costs the next export the hashing.
    try {
      if (::access(db.c_str(), W_OK) == 0) Store::open(db, Store::Access::ReadWrite)->remember_digests(out.content.remember);
    } catch (const StoreError&) {
    }
  }
  return out;
}

namespace {

std::vector<std::string> logical_prefixes(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) out.push_back(lexical_fold(!p.empty() && p[0] == '/' ? p : "/" + p));
  return out;
}

bool wanted(const std::string& path, const std::vector<std::string>& prefixes) {
  if (prefixes.empty()) return true;
  for (const auto& p : prefixes)
    if (path_within(path, p)) return true;
  return false;
}

}  // namespace

std::vector<ListedEntry> select_entries(std::vector<ListedEntry> entries, const std::vector<std::string>& paths,
                                        bool untracked_only) {
  if (paths.empty() && !untracked_only) return entries;
  auto prefixes = logical_prefixes(paths);
  std::erase_if(entries, [&](const ListedEntry& le) {
    return !wanted(le.entry.path, prefixes) || (untracked_only && !le.untracked);
  });
  return entries;
}

std::vector<Entry> select_missing(const std::vector<Entry>& missing, const std::vector<std::string>& paths) {
  auto prefixes = logical_prefixes(paths);
  std::vector<Entry> out;
  for (const auto& e : missing)
    if (wanted(e.path, prefixes)) out.push_back(e);
  return out;
}

std::vector<std::string> select_paths(const std::vector<std::string>& logical, const std::vector<std::string>& paths) {
  auto prefixes = logical_prefixes(paths);
  std::vector<std::string> out;
  for (const auto& p : logical)
    if (wanted(p, prefixes)) out.push_back(p);
  return out;
}

namespace {

std::optional<uint32_t> known_id(IdDatabase& db, const Principal& p) {
  if (!p.name.empty())
    if (auto id = db.id_of(p.name)) return id;
  return p.id;
}

}  // namespace

std::optional<uint32_t> known_user_id(ExportContext& ctx, const Principal& owner) { return known_id(ctx.users, owner); }
std::optional<uint32_t> known_group_id(ExportContext& ctx, const Principal& group) { return known_id(ctx.groups, group); }

namespace {

std::optional<uint32_t> numeric_id(ExportContext& ctx, IdDatabase& db, const Principal& p) {
  if (auto id = known_id(db, p)) return id;
  if (!ctx.placeholder_ids.empty()) {
    auto it = ctx.placeholder_ids.find(p.name.empty() ? "?" : p.name);
    if (it != ctx.placeholder_ids.end()) return it->second;
  }
  return ctx.unknown_id;
}

}  // namespace

std::optional<uint32_t> user_id(ExportContext& ctx, const Principal& owner) { return numeric_id(ctx, ctx.users, owner); }
std::optional<uint32_t> group_id(ExportContext& ctx, const Principal& group) { return numeric_id(ctx, ctx.groups, group); }

std::string user_name(ExportContext& ctx, const Principal& owner) {
  if (!owner.name.empty()) return owner.name;
  if (owner.id)
    if (auto name = ctx.users.name_of(*owner.id)) return *name;
  return {};
}

std::string group_name(ExportContext& ctx, const Principal& group) {
  if (!group.name.empty()) return group.name;
  if (group.id)
    if (auto name = ctx.groups.name_of(*group.id)) return *name;
  return {};
}

bool same_principal(const Principal& a, const Principal& b) {
  if (!a.name.empty() && !b.name.empty()) return a.name == b.name;
  if (a.name.empty() && b.name.empty()) return a.id == b.id;
  // One side has only an id: equal when the other's id is that id.
  return a.id && b.id && *a.id == *b.id;
}

UnknownNames unknown_names(ExportContext& ctx, const std::vector<ListedEntry>& entries) {
  UnknownNames out;
  std::set<std::string> seen_users, seen_groups;
  auto note = [](IdDatabase& db, const Principal& p, std::set<std::string>& seen, std::vector<std::string>& list) {
    if (known_id(db, p)) return;
    std::string name = p.name.empty() ? "?" : p.name;
    if (seen.insert(name).second) list.push_back(name);
  };
  note(ctx.users, ctx.default_owner, seen_users, out.users);
  note(ctx.groups, ctx.default_group, seen_groups, out.groups);
  // The defaults only matter when some entry (or the root line) uses them:
  // the root always does, so they stay in the list.
  for (const auto& le : entries) {
    note(ctx.users, le.entry.owner, seen_users, out.users);
    note(ctx.groups, le.entry.group, seen_groups, out.groups);
  }
  return out;
}

namespace {

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

}  // namespace

namespace {
std::string id_warning(ExportContext& ctx, const std::vector<ListedEntry>& entries, IdUse use);
}  // namespace

std::string prepare_ids(ExportContext& ctx, const std::vector<ListedEntry>& entries, IdUse use) {
  std::string warning = id_warning(ctx, entries, use);
  if (!warning.empty()) ctx.warnings.push_back(warning);
  return warning;
}

namespace {

std::string id_warning(ExportContext& ctx, const std::vector<ListedEntry>& entries, IdUse use) {
  ctx.placeholder_ids.clear();
  if (ctx.strict_ids) require_ids(ctx, entries);
  if (use == IdUse::ByName) return {};
  UnknownNames unknown = unknown_names(ctx, entries);
  if (unknown.empty()) return {};
  std::string names;
  if (!unknown.users.empty()) names += std::string(unknown.users.size() > 1 ? "users " : "user ") + quoted_list(unknown.users);
  if (!unknown.groups.empty())
    names += std::string(names.empty() ? "" : " and ") + (unknown.groups.size() > 1 ? "groups " : "group ") +
             quoted_list(unknown.groups);
  if (use == IdUse::NameOnly) {
    if (ctx.unknown_id) return "no database knows " + names + ": written with id " + std::to_string(*ctx.unknown_id) + " (--unknown-id)";
    return "no database knows " + names + ": written by name only, without uid=/gid= (--unknown-id N gives them N)";
  }
  if (ctx.unknown_id) return "no database knows " + names + ": given id " + std::to_string(*ctx.unknown_id) + " (--unknown-id)";
  std::set<std::string> all(unknown.users.begin(), unknown.users.end());
  all.insert(unknown.groups.begin(), unknown.groups.end());
  auto used = [&](uint32_t id) {
    return ctx.users.name_of(id) || ctx.groups.name_of(id) || ctx.host_users.name_of(id) || ctx.host_groups.name_of(id);
  };
  uint32_t next = kPlaceholderIdFirst;
  std::string given;
  for (const auto& name : all) {
    while (next <= kPlaceholderIdLast && used(next)) ++next;
    if (next > kPlaceholderIdLast)
      throw ExportError("no placeholder id left for '" + name + "' (" + std::to_string(kPlaceholderIdFirst) + "-" +
                        std::to_string(kPlaceholderIdLast) + " all taken): pass --unknown-id N");
    ctx.placeholder_ids.emplace(name, next);
    given += (given.empty() ? "" : ", ") + name + "=" + std::to_string(next);
    ++next;
  }
  return "no database knows " + names + ": given placeholder ids " + given +
         " (--unknown-id N chooses one, --strict-ids refuses)";
}

}  // namespace

void require_ids(ExportContext& ctx, const std::vector<ListedEntry>& entries) {
  UnknownNames unknown = unknown_names(ctx, entries);
  if (unknown.empty()) return;
  auto join = quoted_list;
  std::string message = "no numeric id for";
  if (!unknown.users.empty())
    message += " user" + std::string(unknown.users.size() > 1 ? "s " : " ") + join(unknown.users) + " (add to STAGE_PASSWD, now '" +
               ctx.users.file() + "')";
  if (!unknown.groups.empty())
    message += std::string(unknown.users.empty() ? "" : " and") + " group" + (unknown.groups.size() > 1 ? "s " : " ") +
               join(unknown.groups) + " (add to STAGE_GROUPFILE, now '" + ctx.groups.file() + "')";
  message += " (--strict-ids)";
  throw ExportError(message);
}

bool package_owns_dir(std::string_view path, std::string_view prefix) {
  if (path == prefix || path_within(std::string(prefix), std::string(path))) return false;
  static const std::set<std::string_view> system_dirs = {
      "/", "/bin", "/boot", "/dev", "/etc", "/etc/default", "/etc/init.d", "/etc/rc.d", "/etc/systemd",
      "/etc/systemd/system", "/home", "/lib", "/lib32", "/lib64", "/libexec", "/media", "/mnt", "/opt", "/proc",
      "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/games", "/usr/include", "/usr/lib",
      "/usr/lib32", "/usr/lib64", "/usr/libexec", "/usr/lib/pkgconfig", "/usr/lib/systemd",
      "/usr/lib/systemd/system", "/usr/local", "/usr/local/bin", "/usr/local/etc", "/usr/local/include",
      "/usr/local/lib", "/usr/local/libexec", "/usr/local/sbin", "/usr/local/share", "/usr/local/share/doc",
      "/usr/local/share/info", "/usr/local/share/man", "/usr/sbin", "/usr/share", "/usr/share/applications",
      "/usr/share/doc", "/usr/share/icons", "/usr/share/info", "/usr/share/locale", "/usr/share/man",
      "/usr/share/man/man1", "/usr/share/man/man2", "/usr/share/man/man3", "/usr/share/man/man4",
      "/usr/share/man/man5", "/usr/share/man/man6", "/usr/share/man/man7", "/usr/share/man/man8",
      "/usr/share/man/man9", "/usr/share/man/mann", "/usr/share/pkgconfig", "/usr/src", "/var", "/var/cache",
      "/var/db", "/var/games", "/var/lib", "/var/local", "/var/log", "/var/mail", "/var/opt", "/var/run",
      "/var/spool", "/var/tmp"};
  return system_dirs.count(path) == 0;
}

}  // namespace stage
