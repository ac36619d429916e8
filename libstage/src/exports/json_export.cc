// json_export: JSON Lines.
#include "stage/json_export.h"

#include "stage/file_caps.h"

#include <cstdio>

#include "stage/mtree_export.h"
#include "stage/session.h"
#include "stage/vis.h"

namespace stage {

namespace {

// json_string(), appended to `out` (100,000 objects: no temporaries).
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
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
}

}  // namespace

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

namespace {

void opt_string(std::string& o, const char* key, std::string_view s) {
  o += key;
  if (s.empty()) o += "null";
  else append_json_string(o, s);
}

void number(std::string& o, const char* key, long long v, bool is_signed = true) {
  char buf[64];
  int n = is_signed ? std::snprintf(buf, sizeof buf, "%s%lld", key, v)
                    : std::snprintf(buf, sizeof buf, "%s%llu", key, static_cast<unsigned long long>(v));
  o.append(buf, static_cast<size_t>(n));
}

template <typename T>
void opt_number(std::string& o, const char* key, const std::optional<T>& v) {
  if (v) {
    number(o, key, static_cast<long long>(*v), false);
  } else {
    o += key;
    o += "null";
  }
}

void object(std::string& o, const Entry& e, ExportContext& ctx, const char* status, const std::string& recorded_path,
            const std::optional<uint64_t>& size, const std::optional<DiskIdentity>& disk, bool socket = false) {
  o += "{\"path\":";
  append_json_string(o, e.path);
  o += ",\"status\":\"";
  o += status;
  o += "\",\"type\":\"";
  o += socket ? "socket" : entry_type_name(e.type);
  o += "\",\"mode\":\"";
  o += mtree_mode(e.mode & 07777);
  o += '"';
  opt_string(o, ",\"uname\":", user_name(ctx, e.owner));
  opt_number(o, ",\"uid\":", known_user_id(ctx, e.owner));
  opt_string(o, ",\"gname\":", group_name(ctx, e.group));
  opt_number(o, ",\"gid\":", known_group_id(ctx, e.group));
  opt_number(o, ",\"size\":", size);
  opt_string(o, ",\"sha256\":", e.sha256);
  opt_string(o, ",\"target\":", e.type == EntryType::Symlink || e.type == EntryType::Hardlink ? std::string_view(e.target) : "");
  opt_string(o, ",\"flags\":", e.flags);
  // The capability in getcap's text form (the raw value is in stage-pack's archives).
  opt_string(o, ",\"caps\":", e.caps ? caps_text(e.caps->xattr) : std::string());
  if (e.type == EntryType::CharDevice || e.type == EntryType::BlockDevice) number(o, ",\"rdev\":", static_cast<long long>(e.rdev), false);
  else o += ",\"rdev\":null";
  opt_string(o, ",\"tool\":", e.tool);
  opt_string(o, ",\"recorded_path\":", recorded_path);
  if (disk) {
    number(o, ",\"disk\":{\"dev\":", static_cast<long long>(disk->dev), false);
    number(o, ",\"ino\":", static_cast<long long>(disk->ino), false);
    number(o, ",\"size\":", static_cast<long long>(disk->size), false);
    number(o, ",\"mtime_ns\":", disk->mtime_ns);
    number(o, ",\"ctime_ns\":", disk->ctime_ns);
    o += '}';
  } else {
    o += ",\"disk\":null";
  }
  o += "}\n";
}

}  // namespace

std::string format_json(const std::vector<ListedEntry>& entries, ExportContext& ctx) {
  std::string out;
  reserve_output(out, entries.size() * 480);
  for (const auto& le : entries) {
    const char* status = le.untracked ? "untracked" : le.renamed ? "renamed" : "tracked";
    std::optional<uint64_t> size;
    if (is_regular(le)) size = le.entry.size.value_or(static_cast<uint64_t>(le.disk.st_size));
    object(out, le.entry, ctx, status, le.recorded_path, size, disk_identity(le.disk), S_ISSOCK(le.disk.st_mode));
  }
  return out;
}

std::string format_json_missing(const std::vector<Entry>& missing, ExportContext& ctx) {
  std::string out;
  for (const auto& e : missing) object(out, e, ctx, "missing", "", e.size, e.disk);
  return out;
}

}  // namespace stage
