// mode: GNU mode grammar and mode arithmetic (facts from gnulib's modechange).
#include "stage/mode.h"

#include <cstdint>
#include <string>
#include <sys/stat.h>

namespace stage {
namespace {
constexpr mode_t kAllModeBits = 07777;
constexpr mode_t kRead = S_IRUSR | S_IRGRP | S_IROTH;
constexpr mode_t kWrite = S_IWUSR | S_IWGRP | S_IWOTH;
constexpr mode_t kExec = S_IXUSR | S_IXGRP | S_IXOTH;

bool is_octal_digit(char c) { return c >= '0' && c <= '7'; }
}  // namespace

std::optional<ModeChange> parse_mode(std::string_view text) {
  ModeChange out;
  size_t p = 0;
  auto at = [&](size_t i) -> char { return i < text.size() ? text[i] : '\0'; };

  if (!text.empty() && is_octal_digit(text[0])) {
    unsigned value = 0;
    while (is_octal_digit(at(p))) {
      value = value * 8 + (at(p++) - '0');
      if (value > kAllModeBits) return std::nullopt;
    }
    if (p != text.size()) return std::nullopt;
    ModeClause clause;
    clause.op = '=';
    clause.affected = kAllModeBits;
    clause.value = value;
    // Fewer than five digits leave a directory's setid bits alone unless set.
    clause.mentioned = p < 5 ? (value & (S_ISUID | S_ISGID)) | S_ISVTX | 0777 : kAllModeBits;
    out.clauses.push_back(clause);
    return out;
  }

  for (;;) {
    mode_t affected = 0;
    for (;; ++p) {
      char c = at(p);
      if (c == 'u') affected |= S_ISUID | S_IRWXU;
      else if (c == 'g') affected |= S_ISGID | S_IRWXG;
      else if (c == 'o') affected |= S_ISVTX | S_IRWXO;
      else if (c == 'a') affected |= kAllModeBits;
      else if (c == '=' || c == '+' || c == '-') break;
      else return std::nullopt;
    }
    do {
      ModeClause clause;
      clause.op = at(p++);
      mode_t mentioned = 0;
      char c = at(p);
      if (is_octal_digit(c)) {
        unsigned value = 0;
        while (is_octal_digit(at(p))) {
          value = value * 8 + (at(p++) - '0');
          if (value > kAllModeBits) return std::nullopt;
        }
        if (affected || (at(p) != '\0' && at(p) != ',')) return std::nullopt;
        affected = mentioned = kAllModeBits;
        clause.value = value;
        clause.kind = ModeClause::Kind::Ordinary;
      } else if (c == 'u' || c == 'g' || c == 'o') {
        clause.kind = ModeClause::Kind::CopyExisting;
        clause.value = c == 'u' ? S_IRWXU : c == 'g' ? S_IRWXG : S_IRWXO;
        ++p;
      } else {
        clause.kind = ModeClause::Kind::Ordinary;
        for (;; ++p) {
          char v = at(p);
          if (v == 'r') clause.value |= kRead;
          else if (v == 'w') clause.value |= kWrite;
          else if (v == 'x') clause.value |= kExec;
          else if (v == 'X') clause.kind = ModeClause::Kind::XIfAnyX;
          else if (v == 's') clause.value |= S_ISUID | S_ISGID;
          else if (v == 't') clause.value |= S_ISVTX;
          else break;
        }
      }
      clause.affected = affected;
      clause.mentioned = mentioned ? mentioned : affected ? affected & clause.value : clause.value;
      out.clauses.push_back(clause);
    } while (at(p) == '=' || at(p) == '+' || at(p) == '-');
    if (at(p) != ',') break;
    ++p;
  }
  if (p != text.size()) return std::nullopt;
  return out;
}

ModeChange mode_from_reference(mode_t mode) {
  ModeClause clause;
  clause.op = '=';
  clause.affected = kAllModeBits;
  clause.value = mode & kAllModeBits;
  clause.mentioned = kAllModeBits;
  return ModeChange{{clause}};
}

mode_t apply_mode(const ModeChange& change, mode_t old_mode, bool is_dir, mode_t umask_value,
                  mode_t* changed_bits) {
  mode_t mode = old_mode & kAllModeBits;
  mode_t bits = 0;
  for (const auto& c : change.clauses) {
    mode_t omit = (is_dir ? S_ISUID | S_ISGID : 0) & ~c.mentioned;
    mode_t value = c.value;
    switch (c.kind) {
      case ModeClause::Kind::Ordinary:
        break;
      case ModeClause::Kind::CopyExisting:
        value &= mode;
        value |= ((value & kRead) ? kRead : 0) | ((value & kWrite) ? kWrite : 0) |
                 ((value & kExec) ? kExec : 0);
        break;
      case ModeClause::Kind::XIfAnyX:
        if ((mode & kExec) || is_dir) value |= kExec;
        break;
    }
    value &= (c.affected ? c.affected : ~umask_value) & ~omit;
    if (c.op == '=') {
      mode_t preserved = (c.affected ? ~c.affected : 0) | omit;
      bits |= kAllModeBits & ~preserved;
      mode = (mode & preserved) | value;
    } else if (c.op == '+') {
      bits |= value;
      mode |= value;
    } else {
      bits |= value;
      mode &= ~value;
    }
  }
  if (changed_bits) *changed_bits = bits;
  return mode;
}

mode_t current_umask() {
  // umask() can only be read by setting it; put it straight back.
  mode_t mask = ::umask(022);
  ::umask(mask);
  return mask;
}

namespace {
bool disk_keeps_permissions = false;
}

void set_disk_modes_for_root(bool on) { disk_keeps_permissions = on; }

mode_t disk_mode_for(mode_t recorded, bool is_dir) {
  // Under --root the build's root may write any file of the build user, so
  // cp -p and tar see the recorded bits; setuid, setgid and sticky never
  // reach the disk, and the build user can still read files and enter
  // directories (stage-ls hashes them, rm -rf removes the stage).
  if (disk_keeps_permissions) return (recorded & 0777) | (is_dir ? S_IRWXU : S_IRUSR);
  mode_t mode = recorded & 0755;
  return mode | (is_dir ? S_IRWXU : (S_IRUSR | S_IWUSR));
}

mode_t mode_after_chown(mode_t mode, bool is_dir) {
  if (is_dir) return mode;
  mode &= ~static_cast<mode_t>(S_ISUID);
  // A setgid file without group execute marks mandatory locking, not a set-id program.
  if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP)) mode &= ~static_cast<mode_t>(S_ISGID);
  return mode;
}

