// run_env: what stage-run sets up around a build (environment, stage, summary).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "stage/config.h"
#include "stage/listing.h"
#include "stage/sandbox.h"

namespace stage {

/// stage-run's choices.
struct RunOptions {
  std::string destdir;            ///< absolute staging root
  std::string db;                 ///< empty: the default beside destdir
  std::vector<std::string> map;   ///< empty: STAGE_MAP's default
  std::string owner, group;       ///< empty: the defaults
  std::string workdir;            ///< the build directory (passed through, never staged)
  std::string dropin_dir;         ///< goes first on PATH
};

/// The drop-in directory of this installation: <this executable>/../libexec/stage/bin.
std::string installed_dropin_directory();

/// Creates the staging root (with parents) and its database, so that the
/// drop-ins of a parallel build never race to create them. Throws ConfigError/StoreError.
void prepare_stage(RunOptions& options);

/// The variables stage-run exports (name, value): STAGE_*, DESTDIR and PATH.
std::vector<std::pair<std::string, std::string>> staging_environment(const RunOptions& options,
                                                                      const EnvLookup& env = process_env());

/// Where a sandboxed build may write: the stage, the database (and its WAL
/// files, which must exist: keep a connection open), the build directory and
/// the temporary directories; /dev/null and friends.
SandboxPolicy sandbox_policy(const RunOptions& options, const EnvLookup& env = process_env());

/// The summary printed after the build: entries recorded, untracked files,
/// and a hint at the likely cause (a Makefile calling /usr/bin/install by
/// absolute path, configured before stage was on PATH). One line per item.
std::vector<std::string> run_summary(const Listing& listing, const std::string& workdir);

}  // namespace stage
