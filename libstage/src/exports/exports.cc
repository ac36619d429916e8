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

namespace {

std::optional<uint32_t> known_id(IdDatabase& db, const Principal& p) {
  if (!p.name.empty())
    if (auto id = db.id_of(p.name)) return id;
  return p.id;
}

}  // namespace

std::optional<uint32_t> known_user_id(ExportContext& ctx, const Principal& owner) { return known_id(ctx.users, owner); }
std::optional<uint32_t> known_group_id(ExportContext& ctx, const Principal& group) { return known_id(ctx.groups, group); }

std::optional<uint32_t> user_id(ExportContext& ctx, const Principal& owner) {
  if (auto id = known_id(ctx.users, owner)) return id;
  return ctx.unknown_id;
}

std::optional<uint32_t> group_id(ExportContext& ctx, const Principal& group) {
  if (auto id = known_id(ctx.groups, group)) return id;
  return ctx.unknown_id;
}

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

void require_ids(ExportContext& ctx, const std::vector<ListedEntry>& entries) {
  if (ctx.unknown_id) return;
  UnknownNames unknown = unknown_names(ctx, entries);
  if (unknown.empty()) return;
  auto join = [](const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
    return out;
  };
  std::string message = "no numeric id for";
  if (!unknown.users.empty())
    message += " user" + std::string(unknown.users.size() > 1 ? "s " : " ") + join(unknown.users) + " (add to STAGE_PASSWD, now '" +
               ctx.users.file() + "')";
  if (!unknown.groups.empty())
    message += std::string(unknown.users.empty() ? "" : " and") + " group" + (unknown.groups.size() > 1 ? "s " : " ") +
               join(unknown.groups) + " (add to STAGE_GROUPFILE, now '" + ctx.groups.file() + "')";
  message += ", or pass --unknown-id N";
  throw ExportError(message);
}

}  // namespace stage
