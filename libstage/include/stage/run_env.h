// run_env: what stage-run sets up around a build (environment, stage, summary).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "stage/config.h"
#include "stage/listing.h"
#include "stage/namespaces.h"
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
  bool root = false;              ///< --root: a user namespace as uid 0, owner/mode changes supervised
};

/// The drop-in directory of this installation: <this executable>/../libexec/stage/bin.
std::string installed_dropin_directory();

/// Creates the staging root (with parents) and its database, so that the
/// drop-ins of a parallel build never race to create them. Throws ConfigError/StoreError.
void prepare_stage(RunOptions& options);

/// The variables stage-run exports (name, value): STAGE_*, DESTDIR and PATH.
std::vector<std::pair<std::string, std::string>> staging_environment(const RunOptions& options,
                                                                      const EnvLookup& env = process_env());

/// The configuration the build's drop-ins (and --root's supervisor) see:
/// the environment with staging_environment() applied over it.
Config run_config(const RunOptions& options, const EnvLookup& env = process_env());

/// The namespaces of a --root build: a user namespace in which the build
/// user is uid 0, the seccomp listener of the supervised calls, and union
/// capture of each mapped prefix other than "/" (a mount namespace in which
/// $DESTDIR/P appears at P; the stage's P is made and recorded as `mkdir -p`
/// would, and a scratch directory is made for the overlay skeletons).
/// Throws ConfigError. Call release_namespace_policy() after the build.
NamespacePolicy root_namespace_policy(const RunOptions& options);

/// Removes what root_namespace_policy() made outside the stage (the scratch directory).
void release_namespace_policy(const NamespacePolicy& policy);

/// The drop-in binary whose calls --root's supervisor passes through (they record themselves).
std::string dropin_executable(const RunOptions& options);

/// Where a sandboxed build may write: the stage, the database (and its WAL
/// files, which must exist: keep a connection open), the build directory and
/// the temporary directories; /dev/null and friends.
SandboxPolicy sandbox_policy(const RunOptions& options, const EnvLookup& env = process_env());

/// The summary printed after the build: entries recorded, untracked files,
/// and a hint at the likely cause (a Makefile calling /usr/bin/install by
/// absolute path, configured before stage was on PATH). One line per item.
std::vector<std::string> run_summary(const Listing& listing, const std::string& workdir);

}  // namespace stage
