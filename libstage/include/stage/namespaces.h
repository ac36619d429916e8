// namespaces: the kernel set-up of a confined build (user, mount, PID, network, UTS and IPC namespaces) as one linear sequence of checked steps.
//
// Minimal version written on branch `sandbox` (issue 12) for `--sandbox`,
// before `rootns`' module existed: the lead reconciles the two (SetupSteps
// and the mount steps are meant to become steps of that module's policy).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace stage {

/// A set-up step could not be taken and the policy is strict; what() is
/// "STEP: reason", STEP naming the mechanism (for example "network namespace").
struct SetupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Runs the steps of a set-up: a failing step throws SetupError (fail
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

/// What the namespaces of a confined build look like. Paths are absolute
/// and name the same objects inside as outside.
struct NamespacePolicy {
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
void enter_namespaces(const NamespacePolicy& policy, SetupSteps& steps, const std::vector<int>& close_fds = {});

}  // namespace stage
