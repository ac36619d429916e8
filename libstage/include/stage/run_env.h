// run_env: what stage-run sets up around a build (environment, stage, summary).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stage/config.h"
#include "stage/listing.h"
#include "stage/namespaces.h"
#include "stage/sandbox.h"
#include "stage/store.h"

namespace stage {

/// stage-run's choices.
struct RunOptions {
  std::string destdir;            ///< absolute staging root
  std::string db;                 ///< empty: the default beside destdir
  std::vector<std::string> map;   ///< empty: STAGE_MAP's default
  std::string owner, group;       ///< empty: the defaults
  std::string workdir;            ///< the build directory (passed through, never staged)
  std::string dropin_dir;         ///< goes first on PATH
  // --sandbox
  std::string sandbox_user;       ///< started as root: the user COMMAND runs as (empty: nobody)
  std::vector<std::string> allow_read;  ///< absolute paths the build may read although hidden
  std::vector<ResourceLimit> limits = default_limits();  ///< after --rlimit
  bool best_effort = false;       ///< --sandbox=best-effort
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

/// The namespace policy of a build (namespaces.h), one for every
/// combination of --root, --sandbox and --map. --root: a user namespace in
/// which the build user is uid 0, the seccomp listener of the supervised
/// calls, and union capture of each mapped prefix other than "/" (the
/// stage's P is made and recorded as `mkdir -p` would; a scratch directory
/// DESTDIR.stagework.XXXXXX beside the stage holds the overlays' work
/// directories; run unprivileged, the host's directories below P are
/// mirrored in the stage so that the build may write them). `sandbox`
/// (--sandbox, else null): its view, PID, network, UTS and IPC namespaces,
/// the user switch and confine(); the captured prefixes and the scratch
/// directory are added to its writable trees, so call hand_over() after.
/// Throws ConfigError. Call release_namespace_policy() after the build.
NamespacePolicy namespace_policy(const RunOptions& options, SandboxPolicy* sandbox);

/// Removes what namespace_policy() made outside the stage (the scratch
/// directory) and the mirrored directories the build left empty.
void release_namespace_policy(const NamespacePolicy& policy);

/// --root: the staged paths that are untracked before the build (an earlier
/// run without --root left them; adopt_root_build_files() leaves them so),
/// sorted. Throws StoreError.
std::vector<std::string> untracked_paths(const RunOptions& options);

/// After a --root build: records each staged path the build made without the
/// tools (untracked now and not in `before`, sorted) as the namespace's root
/// made it, which is what a root install gives it: the default owner, the
/// group of a recorded setgid parent directory or the default group, and the
/// mode on disk (under --root the disk keeps the permission bits; set-id bits
/// come only from chmod, which the supervisor records). So `cp -p` of a
/// staged file (cp skips fchown when the owner already matches), `tar -x`
/// and a compiler's output are tracked. Returns how many paths it recorded.
/// Throws StoreError.
size_t adopt_root_build_files(const RunOptions& options, const std::vector<std::string>& before);

/// After a captured build, and after release_namespace_policy(): records the
/// mirrored directories the build left something in (as `mkdir -p` would
/// have: the host's mode, the default owner) and the deletions it made (the
/// whiteouts its overlays left in the stage: a host file deleted or renamed
/// away, never applied to the host), replacing the deletions recorded before
/// below each prefix; returns the deletions' logical paths. Throws StoreError.
std::vector<std::string> finish_capture(const RunOptions& options, const NamespacePolicy& policy);

/// The drop-in binary whose calls --root's supervisor passes through (they record themselves).
std::string dropin_executable(const RunOptions& options);

/// The confinement of a sandboxed build (SPEC "stage-run", `--sandbox`): it
/// may write the stage, the database (and its WAL files, which must exist:
/// keep a connection open), the build directory and private temporary
/// directories; the host is read-only; the homes (the invoking user's, the
/// sandbox user's, /root, /home) and /run are hidden except the build's own
/// trees, ~/.ssh and ~/.gnupg always, unless --allow-read names them; /dev
/// is minimal. Started as root it runs as options.sandbox_user (default
/// nobody). Throws ConfigError for an unknown or privileged user.
SandboxPolicy sandbox_policy(const RunOptions& options, const EnvLookup& env = process_env());

/// --fresh: throws ConfigError unless the stage is missing or empty and the
/// database is missing or holds nothing (no entries, info records or runs).
void require_fresh(const RunOptions& options);

/// One word as a POSIX shell reads it back: as is when it holds only
/// characters no shell treats specially (letters, digits, `-_./=:,+@%`),
/// else single-quoted with each `'` written `'\''` (any byte but NUL).
std::string shell_word(std::string_view word);

/// A command line as a shell would read it back: words quoted only where needed (shell_word()).
std::string command_line(const std::vector<std::string>& words);

/// The name of the effective user (its number when the password database has none).
std::string current_user_name();

/// The current time, UTC, ISO 8601 to the second ("2026-11-30T18:00:00Z").
std::string utc_now();

/// Appends `run` to the audit trail of the stage's database. Throws StoreError.
void record_run(const RunOptions& options, const RunRecord& run);

/// stage-ls --log: one line per run, oldest first, tab-separated: start,
/// end, exit status, user, sandbox ("off", "strict", "best-effort; not
/// enforced: ..."), denials ("-" when none), command line; a newline, tab
/// or backslash in a field is written \n, \t, \\.
std::string format_run_log(const std::vector<RunRecord>& runs);

/// The summary printed after the build: entries recorded, untracked files,
/// and a hint at the likely cause (a Makefile calling /usr/bin/install by
/// absolute path, configured before stage was on PATH). One line per item.
std::vector<std::string> run_summary(const Listing& listing, const std::string& workdir);

}  // namespace stage
