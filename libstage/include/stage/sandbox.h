// sandbox: stage-run --sandbox. Confines a build that may be hostile with the
// kernel's help: an unprivileged user, namespaces (see namespaces.h), an empty
// capability bounding set, no_new_privs, resource limits, Landlock (writes only
// where allowed) and seccomp (no network sockets), and reports what was denied.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "stage/namespaces.h"
#include "stage/supervisor.h"

namespace stage {

/// A resource limit of the confined build.
struct ResourceLimit {
  std::string name;    ///< the --rlimit name: "nproc", "fsize", "cpu", "as", "core", "nofile"
  int resource = 0;    ///< RLIMIT_*
  uint64_t value = 0;  ///< soft and hard limit; UINT64_MAX: unlimited
};

/// The documented defaults: nproc 4096, fsize 64 GiB, cpu 7200 s, as 32 GiB, core 0.
std::vector<ResourceLimit> default_limits();

/// Applies "NAME=N" (N a number with an optional K, M, G or T suffix, or
/// "unlimited") to `limits`. Throws ConfigError naming the bad part.
void set_limit(std::vector<ResourceLimit>& limits, std::string_view spec);

/// How a build is confined.
struct SandboxPolicy {
  std::vector<std::string> writable_trees;  ///< Landlock: directories below which anything may be written
  std::vector<std::string> writable_files;  ///< Landlock: existing files that may be written (the database)
  std::vector<std::string> device_files;    ///< Landlock: devices that may be opened for writing (/dev/null)
  SandboxView namespaces;                   ///< the namespaces' view of the host
  std::vector<ResourceLimit> limits = default_limits();
  bool best_effort = false;                 ///< run with what the kernel has, and say what was not enforced
  bool switch_user = false;                 ///< started as root: become `user` first (hand_over() first)
  bool supervised = false;
  bool supervised_renames = false;          ///< with `supervised`: the renames of union capture too (supervisor.h)                  ///< --sandbox --root: confine()'s filter traps the supervisor's calls too
  std::string user;                         ///< the unprivileged user (switch_user)
  uid_t uid = 0;                            ///< its uid (switch_user)
  gid_t gid = 0;                            ///< its primary group (switch_user)
};

/// The sandbox cannot be set up as asked; what() names the mechanism.
using SandboxError = SetupError;

/// The Landlock ABI version of the running kernel (0: none).
int landlock_abi();

/// The kinds of denial the summary and the audit record name.
enum class Denial { WriteOutside, MetadataOutside, Network, IoUring };

/// What a confined run did and was refused.
struct SandboxRun {
  int status = 0;                       ///< the command's exit status (128+N: signal N)
  std::string setup_error;              ///< not empty: the sandbox could not be set up (fail closed) and the command did not run
  std::vector<std::string> unenforced;  ///< best-effort: "STEP: reason" of each mechanism that is missing
  std::map<Denial, size_t> denials;     ///< how often each kind was refused
  std::map<Denial, std::string> example;  ///< one example of each (a path, a socket family)
};

/// The command's own confinement, run in it by the namespace sequence
/// (NamespacePolicy::confine) just before exec: an empty bounding set,
/// resource limits, no_new_privs, Landlock, then the seccomp filter that
/// refuses network sockets and io_uring and lets the watcher see calls that
/// change the file system; last, no capability left. Returns the filter's
/// listener (-1 when best-effort skipped it). Fails closed unless `steps` is
/// best-effort.
int confine(const SandboxPolicy& policy, SetupSteps& steps);

/// Answers the notifications of confine()'s filter until no process uses it,
/// counting denials into `run`.
void watch_denials(int listener, SandboxRun& run);

/// Answers one notification of confine()'s filter into `resp`, counting a
/// denial into `run`; false when `req` is not one of the watched calls.
bool answer_watched(const struct seccomp_notif& req, struct seccomp_notif_resp& resp, SandboxRun& run);

/// Makes the writable trees and files of `policy` usable by policy.uid and
/// policy.gid (recursive lchown), when policy.switch_user. Throws SandboxError.
void hand_over(const SandboxPolicy& policy);

/// --root's supervisor loop over a listener: supervise(listener, pid, other),
/// where `other` answers the notifications that are not the supervisor's.
using SuperviseFn = std::function<void(int, pid_t, const NotifyHandler&)>;

/// Runs `exe` with `argv` and `envp` ("NAME=VALUE") in the namespaces of
/// `ns` (namespaces.h; --root, --sandbox or both). With --root, `supervise`
/// answers the listener (with --sandbox too, confine()'s combined one, the
/// watched calls going to answer_watched()); without, `supervise` is empty
/// and watch_denials() answers confine()'s. Returns when the command and
/// everything it started are gone. A set-up failure gives setup_error and status 2; an exec failure
/// is reported on stderr by the child (status 127 or 126).
SandboxRun run_in_namespaces(const NamespacePolicy& ns, const std::string& exe, const std::vector<std::string>& argv,
                             const std::vector<std::string>& envp, const SuperviseFn& supervise);

/// One phrase per kind of denial with its count and example, for the
/// summary ("2 writes outside the writable trees (e.g. /etc/x)"), and the
/// usual cause of each.
std::vector<std::string> describe_denials(const SandboxRun& run);
/// The audit record's form of the denials: "write-outside=2 (/etc/x); network=1 (AF_INET)"; "" when none.
std::string audit_denials(const SandboxRun& run);

}  // namespace stage
