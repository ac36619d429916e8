// chmod_op: what `chmod` does to one operand and, with -R, its tree: on the
// host as GNU chmod does, in the stage on the recorded mode.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>

#include "stage/mode.h"
#include "stage/session.h"

namespace stage {

/// How much chmod, chown and chgrp tell about each file (-v, -c).
enum class Verbosity { High, ChangesOnly, Off };

/// The options of one `chmod` run.
struct ChmodOptions {
  ModeChange change;                ///< the MODE operand, or --reference's mode
  mode_t umask_value = 0;           ///< applies to clauses naming no "who"
  bool recurse = false;             ///< -R
  bool force_silent = false;        ///< -f
  bool diagnose_surprises = false;  ///< the mode came as an option ("chmod -w"): warn when the umask kept bits
  bool preserve_root = false;       ///< --preserve-root
  Verbosity verbosity = Verbosity::Off;
};

/// Changes the mode of OPERAND (and below it with -R). In the stage, the
/// recorded mode changes (symbolic modes apply to it, X looks at its execute
/// bits) and the on-disk bits follow disk_mode_for(). Reports errors; false on failure.
bool change_mode(Session& session, const ChmodOptions& options, std::string_view operand);

/// The mode --reference=RFILE gives: the record when RFILE is staged, else
/// its mode on the host (following symlinks). nullopt and `error` when it cannot be read.
std::optional<mode_t> reference_mode(Session& session, std::string_view rfile, int* error);

}  // namespace stage
