// namespaces: the kernel set-up of `stage-run --root` and `--sandbox`: one
// linear sequence of checked steps, planned from a policy, that starts a
// child in new namespaces.
//
// Every combination of --root, --sandbox and --map goes through the same
// sequence (plan_steps() lists it; spawn_in_namespaces() runs it): in a forked
// child, optionally become the sandbox user, enter a user namespace and write
// its own id maps, enter the other namespaces, bring loopback up and set the
// host name, fork the PID namespace's init, make the mount view (the host
// read-only, the writable trees, private temp directories, a minimal /dev, a
// fresh /proc, hidden homes and secrets, the captured prefixes as overlays),
// fork the command, confine it (the caller's hook: rlimits, Landlock,
// seccomp), load the --root supervisor's filter, exec. Every step fails
// closed with its name in the message, unless the policy is best-effort and
// the step may be skipped (it is then reported).
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

/// A step failed; what() is "STEP: reason", with the usual fix where one is known.
struct NamespaceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

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

/// The mount namespace's view of a confined build (--sandbox). Paths are
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

/// What the child gets.
struct NamespacePolicy {
  /// Started as root: become this unprivileged user first (an empty
  /// bounding set, then setgroups/setresgid/setresuid); the caller has
  /// handed it the trees it must write (sandbox.h hand_over()).
  struct User {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
  };
  std::optional<User> become;
  /// A new user namespace; the caller's (or `become`'s) uid and gid are
  /// mapped to uid/gid 0 inside with `map_root` (--root), else to themselves.
  /// The child has no capability over the host's namespaces.
  bool user = false;
  bool map_root = false;
  /// A new mount namespace; every mount in it is made private (nothing
  /// propagates back to the host). With `view`, the sandbox's view of the
  /// host is made in it.
  bool mount = false;
  std::optional<SandboxView> view;
  /// Union capture (issue 11): each `prefix` shows the host's prefix with
  /// `stage_dir` as a writable overlay layer above it (creates, writes,
  /// renames and deletions land in the stage; a deleted host file leaves a
  /// whiteout there); the same overlay appears at `stage_dir` too, so the
  /// drop-ins, which write the stage, see what everyone else sees. A prefix
  /// missing on the host is made to appear first (its nearest existing
  /// ancestor gets a read-only overlay whose top layer holds only the
  /// missing directories) and is the stage's directory alone. Overlay work
  /// directories and skeletons go in `scratch_dir`, which must lie on the
  /// stage's file system, beside the stage (with `view`, a clone of their
  /// common parent puts the layers on one mount). Needs `mount` (unprivileged
  /// overlayfs: Linux 5.11).
  /// A directory the caller made in the stage to mirror the host's. Its
  /// identity (inode and birth time: a directory the build removes and makes
  /// anew often gets the same inode number) tells it apart from one the build
  /// made at the same place.
  struct Mirrored {
    std::string path;
    std::string identity;
    /// The identity of the directory at `path` now ("" if there is none).
    static std::string identity_of(const std::string& path);
    /// True while `path` is still the directory the caller made.
    bool unchanged() const { return identity_of(path) == identity; }
  };
  struct Capture {
    std::string stage_dir, prefix;
    std::vector<Mirrored> mirrored;  ///< the caller's, parents first
  };
  std::vector<Capture> captures;
  std::string scratch_dir;
  /// A new PID namespace: its init reaps orphans, and everything left dies
  /// when the command ends. The command runs in a session of its own.
  bool pid = false;
  /// A new network namespace (only loopback, brought up).
  bool net = false;
  /// A new IPC namespace.
  bool ipc = false;
  /// A new UTS namespace with this host name (empty: no new UTS namespace).
  std::string hostname;
  /// The working directory of the command (empty: unchanged).
  std::string workdir;
  /// The command's own confinement (sandbox.h confine()), run in the command
  /// process after the namespaces and mounts; returns a seccomp listener to
  /// hand to the caller (Spawned::watch_fd) or -1. It throws NamespaceError
  /// to stop, or notes skipped steps in its SetupSteps.
  std::function<int(SetupSteps&)> confine;
  /// Load the seccomp user-notification filter of the recorded calls
  /// (supervisor.h: supervised_syscalls()) last; Spawned::notify_fd gets the
  /// listener. Loaded after `confine`'s filter, it takes precedence on the
  /// calls both trap.
  bool supervise = false;
  /// With `supervise`: trap the renames too (supervisor.h: capture_syscalls();
  /// union capture of a prefix the host has).
  bool supervise_renames = false;
  /// Best-effort: a step that may be skipped (a namespace, a mount of the
  /// view) is reported in Spawned::skipped instead of failing.
  bool best_effort = false;
};

