// owners: passwd(5)/group(5) parsing. Files, not NSS: the drop-ins are static
// binaries, and the target system's databases are files anyway.
#include "stage/owners.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <limits>

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

IdDatabase IdDatabase::from_text(std::string_view text) {
  IdDatabase db("");
  db.loaded_ = true;
  db.text_ = std::string(text);
  return db;
}

namespace {
/// Calls `each(name, id, primary_gid)` for every usable line of passwd(5) or
/// group(5) text, in order, until it returns false. primary_gid is field 4
/// (a passwd entry's group; a group line's member list never parses as one).
template <typename Each>
void for_each_id_line(std::string_view text, Each each) {
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    start = nl + 1;
    if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') continue;
    size_t c1 = line.find(':');
    if (c1 == std::string_view::npos) continue;
    size_t c2 = line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    size_t c3 = line.find(':', c2 + 1);
    std::string_view name = line.substr(0, c1);
    auto id = parse_id(line.substr(c2 + 1, (c3 == std::string_view::npos ? line.size() : c3) - c2 - 1));
    if (name.empty() || !id) continue;
    std::optional<uint32_t> gid;
    if (c3 != std::string_view::npos) {
      size_t c4 = line.find(':', c3 + 1);
      gid = parse_id(line.substr(c3 + 1, (c4 == std::string_view::npos ? line.size() : c4) - c3 - 1));
    }
    if (!each(name, *id, gid)) return;
  }
}
}  // namespace

void IdDatabase::load() {
  loaded_ = true;
  // read(2), not an ifstream: every drop-in call reads passwd and group once.
  text_.clear();
  int fd = ::open(file_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text_.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
}

void IdDatabase::parse(std::string_view text) {
  indexed_ = true;
  for_each_id_line(text, [&](std::string_view name, uint32_t id, std::optional<uint32_t> gid) {
    by_name_.emplace(std::string(name), id);
    by_id_.emplace(id, std::string(name));
    if (gid) primary_group_.emplace(std::string(name), *gid);
    return true;
  });
}

bool IdDatabase::scan_instead() {
  if (!loaded_) load();
  // A drop-in asks two or three questions: a scan of the text answers them
  // without building three maps; a run that asks more (exports, chown -R)
  // gets the maps.
  if (indexed_) return false;
  if (++scans_ <= kScansBeforeIndex) return true;
  parse(text_);
  return false;
}

std::optional<uint32_t> IdDatabase::id_of(std::string_view name) {
  if (scan_instead()) {
    std::optional<uint32_t> found;
    for_each_id_line(text_, [&](std::string_view n, uint32_t id, std::optional<uint32_t>) {
      if (n == name) found = id;
      return !found;
    });
    return found;
  }
  auto it = by_name_.find(std::string(name));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> IdDatabase::name_of(uint32_t id) {
  if (scan_instead()) {
    std::optional<std::string> found;
    for_each_id_line(text_, [&](std::string_view n, uint32_t i, std::optional<uint32_t>) {
      if (i == id) found = std::string(n);
      return !found;
    });
    return found;
  }
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint32_t> IdDatabase::primary_group_of(std::string_view name) {
  if (scan_instead()) {
    // The first line of the name with a group, as the map keeps.
    std::optional<uint32_t> found;
    for_each_id_line(text_, [&](std::string_view n, uint32_t, std::optional<uint32_t> gid) {
      if (n == name && gid) found = gid;
      return !found;
    });
    return found;
  }
  auto it = primary_group_.find(std::string(name));
  if (it == primary_group_.end()) return std::nullopt;
  return it->second;
}

bool recordable_unknown_name(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (c == ':' || c < 0x20 || c == 0x7f) return false;
  // A number, however padded or signed ("4294967296", " +5", "-1", "7 "),
  // is an id GNU refused, never a name.
  size_t first = name.find_first_not_of(' ');
  size_t last = name.find_last_not_of(' ');
  if (first == std::string_view::npos) return true;  // blanks only: a name no parser reads as a number
  std::string_view core = name.substr(first, last - first + 1);
  if (core[0] == '+' || core[0] == '-') core.remove_prefix(1);
  return core.empty() || core.find_first_not_of("0123456789") != std::string_view::npos;
}

namespace {

// xstrtoumax(text, NULL, 0, ...) == LONGINT_OK: strtoumax's base-0 grammar
// over the whole text, no sign but '+', no overflow.
std::optional<uint64_t> parse_base0(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || (text[i] >= '\t' && text[i] <= '\r'))) ++i;
  if (i < text.size() && text[i] == '+') ++i;
  int base = 10;
  if (i + 1 < text.size() && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X') && i + 2 < text.size() &&
      std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
    base = 16;
    i += 2;
  } else if (i < text.size() && text[i] == '0') {
    base = 8;
  }
  if (i == text.size()) return std::nullopt;
  uint64_t value = 0;
  for (; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    int digit = std::isdigit(c) ? c - '0' : std::isxdigit(c) ? (std::tolower(c) - 'a' + 10) : 99;
    if (digit >= base) return std::nullopt;
    if (value > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(digit)) / static_cast<uint64_t>(base))
      return std::nullopt;
    value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(digit);
  }
  return value;
}

}  // namespace

IdSpec parse_install_id(IdDatabase& db, std::string_view spec, bool accept_unknown) {
  IdSpec out;
  if (auto id = db.id_of(spec)) {
    out.valid = true;
    out.principal = Principal{std::string(spec), id};
    return out;
  }
  if (auto n = parse_base0(spec)) {
    if (*n > UINT32_MAX) return out;
    out.valid = true;
    if (*n == UINT32_MAX) return out;  // (uid_t)-1: GNU leaves the owner alone
    Principal p;
    p.id = static_cast<uint32_t>(*n);
    if (auto name = db.name_of(*p.id)) p.name = *name;
    out.principal = p;
    return out;
  }
  if (accept_unknown && recordable_unknown_name(spec)) {
    out.valid = true;
    out.principal = Principal{std::string(spec), std::nullopt};
  }
  return out;
}

