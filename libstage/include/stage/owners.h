// owners: user and group names and ids of the target system (passwd(5)/group(5) files).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace stage {

/// An owner or group as recorded: a name, an id, or both.
struct Principal {
  std::string name;                ///< empty when only the id is known
  std::optional<uint32_t> id;      ///< nullopt when the name is unknown to the databases
  bool operator==(const Principal&) const = default;
};

/// One passwd(5) or group(5) file, loaded on first use.
class IdDatabase {
 public:
  explicit IdDatabase(std::string file) : file_(std::move(file)) {}
  /// A database over passwd(5) or group(5) text already read (tests, fuzzers).
  static IdDatabase from_text(std::string_view text);
  /// The id of a name, if the file lists it.
  std::optional<uint32_t> id_of(std::string_view name);
  /// The name of an id, if the file lists it.
  std::optional<std::string> name_of(uint32_t id);
  /// A passwd entry's primary group id (field 4), if listed.
  std::optional<uint32_t> primary_group_of(std::string_view name);
  const std::string& file() const { return file_; }

 private:
  void load();
  void parse(std::string_view text);
  /// True when this query should scan text_ (the first few); else the maps are built.
  bool scan_instead();
  static constexpr int kScansBeforeIndex = 8;
  std::string file_;
  std::string text_;
  bool loaded_ = false, indexed_ = false;
  int scans_ = 0;
  std::unordered_map<std::string, uint32_t> by_name_;
  std::unordered_map<uint32_t, std::string> by_id_;
  std::unordered_map<std::string, uint32_t> primary_group_;
};

/// Resolves a user-given spec (a name, or a number, optionally "+N") as GNU does:
/// a name the database knows wins; else an all-digit spec is an id; else an
/// unknown name, returned with no id (callers decide whether that is an error).
Principal resolve_principal(IdDatabase& db, std::string_view spec);

/// Parses "123" or "+123" as an id.
std::optional<uint32_t> parse_id(std::string_view text);

/// Whether a name that the target's databases do not list may still be
/// recorded by name (active mode, not STAGE_STRICT). GNU refuses every
/// unknown name; stage keeps those a passwd(5)/group(5) file could list one
/// day: not empty, no ':' (the field separator), no newline or other control
/// character (they would break one-line listings and archive headers), and
/// not a number, blank-padded or signed (GNU reads "4294967296" as an
/// out-of-range id, never a name).
bool recordable_unknown_name(std::string_view name);

/// An install -o/-g value as read: `valid` false when GNU refuses it; else
/// `principal`, or nullopt for 4294967295, (uid_t)-1, which GNU takes as
/// "leave the owner alone" (the default owner in the stage).
struct IdSpec {
  bool valid = false;
  std::optional<Principal> principal;
};

/// Reads install's -o OWNER or -g GROUP as GNU install does: a name the
/// database lists; else a number as xstrtoumax(base 0) reads it (leading
/// blanks, '+', "0x" hex, "0" octal), at most 4294967295. With
/// `accept_unknown`, an unknown name that recordable_unknown_name() allows is
/// kept by name.
IdSpec parse_install_id(IdDatabase& db, std::string_view spec, bool accept_unknown);

/// Whether a default owner or group (STAGE_OWNER, STAGE_GROUP, stage-run
/// --owner/--group) can be recorded as resolve_principal() reads it: a
/// decimal id ("N" or "+N") below 4294967295, or a name that
/// recordable_unknown_name() allows (a known name always is).
bool valid_default_principal(std::string_view value);

}  // namespace stage

namespace stage {

/// A chown OWNER[:[GROUP]] spec (or chgrp GROUP) as GNU's parse_user_spec
/// reads it. `user`/`group` are the principals to set (nullopt: unchanged).
/// `user_name`/`group_name` are what GNU's -v output shows for the new
/// values (nullopt where GNU prints the number instead).
struct OwnerSpec {
  std::optional<Principal> user;
  std::optional<Principal> group;
  std::optional<std::string> user_name;
  std::optional<std::string> group_name;
  bool dot_warning = false;  ///< read "OWNER.GROUP" with '.' as the separator
  std::string error;         ///< "invalid spec", "invalid user", "invalid group"; empty when valid
};

/// Parses a chown spec: "OWNER", "OWNER:GROUP", "OWNER:" (OWNER's login
/// group), ":GROUP", "OWNER.GROUP" (with GNU's warning), "+N" (an id, no
/// look-up). Names are looked up in the given databases first, then read as
/// ids. With `accept_unknown`, a spec GNU would refuse for an unknown name is
/// read again with unknown names kept by name (SPEC: recorded by name);
/// "OWNER:" with an unknown OWNER stays invalid (its login group is unknowable).
OwnerSpec parse_owner_spec(IdDatabase& users, IdDatabase& groups, std::string_view spec, bool accept_unknown);

/// Parses chgrp's GROUP operand as GNU does: a name, else a number ('+' and
/// leading blanks allowed). Empty: no change (nullopt, no error). An unknown
/// name is an error unless `accept_unknown`; `error` gets "invalid group".
std::optional<Principal> parse_group_spec(IdDatabase& groups, std::string_view spec, bool accept_unknown,
                                          std::string* error);

/// Reads a decimal id as GNU's xstrtoul does (leading blanks, optional '+',
/// nothing after the digits), accepting values up to `max`.
std::optional<uint32_t> parse_gnu_id(std::string_view text, uint64_t max);

/// The name of an id for messages, or its decimal form (GNU uid_to_name).
std::string name_or_number(IdDatabase& db, uint32_t id);

/// How a recorded principal is shown: its name, else its id.
std::string principal_label(const Principal& p);

}  // namespace stage
