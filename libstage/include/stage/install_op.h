// install_op: what `install` does to one operand, on the host or in the stage.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "stage/file_ops.h"
#include "stage/owners.h"
#include "stage/session.h"

namespace stage {

/// The options of one `install` run that shape each operand's operation.
struct InstallOptions {
  mode_t file_mode = 0755;              ///< -m applied to 0 as GNU does, for files
  mode_t dir_mode = 0755;               ///< the same for -d directories
  mode_t dir_mode_bits = 07777;         ///< bits -m sets on an existing -d directory; it keeps the others
  std::optional<Principal> owner;       ///< -o, resolved
  std::optional<Principal> group;       ///< -g, resolved
  bool compare = false;                 ///< -C
  bool preserve_timestamps = false;     ///< -p
  bool strip = false;                   ///< -s
  std::string strip_program = "strip";  ///< --strip-program
  bool verbose = false;                 ///< -v
  bool make_parents = false;            ///< -D
  BackupSettings backup;                ///< -b, --backup, -S
  std::string flags;                    ///< BSD -f: recorded file flags
  enum class Link { Copy, Hard, Symbolic, SymbolicAbsolute, SymbolicRelative } link = Link::Copy;  ///< BSD -l
  bool link_fallback_copy = false;      ///< BSD -l m: copy when a hard link is impossible
  std::string metalog;                  ///< BSD -M: file that gets an mtree line per entry
};

/// Installs SOURCE as DEST (a file name). Reports errors; false on failure.
bool install_file(Session& session, const InstallOptions& options, std::string_view source, std::string_view dest);

/// The name a source gets inside a target directory ("dir/base").
std::string name_in_directory(std::string_view directory, std::string_view source);

/// install -d: creates DIRECTORY and its parents. Reports errors; false on failure.
bool install_directory(Session& session, const InstallOptions& options, std::string_view directory);

/// True when `operand` names an existing directory (following symlinks, in the stage when staged).
bool is_directory_operand(Session& session, std::string_view operand, int* error = nullptr);

}  // namespace stage
