// mkdir_op: what `mkdir` does to one operand, on the host or in the stage.
#pragma once

#include <sys/types.h>

#include <string_view>

#include "stage/session.h"

namespace stage {

/// The options of one `mkdir` run.
struct MkdirOptions {
  mode_t mode = 0777;           ///< -m applied to a=rwx with the umask, else a=rwx (GNU's options.mode)
  mode_t mode_bits = 0;         ///< the bits -m sets (GNU's options.mode_bits); 0 without -m
  mode_t umask_self = 022;      ///< the umask mkdir(2) applies to the directory (umask minus -m's bits)
  mode_t ancestor_mode = 0777;  ///< -p parents: a=rwx minus umask, plus u+wx
  bool parents = false;         ///< -p
  bool verbose = false;         ///< -v
};

/// Creates one directory as GNU mkdir does. Reports errors; false on failure.
bool make_directory(Session& session, const MkdirOptions& options, std::string_view operand);

}  // namespace stage