/// The steps of a policy, in order.
enum class Step {
  BecomeUser, UserNamespace, IdMaps, MountNamespace, PidNamespace, NetworkNamespace, UtsNamespace, IpcNamespace,
  Loopback, HostName, ForkInit, PrivateMounts, ReadOnlyHost, FreshProc, PrivateDirs, MinimalDev, HideHomes,
  WritableTrees, Captures, Secrets, Readable, SealMounts, WorkingDirectory, ForkCommand, Confine, SupervisorFilter,
  Exec
};

/// A step as planned: what runs, and the name failures carry.
struct PlannedStep {
  Step step;
  std::string name;       ///< the name a failure message starts with
  bool skippable = false; ///< best-effort may skip it (the user switch, the id maps and the filter never)
};

/// The sequence spawn_in_namespaces() runs for `policy` (no kernel needed).
std::vector<PlannedStep> plan_steps(const NamespacePolicy& policy);

/// The started child.
struct Spawned {
  pid_t pid = -1;                    ///< in the caller's PID namespace; its exit status is the command's (128+N: signal N)
  UniqueFd notify_fd;                ///< the supervisor's seccomp listener (policy.supervise), else empty
  UniqueFd watch_fd;                 ///< the listener policy.confine returned, else empty
  std::vector<std::string> skipped;  ///< best-effort: "STEP: reason" of each step skipped
};

/// Checks, without starting anything, that the kernel can do what `policy`
/// asks (user namespaces allowed, seccomp user notification present).
/// Throws NamespaceError naming the cause and the usual fix.
void check_namespace_support(const NamespacePolicy& policy);

/// Starts a child through plan_steps(policy), then calls `exec_child` in it,
/// which should exec and, when exec fails, report and _exit (127). A step that
/// fails ends the child, which is reaped, and throws NamespaceError here
/// ("STEP: reason"). On success the caller answers the listeners and waits
/// for `pid`. Call it from a single-threaded process.
Spawned spawn_in_namespaces(const NamespacePolicy& policy, const std::function<void()>& exec_child);

/// Sends one message over a unix socket to the other side of a set-up: a
/// kind byte, `text`, and `fd` (passed with SCM_RIGHTS) unless it is -1.
/// False when it could not be sent.
bool send_message(int sock, char kind, const std::string& text, int fd = -1);
/// Receives one message (at most 8 KiB) sent by send_message(); `fd` is -1
/// when none came (received close-on-exec). False at the end of the stream.
bool receive_message(int sock, char& kind, std::string& text, int& fd);

/// True when `st` is an overlay whiteout: a character device 0/0, which
/// stands for a deleted (or renamed-away) file of the layer below.
bool is_whiteout(const struct stat& st);
/// True when the upper layer's directory `path` is opaque (overlayfs's
/// `trusted.overlay.opaque` or, mounted with userxattr, `user.overlay.opaque`
/// is "y"): it hides everything the layer below has at that place, as after
/// `rm -rf DIR; mkdir DIR`.
bool is_opaque_dir(const std::string& path);

}  // namespace stage
