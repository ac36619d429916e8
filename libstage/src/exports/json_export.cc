// json_export: JSON Lines.
#include "stage/json_export.h"

#include <cstdio>

#include "stage/mtree_export.h"
#include "stage/session.h"
#include "stage/vis.h"

namespace stage {

std::string json_string(std::string_view s) {
  std::string out = "\"";
  auto escape_byte = [&](unsigned char b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04x", 0xdc00 | b);
    out += buf;
  };
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
          if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    size_t len = utf8_sequence_length(s, i);
    bool ok = len != 0;
    if (!ok) {
      escape_byte(c);
      ++i;
      continue;
    }
    out.append(s.substr(i, len));
    i += len;
  }
  out += '"';
  return out;
}

namespace {

std::string opt_string(std::string_view s) { return s.empty() ? "null" : json_string(s); }

std::string opt_number(const std::optional<uint64_t>& v) { return v ? std::to_string(*v) : "null"; }
std::string opt_number(const std::optional<uint32_t>& v) { return v ? std::to_string(*v) : "null"; }

std::string object(const Entry& e, ExportContext& ctx, const char* status, const std::string& recorded_path,
                   const std::optional<uint64_t>& size, const std::optional<DiskIdentity>& disk,
                   bool socket = false) {
  std::string o = "{\"path\":" + json_string(e.path);
  o += ",\"status\":\"" + std::string(status) + "\"";
  o += ",\"type\":\"" + std::string(socket ? "socket" : entry_type_name(e.type)) + "\"";
  o += ",\"mode\":\"" + mtree_mode(e.mode & 07777) + "\"";
  o += ",\"uname\":" + opt_string(user_name(ctx, e.owner));
  o += ",\"uid\":" + opt_number(known_user_id(ctx, e.owner));
  o += ",\"gname\":" + opt_string(group_name(ctx, e.group));
  o += ",\"gid\":" + opt_number(known_group_id(ctx, e.group));
  o += ",\"size\":" + opt_number(size);
  o += ",\"sha256\":" + opt_string(e.sha256);
  o += ",\"target\":" + opt_string(e.type == EntryType::Symlink || e.type == EntryType::Hardlink ? e.target : "");
  o += ",\"flags\":" + opt_string(e.flags);
  o += ",\"rdev\":" + (e.type == EntryType::CharDevice || e.type == EntryType::BlockDevice ? std::to_string(e.rdev) : "null");
  o += ",\"tool\":" + opt_string(e.tool);
  o += ",\"recorded_path\":" + opt_string(recorded_path);
  if (disk) {
    o += ",\"disk\":{\"dev\":" + std::to_string(disk->dev) + ",\"ino\":" + std::to_string(disk->ino) +
         ",\"size\":" + std::to_string(disk->size) + ",\"mtime_ns\":" + std::to_string(disk->mtime_ns) +
         ",\"ctime_ns\":" + std::to_string(disk->ctime_ns) + "}";
  } else {
    o += ",\"disk\":null";
  }
  o += "}\n";
  return o;
}

}  // namespace

std::string format_json(const std::vector<ListedEntry>& entries, ExportContext& ctx) {
  std::string out;
  reserve_output(out, entries.size() * 480);
  for (const auto& le : entries) {
    const char* status = le.untracked ? "untracked" : le.renamed ? "renamed" : "tracked";
    std::optional<uint64_t> size;
    if (is_regular(le)) size = le.entry.size.value_or(static_cast<uint64_t>(le.disk.st_size));
    out += object(le.entry, ctx, status, le.recorded_path, size, disk_identity(le.disk), S_ISSOCK(le.disk.st_mode));
  }
  return out;
}

std::string format_json_missing(const std::vector<Entry>& missing, ExportContext& ctx) {
  std::string out;
  for (const auto& e : missing) out += object(e, ctx, "missing", "", e.size, e.disk);
  return out;
}

}  // namespace stage
