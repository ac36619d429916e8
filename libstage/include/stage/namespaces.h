// namespaces: the kernel set-up of `stage-run --root` (and `--sandbox`): one
// linear sequence of checked steps that starts a child in new namespaces.
//
// The parent clones the child into the namespaces the policy asks for, writes
// its uid/gid maps, and lets it go on; the child then makes its mounts
// private, sets the host name, loads the seccomp user-notification filter of
// the recorded system calls (handing the listener to the parent), runs the
// caller's last hook (Landlock, rlimits) and finally `exec_child`. Every step
// fails closed: nothing runs half set up, and the error names the step.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "stage/root_fs.h"

namespace stage {

/// What the child gets. Steps run in the order of the fields.
struct NamespacePolicy {
  /// A new user namespace in which the child is uid 0 and gid 0, mapped to
  /// `outside_uid`/`outside_gid` (default: the caller's real ids; another id
  /// needs CAP_SETUID/CAP_SETGID in the caller's namespace). The child has
  /// no capability over the host's namespaces, whoever started it.
  bool user_root = false;
  std::optional<uid_t> outside_uid;
  std::optional<gid_t> outside_gid;
  /// A new mount namespace; every mount in it is made private (nothing
  /// propagates back to the host), then `binds` are applied in order.
  bool mount = false;
  /// A bind mount in the child's mount namespace: `source` appears at `target`.
  struct Bind {
    std::string source, target;
    bool read_only = false;
  };
  std::vector<Bind> binds;
  /// Union capture (issue 11): after the binds, each `stage_dir` appears,
  /// writable, at `prefix`. A prefix missing on the host is made to appear
  /// first: its nearest existing ancestor gets a read-only overlay whose top
  /// layer, built in `scratch_dir`, holds only the missing directories
  /// (unprivileged overlayfs: Linux 5.11). Needs `mount`.
  struct Capture {
    std::string stage_dir, prefix;
  };
  std::vector<Capture> captures;
  /// An existing, empty directory the child may write (overlay skeletons).
  std::string scratch_dir;
  /// A new PID namespace (the child is its PID 1; everything it starts dies with it).
  bool pid = false;
  /// A new UTS namespace with this host name (empty: no new UTS namespace).
  std::string hostname;
  /// A new network namespace (only a loopback device, down).
  bool net = false;
  /// Load the seccomp user-notification filter of the recorded calls
  /// (supervisor.h: supervised_syscalls()); Spawned::notify_fd gets the listener.
  bool supervise = false;
  /// Runs last in the child, before exec_child (e.g. enter_sandbox); it
  /// throws NamespaceError (or SandboxError) to stop the child. With
  /// `supervise` it runs under the filter while no supervisor answers yet
  /// (spawn_in_namespaces returns at exec): it must not chown, chmod or mknod.
  std::function<void()> before_exec;
};

/// A step failed; what() is "STEP: reason", with the usual fix where one is known.
struct NamespaceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The started child.
struct Spawned {
  pid_t pid = -1;      ///< in the caller's PID namespace
  UniqueFd notify_fd;  ///< the seccomp listener (policy.supervise), else empty
};

/// Checks, without starting anything, that the kernel can do what `policy`
/// asks (user namespaces allowed, seccomp user notification present).
/// Throws NamespaceError naming the cause and the usual fix.
void check_namespace_support(const NamespacePolicy& policy);

/// Starts a child through the steps above, then calls `exec_child` in it,
/// which should exec and, when exec fails, report and _exit (127). A step that
/// fails in the child ends it with status 126 and throws NamespaceError here;
/// the child is reaped then. On success the caller waits for `pid`.
/// Call it from a single-threaded process (it clones without a new stack).
Spawned spawn_in_namespaces(const NamespacePolicy& policy, const std::function<void()>& exec_child);

}  // namespace stage
