// mkdir_op: what `mkdir` does to one operand, on the host or in the stage.
#pragma once

#include <sys/types.h>

#include <string_view>

#include "stage/session.h"

namespace stage {

/// The options of one `mkdir` run.
struct MkdirOptions {
  mode_t mode = 0777;           ///< final mode (-m applied to a=rwx, or a=rwx minus umask)
  mode_t ancestor_mode = 0777;  ///< -p parents: a=rwx minus umask, plus u+wx
  bool parents = false;         ///< -p
  bool verbose = false;         ///< -v
};

/// Creates one directory as GNU mkdir does. Reports errors; false on failure.
bool make_directory(Session& session, const MkdirOptions& options, std::string_view operand);

}  // namespace stage
