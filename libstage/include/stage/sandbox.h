// sandbox: stage-run --sandbox. Confines a build with the kernel's help so
// that what bypasses the drop-ins (cp, a compiler, /usr/bin/install by
// absolute path) cannot touch the host: no_new_privs, Landlock (writes only
// where allowed), seccomp (no network sockets), resource limits.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace stage {

/// Where the confined process may write.
struct SandboxPolicy {
  std::vector<std::string> writable_trees;  ///< directories: anything below may be written
  std::vector<std::string> writable_files;  ///< existing files that may be written (the database)
  std::vector<std::string> device_files;    ///< devices that may be opened for writing (/dev/null)
};

/// The kernel cannot confine as asked; what() says why.
struct SandboxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The Landlock ABI version of the running kernel (0: none).
int landlock_abi();

/// Confines the calling process and everything it starts from now on.
/// Fails closed: throws SandboxError rather than run unconfined.
void enter_sandbox(const SandboxPolicy& policy);

}  // namespace stage
