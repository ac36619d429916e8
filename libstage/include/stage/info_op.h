// info_op: what `install-info` does with its two files, on the host or in the
// stage: reads the Info file (stage-first) and the dir file, compressed or
// not, then rewrites the dir file atomically in its own compression, or, for a
// staged dir file with STAGE_INFO=record, records the entries instead.
#pragma once

#include <string>
#include <string_view>

#include "stage/info_dir.h"
#include "stage/session.h"

namespace stage {

/// One install-info run.
struct InstallInfoOptions {
  std::string info_file;  ///< INFO-FILE or --info-file, as given
  std::string dir_file;   ///< DIR-FILE, --dir-file, or --info-dir's "DIR/dir", as given
  InfoDirOptions dir;     ///< what to add or remove, and how
  bool quiet = false;     ///< --quiet/--silent: no warnings
  bool debug = false;     ///< --debug: "debug: ..." lines on stdout
  bool test = false;      ///< --test/--dry-run: change nothing
};

/// Runs install-info with texinfo 6.8's messages. Returns false after a fatal
/// error (nothing written, nothing recorded); warnings leave it true.
bool install_info(Session& session, const InstallInfoOptions& options);

/// True when `operand` can be opened for reading (in the stage first), which
/// is texinfo's test of whether `--section REGEX TITLE`'s TITLE is a file.
bool info_operand_exists(Session& session, std::string_view operand);

/// texinfo's usage error: "\tTry `install-info --help' for a complete list of
/// options." on stderr, exit status 1.
[[noreturn]] void info_usage_error();

}  // namespace stage
