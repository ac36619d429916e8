// supervisor: stage-run --root's seccomp user-notification loop. Receives each
// trapped owner/mode/device-node change, resolves the caller's path as the
// caller sees it, records it through a Session as a drop-in would, answers.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "stage/config.h"
#include "stage/session.h"

struct seccomp_notif;
struct seccomp_notif_resp;

namespace stage {

/// Answers a notification that is not the supervisor's (libseccomp's structs).
using NotifyHandler = std::function<bool(const struct seccomp_notif&, struct seccomp_notif_resp&)>;

/// The system calls the --root filter traps, by name: the chown, chmod and
/// mknod families (with i386's 16- and 32-bit chown calls), and the xattr
/// calls that may set or remove security.capability or set a minimal
/// access ACL (a mode; the supervisor lets every other attribute continue
/// to the kernel). libseccomp resolves each
/// name for every architecture of supervised_arches(); a name that an
/// architecture (or this libseccomp) does not know is left out there.
std::vector<std::string> supervised_syscalls();

/// The renames trapped under union capture only (rename, renameat,
/// renameat2): a rename of a host file below a captured prefix that
/// overlayfs cannot copy up is done by the supervisor (rename_route()).
std::vector<std::string> capture_syscalls();

/// The architectures whose calls the filter traps (libseccomp's SCMP_ARCH_*
/// tokens, the audit architectures): the native one and, on x86-64, i386
/// and x32 programs too. Without them a filter kills a foreign
/// architecture's program at its first system call.
std::vector<uint32_t> supervised_arches();

/// Adds supervised_arches() and a user-notification rule for each of
/// supervised_syscalls() to a libseccomp filter (a scmp_filter_ctx): the
/// --root filter, or under --sandbox --root the sandbox's, which must then
/// trap them too. With `capture` (union capture of a prefix the host has),
/// capture_syscalls() too. Returns 0 or a negative errno.
int add_supervised_rules(void* seccomp_filter, bool capture = false);

/// True when the notification `req` is one of supervised_syscalls() or
/// capture_syscalls() (for its architecture).
bool is_supervised(const struct seccomp_notif& req);

/// One trapped call, decoded.
struct TrappedCall {
  /// SetAclMode: setxattr("system.posix_acl_access") of a minimal ACL
  /// (mode.h minimal_acl_mode()), which is a chmod of the permission bits.
  enum class Kind { Chown, Chmod, Mknod, SetCaps, RemoveCaps, Rename, SetAclMode };
  Kind kind = Kind::Chmod;
  std::string path;               ///< absolute and folded, as the caller named it (its cwd, dirfd, root applied)
  bool follow = true;             ///< act on a final symlink's referent
  std::optional<uint32_t> uid;    ///< chown: the new owner (nullopt: unchanged, -1)
  std::optional<uint32_t> gid;    ///< chown: the new group
  mode_t mode = 0;                ///< chmod: the new mode; SetAclMode: the permission bits; mknod: type and permission bits, umask applied
  uint64_t rdev = 0;              ///< mknod: the device number
  std::string value;              ///< SetCaps: the attribute's value as the caller passed it
  int xattr_flags = 0;            ///< SetCaps: XATTR_CREATE, XATTR_REPLACE
  std::string tool;               ///< recorded as the tool: the caller's command name
  std::string target;             ///< Rename: the new path, absolute and folded like `path`
  unsigned rename_flags = 0;      ///< Rename: renameat2's flags (RENAME_NOREPLACE, RENAME_EXCHANGE...)
  std::string view;               ///< Rename: the caller's root as the supervisor reaches it ("/proc/PID/root")
};

/// What the supervisor does with a trapped rename.
enum class RenameRoute {
  Kernel,  ///< continue to the kernel unchanged
  Copy,    ///< copy to the target, unlink the source, through the caller's view; record the target
  Tree,    ///< a host directory: move it through the caller's view (view_move.h), records and all
  Exdev,   ///< answer EXDEV (RENAME_EXCHANGE of what the overlay cannot rename: callers fall back)
};

/// The decision for a rename whose source, below a captured prefix, has
/// type `host_mode` on the host (the overlay's lower layer) and
/// `stage_mode` in the stage (its upper layer; 0: not there). A host-only
/// regular file or symlink, which overlayfs would have to copy up with an
/// owner the build's user namespace may not name (EOVERFLOW), is copied; a
/// host directory, alone or merged with the stage's, which overlayfs
/// without redirect_dir refuses to rename (EXDEV), is moved as a tree; with
/// RENAME_EXCHANGE both are EXDEV. RENAME_WHITEOUT and unknown flags, and
/// what the stage alone holds, go on to the kernel.
RenameRoute rename_route(mode_t host_mode, mode_t stage_mode, unsigned flags);

/// The answer to a trapped call.
struct Answer {
  bool let_kernel_do_it = true;   ///< continue the call as if not trapped (unstaged paths)
  int error = 0;                  ///< else: 0 for success, or the errno to fail with
};

/// The caller's view of a path: `path` (may be relative or empty) against
/// `dirfd` (AT_FDCWD: the caller's cwd) of process `pid`, through /proc/PID.
/// With an empty path (fchown, AT_EMPTY_PATH) the file `dirfd` refers to.
/// nullopt when it names no path (a pipe, a deleted file, an unreadable /proc entry).
std::optional<std::string> caller_path(pid_t pid, int dirfd, const std::string& path);

/// Handles one decoded call on `session`: a staged path's record changes as a
/// drop-in's chown/chmod would change it (and a chmod's permission bits, minus
/// setuid/setgid/sticky, reach the disk; a minimal ACL is such a chmod of the
/// permission bits; a device node gets an empty placeholder file; a staged
/// file's capability is recorded or removed, never written to the disk, with
/// the kernel's EINVAL, EEXIST and ENODATA); a rename that rename_route()
/// gives the supervisor is done through the caller's view (`call.view`) and
/// its records follow. Then commits; anything else is left to the kernel.
Answer handle_call(Session& session, const TrappedCall& call);

/// Counts of what a supervisor did (stage-run's summary and tests).
struct SupervisorStats {
  uint64_t recorded = 0;   ///< calls recorded on staged paths
  uint64_t passed = 0;     ///< calls left to the kernel
  uint64_t failed = 0;     ///< calls answered with an error
};

/// Runs the loop on a seccomp listener until the filter has no task left or
/// `child` (a pid of the caller's) has exited; each staged call is recorded
/// in its own transaction through a Session over `config`. Calls made by the
/// drop-in binary `dropin_exe` pass through: the drop-ins record themselves.
/// `other`, when given, answers (into its second argument, returning true)
/// the notifications of calls that are not the supervisor's, and sees those
/// of its own that it leaves to the kernel (to count, not to answer): the
/// same listener serves --sandbox's watcher under --sandbox --root.
SupervisorStats supervise(int notify_fd, const Config& config, const std::string& dropin_exe, pid_t child,
                          const NotifyHandler& other = nullptr);

}  // namespace stage
