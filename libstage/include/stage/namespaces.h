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
#include <string_view>
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

// ---- --sandbox (issue 12) -------------------------------------------------
// Written on branch `sandbox` before this module existed, moved here at the
// merge: the sandbox's namespace steps (an identity-mapped user namespace,
// the host read-only with pivot_root, private /tmp and /var/tmp, a minimal
// /dev, a fresh /proc, hidden homes and secrets, loopback up, IPC, a PID 1
// that reaps) with best-effort skipping. They run in the child itself
// (unshare), not from the parent as spawn_in_namespaces() does; folding the
// two into one sequence of steps is the next step (see README).

/// The sandbox's steps fail with the module's error.
using SetupError = NamespaceError;

/// Runs the steps of a set-up: a failing step throws NamespaceError (fail
/// closed), or, best-effort, is noted and skipped.
class SetupSteps {
 public:
  explicit SetupSteps(bool best_effort) : best_effort_(best_effort) {}
  /// The step named `step` failed with errno `err`.
  void failed(std::string_view step, int err);
  /// The step named `step` failed for `reason`.
  void failed(std::string_view step, std::string_view reason);
  /// The steps skipped so far (best-effort only), "STEP: reason" each.
  const std::vector<std::string>& skipped() const { return skipped_; }
  /// True when `step` (a step name) was skipped.
  bool was_skipped(std::string_view step) const;
  bool best_effort() const { return best_effort_; }

 private:
  bool best_effort_;
  std::vector<std::string> skipped_;
};

/// What the namespaces of a confined build (--sandbox) look like. Paths are
/// absolute and name the same objects inside as outside.
struct SandboxView {
  std::string hostname = "localhost";      ///< the UTS namespace's host name (neutral, the same for every build)
  std::vector<std::string> writable_trees; ///< host directories bound read-write at their own path
  std::vector<std::string> writable_files; ///< host files bound read-write (the database and its WAL files)
  std::vector<std::string> private_dirs;   ///< fresh empty writable tmpfs (/tmp, /var/tmp)
  std::vector<std::string> hidden;         ///< covered by an empty read-only directory (homes, /root, /run)
  std::vector<std::string> secrets;        ///< hidden again after the writable binds (~/.ssh, ~/.gnupg)
  std::vector<std::string> readable;       ///< host paths bound read-only over what hides them (--allow-read)
  std::vector<std::string> dev_nodes;      ///< the only device nodes of the private /dev
  std::string workdir;                     ///< the working directory once inside
};

/// Enters a new user namespace (the caller's uid and gid mapped to
/// themselves, no capability over the host), then new mount, PID, network
/// (loopback only, up), UTS and IPC namespaces; inside, the host is
/// read-only, the policy's trees are writable, /tmp and /var/tmp private,
/// /dev minimal, a fresh /proc. Returns only in the process that is to run
/// the command (the first child of the PID namespace's init, in a session
/// of its own); the processes above it wait for it and _exit with its status
/// (128+N when a signal N ended it), and when it ends everything else in
/// the PID namespace is killed. They die with their parent (PDEATHSIG).
/// `close_fds` are closed in those waiting processes. Call it in a child
/// process that has nothing else to do: its caller's threads do not follow.
void enter_namespaces(const SandboxView& policy, SetupSteps& steps, const std::vector<int>& close_fds = {});

/// Sends one message over a unix socket to the other side of a set-up: a
/// kind byte, `text`, and `fd` (passed with SCM_RIGHTS) unless it is -1.
/// False when it could not be sent.
bool send_message(int sock, char kind, const std::string& text, int fd = -1);
/// Receives one message (at most 8 KiB) sent by send_message(); `fd` is -1
/// when none came (received close-on-exec). False at the end of the stream.
bool receive_message(int sock, char& kind, std::string& text, int& fd);

}  // namespace stage
