// mode: GNU's octal and symbolic mode grammar ("4755", "u+s,g=u", "a+X", "+440"), parsed once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace stage {

/// One "[ugoa]*[-+=](perms|u|g|o)" or octal clause of a compiled mode.
struct ModeClause {
  char op = '=';          ///< '=', '+' or '-'
  enum class Kind { Ordinary, CopyExisting, XIfAnyX } kind = Kind::Ordinary;
  mode_t affected = 0;    ///< bits the "who" part selects (0: none given, umask applies)
  mode_t value = 0;
  mode_t mentioned = 0;
};

/// A compiled mode: apply it to an old mode with apply_mode().
struct ModeChange {
  std::vector<ModeClause> clauses;
};

/// Parses MODE as chmod, install -m and mkdir -m do; nullopt when invalid.
std::optional<ModeChange> parse_mode(std::string_view text);

/// A change that sets all bits to those of `mode` (chmod --reference).
ModeChange mode_from_reference(mode_t mode);

/// Applies `change` to `old_mode` (permission bits only, 07777) as GNU's mode_adjust does.
/// `is_dir` enables X for directories and keeps setid bits not mentioned.
/// `changed_bits`, when given, receives the bits the change cares about.
mode_t apply_mode(const ModeChange& change, mode_t old_mode, bool is_dir, mode_t umask_value,
                  mode_t* changed_bits = nullptr);

/// The process umask, read without changing it.
mode_t current_umask();

/// Permission bits written on disk inside the stage for a recorded mode: the
/// owner can always go on (files u+rw, directories u+rwx), and nothing is
/// setid, sticky, group- or world-writable.
/// Under stage-run --root (set_disk_modes_for_root), the recorded permission
/// bits minus setuid, setgid and sticky, plus u+r (files) or u+rwx (directories).
mode_t disk_mode_for(mode_t recorded, bool is_dir);

/// The mode chown(2) leaves (Linux's rule, root included, so a root install
/// gets it too): a non-directory loses setuid, and setgid when it is
/// group-executable; a directory keeps both. GNU chown calls chown(2) even
/// when owner and group stay the same.
mode_t mode_after_chown(mode_t mode, bool is_dir);

/// The permission bits (0777) that a POSIX access ACL, as setxattr(2)
/// passes it for "system.posix_acl_access" (version 2, little endian: a
/// 4-byte header, then 8-byte tag/perm/id entries), stands for when it is
/// minimal: exactly one USER_OBJ, one GROUP_OBJ and one OTHER entry, in that
/// order (the kernel's order), no named entry and no mask. Setting such an
/// ACL is a chmod of the permission bits: the kernel stores no ACL and
/// changes the mode (coreutils' cp -p/-a and mv set modes this way).
/// nullopt for anything else (a real ACL, or a value the kernel refuses),
/// which only the kernel can judge.
std::optional<mode_t> minimal_acl_mode(std::string_view xattr_value);

/// Chooses disk_mode_for()'s --root rule for this process (Session does, from Config::root).
void set_disk_modes_for_root(bool on);

/// "-rwsr-xr-x" for a mode and a type letter ('-', 'd', 'l', 'p', 'c', 'b').
std::string mode_string(mode_t mode, char type_letter);

}  // namespace stage
