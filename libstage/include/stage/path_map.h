// path_map: SPEC's mapping rules 1-4, from an operand to the real or staged path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stage/config.h"

namespace stage {

/// Makes `path` absolute against `cwd` and folds "." and ".." lexically.
/// The result has no trailing '/', except for "/" itself.
std::string lexical_absolute(std::string_view path, std::string_view cwd);

/// The non-empty components of a path, in order ("/a//b/" gives a, b).
std::vector<std::string> path_components(std::string_view path);

/// Folds "." and ".." and repeated '/' of an absolute path, lexically.
std::string lexical_fold(std::string_view absolute);

/// True when `path` is `prefix` or lies below it (both folded, absolute).
bool path_within(std::string_view path, std::string_view prefix);

/// The process's working directory (from getcwd).
std::string current_directory();

/// Where an operand lands.
struct MappedPath {
  bool staged = false;       ///< true: `path` is a logical path inside the stage
  bool via_destdir = false;  ///< rule 1: written under STAGE_DESTDIR
  std::string path;          ///< real absolute path, or logical path ("/usr/bin/x")
};

/// Applies the rules to an absolute, folded path. Inactive configs map everything to real.
MappedPath map_path(const Config& config, std::string_view absolute);

}  // namespace stage
