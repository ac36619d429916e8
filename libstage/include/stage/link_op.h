// link_op: what `ln` does, on the host as GNU ln does and in the stage: links
// made in the stage, symlink text stored as given, hard links to staged files
// recorded as hard links, hard links from outside turned into copies.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stage/session.h"

namespace stage {

/// The options of one `ln` run.
struct LinkOptions {
  bool symbolic = false;             ///< -s
  bool relative = false;             ///< -r
  bool logical = false;              ///< -L (hard links to a symlink's referent); -P is the default
  bool force = false;                ///< -f
  bool interactive = false;          ///< -i
  bool verbose = false;              ///< -v
  bool hard_dir_link = false;        ///< -d, -F
  bool dereference_dest_dir = true;  ///< not -n
  bool no_target_directory = false;  ///< -T
  const char* target_directory = nullptr;  ///< -t
  bool make_backups = false;         ///< -b, --backup, -S
  const char* backup_control = nullptr;
  const char* backup_suffix = nullptr;
};

/// ln -t DIR: exits with GNU's message unless DIR is a directory (in the stage when staged).
void check_target_directory(Session& session, const char* directory);

/// Runs ln over its operands as GNU's main() does (the target-directory
/// forms, the first atomic attempt, backups, -f, -i). Reports errors.
void link_operands(Session& session, LinkOptions options, std::vector<std::string> files);

/// GNU's relpath(): `path` relative to directory `dir` (both canonical and
/// absolute); nullopt when they share no prefix.
std::optional<std::string> relative_path(std::string_view path, std::string_view dir);

/// canonicalize_filename_mode(CAN_MISSING) over an absolute path: symlinks
/// expanded as `read_link` reports them (nullopt: not a symlink or missing;
/// absolute targets restart at "/"), missing components kept, "." and ".."
/// folded. nullopt after too many symlinks (ELOOP).
std::optional<std::string> canonicalize_missing(
    std::string_view absolute, const std::function<std::optional<std::string>(const std::string&)>& read_link);

}  // namespace stage
