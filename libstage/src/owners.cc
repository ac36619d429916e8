// owners: passwd(5)/group(5) parsing. Files, not NSS: the drop-ins are static
// binaries, and the target system's databases are files anyway.
#include "stage/owners.h"

#include <charconv>
#include <fstream>

namespace stage {

std::optional<uint32_t> parse_id(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value == UINT32_MAX) return std::nullopt;  // (uid_t)-1 means "no change"
  return value;
}

void IdDatabase::load() {
  loaded_ = true;
  std::ifstream in(file_);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') continue;
    size_t c1 = line.find(':');
    if (c1 == std::string::npos) continue;
    size_t c2 = line.find(':', c1 + 1);
    if (c2 == std::string::npos) continue;
    size_t c3 = line.find(':', c2 + 1);
    std::string name = line.substr(0, c1);
    auto id = parse_id(std::string_view(line).substr(c2 + 1, (c3 == std::string::npos ? line.size() : c3) - c2 - 1));
    if (name.empty() || !id) continue;
    by_name_.emplace(name, *id);
    by_id_.emplace(*id, name);
    if (c3 != std::string::npos) {
      size_t c4 = line.find(':', c3 + 1);
      auto gid = parse_id(std::string_view(line).substr(c3 + 1, (c4 == std::string::npos ? line.size() : c4) - c3 - 1));
      if (gid) primary_group_.emplace(name, *gid);
    }
  }
}

std::optional<uint32_t> IdDatabase::id_of(std::string_view name) {
  if (!loaded_) load();
  auto it = by_name_.find(std::string(name));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> IdDatabase::name_of(uint32_t id) {
  if (!loaded_) load();
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint32_t> IdDatabase::primary_group_of(std::string_view name) {
  if (!loaded_) load();
  auto it = primary_group_.find(std::string(name));
  if (it == primary_group_.end()) return std::nullopt;
  return it->second;
}

Principal resolve_principal(IdDatabase& db, std::string_view spec) {
  Principal p;
  if (spec.empty() || spec[0] != '+') {
    if (auto id = db.id_of(spec)) {
      p.name = std::string(spec);
      p.id = id;
      return p;
    }
  }
  if (auto id = parse_id(spec)) {
    p.id = id;
    if (auto name = db.name_of(*id)) p.name = *name;
    return p;
  }
  p.name = std::string(spec);
  return p;
}

}  // namespace stage