std::string mode_string(mode_t mode, char type_letter) {
  std::string s(10, '-');
  s[0] = type_letter;
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i)
    if (mode & (0400 >> i)) s[1 + i] = rwx[i];
  if (mode & S_ISUID) s[3] = (mode & S_IXUSR) ? 's' : 'S';
  if (mode & S_ISGID) s[6] = (mode & S_IXGRP) ? 's' : 'S';
  if (mode & S_ISVTX) s[9] = (mode & S_IXOTH) ? 't' : 'T';
  return s;
}

std::optional<mode_t> minimal_acl_mode(std::string_view v) {
  // <linux/posix_acl_xattr.h>: POSIX_ACL_XATTR_VERSION 2; ACL_USER_OBJ 1,
  // ACL_GROUP_OBJ 4, ACL_OTHER 0x20; e_id is ignored for these three.
  constexpr size_t kHeader = 4, kEntry = 8;
  constexpr uint16_t kTags[3] = {0x01, 0x04, 0x20};
  auto u16 = [&](size_t at) {
    return static_cast<uint16_t>(static_cast<unsigned char>(v[at]) | static_cast<unsigned char>(v[at + 1]) << 8);
  };
  if (v.size() != kHeader + 3 * kEntry || u16(0) != 2 || u16(2) != 0) return std::nullopt;
  mode_t mode = 0;
  for (size_t i = 0; i < 3; ++i) {
    size_t at = kHeader + i * kEntry;
    uint16_t perm = u16(at + 2);
    if (u16(at) != kTags[i] || perm > 7) return std::nullopt;  // the kernel refuses other permission bits
    mode |= static_cast<mode_t>(perm) << (6 - 3 * i);
  }
  return mode;
}

}  // namespace stage
