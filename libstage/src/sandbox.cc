// sandbox: Landlock + seccomp + no_new_privs + rlimits (SPEC "stage-run").
#include "stage/sandbox.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace stage {
namespace {

// Landlock ABI 3 (Linux 6.2) adds TRUNCATE; the build headers may predate it.
constexpr uint64_t kAccessTruncate = 1ULL << 14;

constexpr uint64_t kWriteAccess =
    LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
    LANDLOCK_ACCESS_FS_MAKE_SYM;

std::string why(const std::string& what) { return what + ": " + std::strerror(errno); }

void allow(int ruleset, const std::string& path, uint64_t access) {
  int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) throw SandboxError(why("cannot open '" + path + "' for the sandbox rules"));
  struct landlock_path_beneath_attr rule = {};
  rule.allowed_access = access;
  rule.parent_fd = fd;
  long rc = ::syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
  ::close(fd);
  if (rc != 0) throw SandboxError(why("cannot add a sandbox rule for '" + path + "'"));
}

void apply_landlock(const SandboxPolicy& policy) {
  int abi = landlock_abi();
  if (abi < 1) throw SandboxError("--sandbox needs Landlock (Linux 5.13 or later, enabled in the LSM list)");
  uint64_t handled = kWriteAccess;
  if (abi >= 2) handled |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) handled |= kAccessTruncate;
  struct landlock_ruleset_attr attr = {};
  attr.handled_access_fs = handled;
  int ruleset = static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0));
  if (ruleset < 0) throw SandboxError(why("cannot create the Landlock ruleset"));
  try {
    for (const auto& dir : policy.writable_trees) allow(ruleset, dir, handled);
    uint64_t file_access = LANDLOCK_ACCESS_FS_WRITE_FILE | (abi >= 3 ? kAccessTruncate : 0);
    for (const auto& file : policy.writable_files) allow(ruleset, file, file_access);
    for (const auto& dev : policy.device_files) allow(ruleset, dev, LANDLOCK_ACCESS_FS_WRITE_FILE);
    if (::syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) throw SandboxError(why("cannot enter the Landlock sandbox"));
  } catch (...) {
    ::close(ruleset);
    throw;
  }
  ::close(ruleset);
}

void apply_seccomp() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) throw SandboxError("cannot set up seccomp");
  int rc = 0;
  // No network: IP and packet sockets fail as if forbidden; AF_UNIX stays
  // (local IPC, make's jobserver helpers, dbus-less tools).
  for (int family : {AF_INET, AF_INET6, AF_PACKET})
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(family)));
  // io_uring could open sockets and files without the syscalls above.
  rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(io_uring_setup), 0);
  if (rc == 0) rc = seccomp_load(ctx);
  seccomp_release(ctx);
  if (rc != 0) throw SandboxError("cannot load the seccomp filter");
}

void apply_limits() {
  struct rlimit none = {0, 0};
  ::setrlimit(RLIMIT_CORE, &none);
  // A runaway write cannot fill the disk with one file.
  struct rlimit fsize = {64ULL << 30, 64ULL << 30};
  struct rlimit current;
  if (::getrlimit(RLIMIT_FSIZE, &current) == 0 && (current.rlim_max == RLIM_INFINITY || current.rlim_max > fsize.rlim_max))
    ::setrlimit(RLIMIT_FSIZE, &fsize);
}

}  // namespace

int landlock_abi() {
  long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

void enter_sandbox(const SandboxPolicy& policy) {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) throw SandboxError(why("cannot set no_new_privs"));
  apply_limits();
  apply_landlock(policy);
  apply_seccomp();
}

}  // namespace stage
