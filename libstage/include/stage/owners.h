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
  /// The id of a name, if the file lists it.
  std::optional<uint32_t> id_of(std::string_view name);
  /// The name of an id, if the file lists it.
  std::optional<std::string> name_of(uint32_t id);
  /// A passwd entry's primary group id (field 4), if listed.
  std::optional<uint32_t> primary_group_of(std::string_view name);
  const std::string& file() const { return file_; }

 private:
  void load();
  std::string file_;
  bool loaded_ = false;
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

}  // namespace stage