bool valid_default_principal(std::string_view value) {
  // resolve_principal's grammar: a name, else "N" or "+N" in decimal. Not
  // install's (blanks, hex, octal): "\n5" would pass as 5 there and be
  // recorded as the name "\n5" here.
  return parse_id(value) || recordable_unknown_name(value);
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

namespace stage {

std::optional<uint32_t> parse_gnu_id(std::string_view text, uint64_t max) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || (text[i] >= '\t' && text[i] <= '\r'))) ++i;
  if (i < text.size() && text[i] == '+') ++i;
  if (i == text.size()) return std::nullopt;
  uint64_t value = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > max) return std::nullopt;
  }
  return static_cast<uint32_t>(value);
}

std::string name_or_number(IdDatabase& db, uint32_t id) {
  if (auto name = db.name_of(id)) return *name;
  return std::to_string(id);
}

std::string principal_label(const Principal& p) {
  if (!p.name.empty()) return p.name;
  return p.id ? std::to_string(*p.id) : std::string();
}

namespace {

constexpr uint64_t kMaxId = UINT32_MAX - 1;  // (uid_t)-1 means "unchanged"

Principal numeric_principal(IdDatabase& db, uint32_t id) {
  Principal p;
  p.id = id;
  if (auto name = db.name_of(id)) p.name = *name;
  return p;
}

// gnulib userspec.c's parse_with_separator, over the target's databases.
OwnerSpec parse_with_separator(IdDatabase& users, IdDatabase& groups, std::string_view spec, size_t sep,
                               bool accept_unknown) {
  OwnerSpec out;
  std::string_view u = sep == std::string_view::npos ? spec : spec.substr(0, sep);
  bool has_group = sep != std::string_view::npos && sep + 1 < spec.size();
  std::string_view g = has_group ? spec.substr(sep + 1) : std::string_view();
  bool login_group = sep != std::string_view::npos && !has_group;

  if (!u.empty()) {
    std::optional<uint32_t> uid = u[0] == '+' ? std::nullopt : users.id_of(u);
    if (uid) {
      out.user = Principal{std::string(u), uid};
      out.user_name = std::string(u);
      if (login_group) {
        auto gid = users.primary_group_of(u);
        if (!gid) {
          out.error = "invalid spec";
          return out;
        }
        out.group = numeric_principal(groups, *gid);
        out.group_name = name_or_number(groups, *gid);
      }
    } else if (login_group) {
      out.error = "invalid spec";  // "0:" too: a number has no login group
      return out;
    } else if (auto n = parse_gnu_id(u, kMaxId)) {
      out.user = numeric_principal(users, *n);
    } else if (accept_unknown && u[0] != '+' && recordable_unknown_name(u)) {
      out.user = Principal{std::string(u), std::nullopt};
      out.user_name = std::string(u);
    } else {
      out.error = "invalid user";
      return out;
    }
  }

  if (has_group) {
    std::optional<uint32_t> gid = g[0] == '+' ? std::nullopt : groups.id_of(g);
    if (gid) {
      out.group = Principal{std::string(g), gid};
      out.group_name = std::string(g);
    } else if (auto n = parse_gnu_id(g, kMaxId)) {
      out.group = numeric_principal(groups, *n);
    } else if (accept_unknown && g[0] != '+' && recordable_unknown_name(g)) {
      out.group = Principal{std::string(g), std::nullopt};
      out.group_name = std::string(g);
    } else {
      out.error = "invalid group";
      return out;
    }
  }
  return out;
}

}  // namespace

OwnerSpec parse_owner_spec(IdDatabase& users, IdDatabase& groups, std::string_view spec, bool accept_unknown) {
  size_t colon = spec.find(':');
  OwnerSpec out = parse_with_separator(users, groups, spec, colon, false);
  if (out.error.empty()) return out;
  size_t dot = spec.find('.');
  if (colon == std::string_view::npos && dot != std::string_view::npos) {
    // GNU's compatible extension: "OWNER.GROUP" when the whole is no user name.
    OwnerSpec dotted = parse_with_separator(users, groups, spec, dot, false);
    if (dotted.error.empty()) {
      dotted.dot_warning = true;
      return dotted;
    }
  }
  if (!accept_unknown) return out;
  // Unknown names are kept by name. Without ':' a '.' separates, as the
  // old "root.wheel" form of BSD Makefiles means.
  size_t sep = colon != std::string_view::npos ? colon : dot;
  OwnerSpec lenient = parse_with_separator(users, groups, spec, sep, true);
  if (lenient.error.empty() && sep == dot && dot != std::string_view::npos) lenient.dot_warning = true;
  return lenient.error.empty() ? lenient : out;
}

std::optional<Principal> parse_group_spec(IdDatabase& groups, std::string_view spec, bool accept_unknown,
                                          std::string* error) {
  if (spec.empty()) return std::nullopt;
  if (auto gid = groups.id_of(spec)) return Principal{std::string(spec), gid};
  if (auto n = parse_gnu_id(spec, UINT32_MAX)) {
    if (*n == UINT32_MAX) return std::nullopt;  // (gid_t)-1: GNU leaves the group alone
    return numeric_principal(groups, *n);
  }
  if (accept_unknown && recordable_unknown_name(spec)) return Principal{std::string(spec), std::nullopt};
  if (error) *error = "invalid group";
  return std::nullopt;
}

}  // namespace stage
