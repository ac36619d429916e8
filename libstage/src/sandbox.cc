// sandbox: user switch, namespaces, capabilities, rlimits, no_new_privs, Landlock, seccomp and the denial watcher of stage-run --sandbox (SPEC "stage-run").
#include "stage/sandbox.h"

#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "stage/config.h"
#include "stage/supervisor.h"

namespace stage {

// ---- Resource limits -----------------------------------------------------

std::vector<ResourceLimit> default_limits() {
  return {
      {"nproc", RLIMIT_NPROC, 4096},           // a fork bomb stops here
      {"fsize", RLIMIT_FSIZE, 64ULL << 30},    // a runaway write cannot fill the disk with one file
      {"cpu", RLIMIT_CPU, 7200},               // seconds per process: a spinning configure test ends
      {"as", RLIMIT_AS, 32ULL << 30},          // per process; sanitizer builds need --rlimit as=unlimited
      {"core", RLIMIT_CORE, 0},                // no core files in the build tree
  };
}

void set_limit(std::vector<ResourceLimit>& limits, std::string_view spec) {
  static const std::pair<const char*, int> kNames[] = {{"nproc", RLIMIT_NPROC}, {"fsize", RLIMIT_FSIZE},
                                                       {"cpu", RLIMIT_CPU},     {"as", RLIMIT_AS},
                                                       {"core", RLIMIT_CORE},   {"nofile", RLIMIT_NOFILE}};
  size_t eq = spec.find('=');
  std::string name(spec.substr(0, eq == std::string_view::npos ? spec.size() : eq));
  if (eq == std::string_view::npos)
    throw ConfigError("--rlimit: '" + std::string(spec) + "': expected NAME=N (nproc, fsize, cpu, as, core, nofile)");
  int resource = -1;
  for (const auto& [n, r] : kNames)
    if (name == n) resource = r;
  if (resource < 0)
    throw ConfigError("--rlimit: unknown limit '" + name + "' (nproc, fsize, cpu, as, core, nofile)");
  std::string text(spec.substr(eq + 1));
  uint64_t value = 0;
  if (text == "unlimited") {
    value = UINT64_MAX;
  } else {
    size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    std::string suffix = text.substr(digits);
    int shift = suffix.empty() ? 0 : suffix == "K" ? 10 : suffix == "M" ? 20 : suffix == "G" ? 30 : suffix == "T" ? 40 : -1;
    errno = 0;
    unsigned long long n = digits ? std::strtoull(text.substr(0, digits).c_str(), nullptr, 10) : 0;
    if (digits == 0 || shift < 0 || errno == ERANGE || (shift && n > (UINT64_MAX >> shift)))
      throw ConfigError("--rlimit: invalid value '" + text + "' for " + name + " (a number, K/M/G/T, or unlimited)");
    value = static_cast<uint64_t>(n) << shift;
  }
  for (auto& l : limits)
    if (l.resource == resource) {
      l.value = value;
      return;
    }
  limits.push_back({name, resource, value});
}

namespace {

std::string why(const std::string& what) { return what + ": " + std::strerror(errno); }

void apply_limits(const std::vector<ResourceLimit>& limits, SetupSteps& steps) {
  for (const auto& l : limits) {
    struct rlimit current;
    if (::getrlimit(l.resource, &current) != 0) continue;
    rlim_t want = l.value == UINT64_MAX ? RLIM_INFINITY : static_cast<rlim_t>(l.value);
    // Never above the hard limit we were given: without privilege that fails.
    if (current.rlim_max != RLIM_INFINITY && (want == RLIM_INFINITY || want > current.rlim_max)) want = current.rlim_max;
    struct rlimit next = {want, want};
    if (::setrlimit(l.resource, &next) != 0) steps.failed("resource limit " + l.name, errno);
  }
}

// ---- Capabilities and the user ------------------------------------------

void drop_bounding_set(SetupSteps& steps) {
  for (int cap = 0; cap <= 63; ++cap) {
    if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0) break;  // past the last capability this kernel knows
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      steps.failed("empty capability bounding set", errno);
      return;
    }
  }
}

void drop_capabilities(SetupSteps& steps) {
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capset, &header, data) != 0) steps.failed("drop capabilities", errno);
}

// ---- Landlock -------------------------------------------------------------

// Newer than the build headers may be: ABI 3 TRUNCATE, ABI 4 TCP, ABI 6 scopes.
constexpr uint64_t kAccessTruncate = 1ULL << 14;
constexpr uint64_t kNetBindTcp = 1ULL << 0, kNetConnectTcp = 1ULL << 1;
constexpr uint64_t kScopeAbstractUnix = 1ULL << 0, kScopeSignal = 1ULL << 1;
struct RulesetAttr {
  uint64_t handled_access_fs, handled_access_net, scoped;
};

constexpr uint64_t kWriteAccess =
    LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
    LANDLOCK_ACCESS_FS_MAKE_SYM;

void allow(int ruleset, const std::string& path, uint64_t access) {
  int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) throw SetupError(why("Landlock: cannot open '" + path + "' for the rules"));
  struct landlock_path_beneath_attr rule = {};
  rule.allowed_access = access;
  rule.parent_fd = fd;
  long rc = ::syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
  ::close(fd);
  if (rc != 0) throw SetupError(why("Landlock: cannot add a rule for '" + path + "'"));
}

void apply_landlock(const SandboxPolicy& policy, SetupSteps& steps) {
  int abi = landlock_abi();
  if (abi < 1) return steps.failed("Landlock", "needs Linux 5.13 or later with Landlock in the LSM list");
  uint64_t handled = kWriteAccess;
  if (abi >= 2) handled |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) handled |= kAccessTruncate;
  RulesetAttr attr = {handled, 0, 0};
  size_t size = sizeof(uint64_t);
  // No TCP at all (no rule allows a port), the host's abstract unix sockets
  // and signals to processes outside the sandbox refused: each on top of the
  // namespaces, where the kernel has it.
  if (abi >= 4) attr.handled_access_net = kNetBindTcp | kNetConnectTcp, size = 2 * sizeof(uint64_t);
  if (abi >= 6) attr.scoped = kScopeAbstractUnix | kScopeSignal, size = sizeof attr;
  int ruleset = static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, size, 0));
  if (ruleset < 0) return steps.failed("Landlock", errno);
  try {
    for (const auto& dir : policy.writable_trees) allow(ruleset, dir, handled);
    uint64_t file_access = LANDLOCK_ACCESS_FS_WRITE_FILE | (abi >= 3 ? kAccessTruncate : 0);
    for (const auto& file : policy.writable_files) allow(ruleset, file, file_access);
    for (const auto& dev : policy.device_files) allow(ruleset, dev, LANDLOCK_ACCESS_FS_WRITE_FILE);
    if (::syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) throw SetupError(why("Landlock"));
  } catch (const SetupError& e) {
    ::close(ruleset);
    return steps.failed("Landlock", e.what());
  }
  ::close(ruleset);
}

// ---- seccomp ----------------------------------------------------------------

// The system calls the watcher sees: `dirfd`/`path` give the argument
// numbers of each object the call changes (path -1: dirfd is a plain fd).
enum class Watch { Socket, IoUring, Write, Metadata, Openat2 };
struct Target {
  int dirfd, path;  // dirfd -1: AT_FDCWD
};
struct Watched {
  const char* name;
  Watch kind;
  Target targets[2];
  int ntargets;
};
const Watched kWatched[] = {
    {"socket", Watch::Socket, {}, 0},
    {"io_uring_setup", Watch::IoUring, {}, 0},
    {"open", Watch::Write, {{-1, 0}}, 1},
    {"creat", Watch::Write, {{-1, 0}}, 1},
    {"openat", Watch::Write, {{0, 1}}, 1},
    {"openat2", Watch::Openat2, {{0, 1}}, 1},
    {"mkdir", Watch::Write, {{-1, 0}}, 1},
    {"mkdirat", Watch::Write, {{0, 1}}, 1},
    {"rmdir", Watch::Write, {{-1, 0}}, 1},
    {"unlink", Watch::Write, {{-1, 0}}, 1},
    {"unlinkat", Watch::Write, {{0, 1}}, 1},
    {"rename", Watch::Write, {{-1, 0}, {-1, 1}}, 2},
    {"renameat", Watch::Write, {{0, 1}, {2, 3}}, 2},
    {"renameat2", Watch::Write, {{0, 1}, {2, 3}}, 2},
    {"link", Watch::Write, {{-1, 1}}, 1},
    {"linkat", Watch::Write, {{2, 3}}, 1},
    {"symlink", Watch::Write, {{-1, 1}}, 1},
    {"symlinkat", Watch::Write, {{1, 2}}, 1},
    {"mknod", Watch::Write, {{-1, 0}}, 1},
    {"mknodat", Watch::Write, {{0, 1}}, 1},
    {"truncate", Watch::Write, {{-1, 0}}, 1},
    {"chmod", Watch::Metadata, {{-1, 0}}, 1},
    {"fchmod", Watch::Metadata, {{0, -1}}, 1},
    {"fchmodat", Watch::Metadata, {{0, 1}}, 1},
    {"fchmodat2", Watch::Metadata, {{0, 1}}, 1},
    {"chown", Watch::Metadata, {{-1, 0}}, 1},
    {"lchown", Watch::Metadata, {{-1, 0}}, 1},
    {"fchown", Watch::Metadata, {{0, -1}}, 1},
    {"fchownat", Watch::Metadata, {{0, 1}}, 1},
    {"utime", Watch::Metadata, {{-1, 0}}, 1},
    {"utimes", Watch::Metadata, {{-1, 0}}, 1},
    {"utimensat", Watch::Metadata, {{0, 1}}, 1},
    {"futimesat", Watch::Metadata, {{0, 1}}, 1},
    {"setxattr", Watch::Metadata, {{-1, 0}}, 1},
    {"lsetxattr", Watch::Metadata, {{-1, 0}}, 1},
    {"fsetxattr", Watch::Metadata, {{0, -1}}, 1},
    {"removexattr", Watch::Metadata, {{-1, 0}}, 1},
    {"lremovexattr", Watch::Metadata, {{-1, 0}}, 1},
    {"fremovexattr", Watch::Metadata, {{0, -1}}, 1},
};
constexpr int kDeniedFamilies[] = {AF_INET, AF_INET6, AF_PACKET};
constexpr int kWriteFlags[] = {O_WRONLY, O_RDWR, O_CREAT, O_TRUNC};

// The filter: network sockets and io_uring go to the watcher, which
// refuses them; calls that change the file system go to it too, only to be
// seen (the mount namespace refuses them; the watcher lets them continue).
// Returns the listener, or -1 when there is no seccomp.
int apply_seccomp(SetupSteps& steps, bool supervised, bool renames) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) {
    steps.failed("seccomp", "cannot set up a filter");
    return -1;
  }
  int rc = 0;
  for (const auto& w : kWatched) {
    int nr = seccomp_syscall_resolve_name(w.name);
    if (nr == __NR_SCMP_ERROR || nr < 0) continue;  // not on this architecture
    if (w.kind == Watch::Socket) {
      for (int family : kDeniedFamilies)
        rc |= seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1, SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(family)));
    } else if (w.kind == Watch::Write && (std::strcmp(w.name, "open") == 0 || std::strcmp(w.name, "openat") == 0)) {
      // Only the opens that may write: reads stay at full speed.
      int arg = std::strcmp(w.name, "open") == 0 ? 1 : 2;
      for (int flag : kWriteFlags) {
        auto f = static_cast<scmp_datum_t>(flag);
        rc |= seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
                               arg == 1 ? SCMP_A1(SCMP_CMP_MASKED_EQ, f, f) : SCMP_A2(SCMP_CMP_MASKED_EQ, f, f));
      }
    } else {
      rc |= seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
    }
  }
  // --sandbox --root: one filter, one listener (the kernel allows one per
  // chain), for the watched calls and the supervisor's alike; the latter
  // take precedence (supervise() hands the rest to answer_watched()).
  if (supervised && rc == 0) rc = add_supervised_rules(ctx, renames);
  if (rc == 0) rc = seccomp_load(ctx);
  int fd = rc == 0 ? seccomp_notify_fd(ctx) : -1;
  seccomp_release(ctx);
  if (rc != 0 || fd < 0) {
    std::string why = rc != 0 ? std::strerror(-rc) : "no notification listener";
    // --root's records rest on it: never skipped then.
    if (supervised) throw SetupError("seccomp: " + why);
    steps.failed("seccomp", why);
    return -1;
  }
  return fd;
}

// ---- The watcher -------------------------------------------------------------

// A NUL-terminated string of the watched process, read page by page (a
// path may end just before an unmapped page).
bool read_string(pid_t pid, uint64_t address, std::string& out) {
  out.clear();
  if (address == 0) return false;
  const uint64_t page = 4096;
  while (out.size() < 4096) {
    char buffer[4096];
    size_t want = page - (address % page);
    struct iovec local = {buffer, want};
    struct iovec remote = {reinterpret_cast<void*>(address), want};
    ssize_t n = ::process_vm_readv(pid, &local, 1, &remote, 1, 0);
    if (n <= 0) return false;
    const char* end = static_cast<const char*>(std::memchr(buffer, '\0', static_cast<size_t>(n)));
    if (end) {
      out.append(buffer, static_cast<size_t>(end - buffer));
      return true;
    }
    out.append(buffer, static_cast<size_t>(n));
    address += static_cast<uint64_t>(n);
  }
  return false;
}

// True when the object named by (dirfd, path) of process `pid`, or the
// directory it would be made in, lies on a read-only mount: the call fails
// with EROFS, and that is a write outside the writable trees. Looked at
// through /proc/PID/{root,cwd,fd}, which are that process's view.
bool on_read_only_mount(pid_t pid, int dirfd, const std::string& path, bool fd_only) {
  std::string proc = "/proc/" + std::to_string(pid);
  std::string where;
  if (fd_only || path.empty()) where = proc + "/fd/" + std::to_string(dirfd);
  else if (path[0] == '/') where = proc + "/root" + path;
  else if (dirfd == AT_FDCWD) where = proc + "/cwd/" + path;
  else where = proc + "/fd/" + std::to_string(dirfd) + "/" + path;
  struct statvfs st;
  if (::statvfs(where.c_str(), &st) != 0) {
    if (errno != ENOENT && errno != ENOTDIR) return false;
    size_t slash = where.find_last_of('/');
    if (::statvfs(where.substr(0, slash).c_str(), &st) != 0) return false;
  }
  return (st.f_flag & ST_RDONLY) != 0;
}

const char* family_name(int family) {
  switch (family) {
    case AF_INET: return "AF_INET";
    case AF_INET6: return "AF_INET6";
    case AF_PACKET: return "AF_PACKET";
    default: return "socket";
  }
}

void note(SandboxRun& run, Denial kind, const std::string& example) {
  if (run.denials[kind]++ == 0) run.example[kind] = example;
}

}  // namespace

namespace {

const std::map<int, const Watched*>& watched_by_number() {
  static const std::map<int, const Watched*> by_number = [] {
    std::map<int, const Watched*> out;
    for (const auto& w : kWatched) {
      int nr = seccomp_syscall_resolve_name(w.name);
      if (nr != __NR_SCMP_ERROR && nr >= 0) out[nr] = &w;
    }
    return out;
  }();
  return by_number;
}

}  // namespace

bool answer_watched(const struct seccomp_notif& req, struct seccomp_notif_resp& resp, SandboxRun& run) {
  const auto& by_number = watched_by_number();
  auto it = by_number.find(req.data.nr);
  if (it == by_number.end()) return false;
  resp.id = req.id;
  resp.error = 0;
  resp.val = 0;
  resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  const Watched& w = *it->second;
  pid_t pid = static_cast<pid_t>(req.pid);
  if (w.kind == Watch::Socket) {
    resp.flags = 0;
    resp.error = -EACCES;
    note(run, Denial::Network, family_name(static_cast<int>(req.data.args[0])));
  } else if (w.kind == Watch::IoUring) {
    resp.flags = 0;
    resp.error = -EPERM;
    note(run, Denial::IoUring, "io_uring_setup");
  } else {
    bool writes = true;
    if (w.kind == Watch::Openat2) {
      uint64_t flags = 0;
      struct iovec local = {&flags, sizeof flags};
      struct iovec remote = {reinterpret_cast<void*>(req.data.args[2]), sizeof flags};
      writes = ::process_vm_readv(pid, &local, 1, &remote, 1, 0) == sizeof flags &&
               (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
    }
    for (int i = 0; writes && i < w.ntargets; ++i) {
      const Target& t = w.targets[i];
      int dirfd = t.dirfd < 0 ? AT_FDCWD : static_cast<int>(req.data.args[t.dirfd]);
      std::string path;
      bool fd_only = t.path < 0;
      if (!fd_only && !read_string(pid, req.data.args[t.path], path)) {
        if (req.data.args[t.path] != 0) continue;  // unreadable: let the kernel judge
        fd_only = true;                            // utimensat(fd, NULL, ...)
      }
      if (on_read_only_mount(pid, dirfd, path, fd_only)) {
        Denial kind = w.kind == Watch::Metadata ? Denial::MetadataOutside : Denial::WriteOutside;
        note(run, kind, fd_only ? std::string(w.name) + " of an open file" : path);
        break;
      }
    }
  }
  return true;
}

void watch_denials(int listener, SandboxRun& run) {
  struct seccomp_notif* req = nullptr;
  struct seccomp_notif_resp* resp = nullptr;
  if (seccomp_notify_alloc(&req, &resp) != 0) return;
  for (;;) {
    struct pollfd p = {listener, POLLIN, 0};
    if (::poll(&p, 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p.revents & POLLIN) {
      std::memset(req, 0, sizeof *req);
      if (seccomp_notify_receive(listener, req) != 0) continue;  // the caller died meanwhile
      std::memset(resp, 0, sizeof *resp);
      if (!answer_watched(*req, *resp, run)) {
        resp->id = req->id;
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
      }
      seccomp_notify_respond(listener, resp);  // ENOENT: the caller died meanwhile
    }
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) break;
  }
  seccomp_notify_free(req, resp);
}

int confine(const SandboxPolicy& policy, SetupSteps& steps) {
  drop_bounding_set(steps);
  apply_limits(policy.limits, steps);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) steps.failed("no_new_privs", errno);
  apply_landlock(policy, steps);
  int listener = apply_seccomp(steps, policy.supervised, policy.supervised_renames);
  drop_capabilities(steps);
  return listener;
}

int landlock_abi() {
  long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

namespace {
uid_t g_hand_uid;
gid_t g_hand_gid;
int hand_one(const char* path, const struct stat*, int, struct FTW*) {
  return ::lchown(path, g_hand_uid, g_hand_gid) == 0 ? 0 : errno;
}
}  // namespace

void hand_over(const SandboxPolicy& policy) {
  if (!policy.switch_user) return;
  g_hand_uid = policy.uid;
  g_hand_gid = policy.gid;
  for (const auto& tree : policy.namespaces.writable_trees) {
    int rc = ::nftw(tree.c_str(), hand_one, 64, FTW_PHYS | FTW_MOUNT);
    if (rc != 0) throw SetupError("hand '" + tree + "' over to " + policy.user + ": " + std::strerror(rc > 0 ? rc : errno));
  }
  for (const auto& file : policy.namespaces.writable_files)
    if (::lchown(file.c_str(), policy.uid, policy.gid) != 0 && errno != ENOENT)
      throw SetupError(why("hand '" + file + "' over to " + policy.user));
}

SandboxRun run_in_namespaces(const NamespacePolicy& ns, const std::string& exe, const std::vector<std::string>& argv,
                             const std::vector<std::string>& envp, const SuperviseFn& supervise) {
  SandboxRun run;
  // Everything the child needs is built before it starts.
  std::vector<char*> args, env;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : envp) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);
  std::string failed = "stage-run: cannot run '" + (argv.empty() ? exe : argv[0]) + "': ";
  Spawned child;
  try {
    child = spawn_in_namespaces(ns, [&] {
      ::execve(exe.c_str(), args.data(), env.data());
      int err = errno;
      std::string line = failed + std::strerror(err) + "\n";
      ssize_t ignored = ::write(2, line.data(), line.size());
      (void)ignored;
      ::_exit(err == ENOENT ? 127 : 126);
    });
  } catch (const NamespaceError& e) {
    run.setup_error = e.what();
    run.status = 2;
    return run;
  }
  run.unenforced = child.skipped;
  // --root: the supervisor answers its listener (with --sandbox, the one
  // listener of both filters: confine() traps the supervised calls too) and
  // hands the watched calls to answer_watched().
  int listener = child.notify_fd ? child.notify_fd.get() : child.watch_fd.get();
  if (supervise && listener >= 0) {
    supervise(listener, child.pid, [&run](const struct seccomp_notif& req, struct seccomp_notif_resp& resp) {
      return answer_watched(req, resp, run);
    });
  } else if (listener >= 0) {
    watch_denials(listener, run);
  }
  child.notify_fd = UniqueFd();
  child.watch_fd = UniqueFd();
  int status = 0;
  while (::waitpid(child.pid, &status, 0) < 0)
    if (errno != EINTR) break;
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
  return run;
}

namespace {
struct DenialText {
  Denial kind;
  const char* one;
  const char* many;
  const char* key;
  const char* cause;
};
const DenialText kDenialTexts[] = {
    {Denial::WriteOutside, "write outside the writable trees", "writes outside the writable trees", "write-outside",
     "a Makefile that ignores DESTDIR writes to the host (--map PREFIX stages it), or the build writes to $HOME"},
    {Denial::MetadataOutside, "chmod/chown/utimes/xattr outside the writable trees",
     "chmod/chown/utimes/xattr calls outside the writable trees", "metadata-outside",
     "an install step that ignores DESTDIR, or a build touching files outside its directory"},
    {Denial::Network, "network socket", "network sockets", "network",
     "the build downloads something: fetch sources and dependencies before the build"},
    {Denial::IoUring, "io_uring", "io_uring set-ups", "io_uring", "a tool using io_uring (it falls back to plain I/O)"},
};
}  // namespace

std::vector<std::string> describe_denials(const SandboxRun& run) {
  std::vector<std::string> out;
  for (const auto& t : kDenialTexts) {
    auto it = run.denials.find(t.kind);
    if (it == run.denials.end()) continue;
    std::string example = run.example.count(t.kind) ? run.example.at(t.kind) : "";
    out.push_back(std::to_string(it->second) + " " + (it->second == 1 ? t.one : t.many) +
                  (example.empty() ? "" : " (e.g. " + example + ")") + "; usual cause: " + t.cause);
  }
  return out;
}

std::string audit_denials(const SandboxRun& run) {
  std::string out;
  for (const auto& t : kDenialTexts) {
    auto it = run.denials.find(t.kind);
    if (it == run.denials.end()) continue;
    if (!out.empty()) out += "; ";
    out += std::string(t.key) + "=" + std::to_string(it->second);
    if (run.example.count(t.kind)) out += " (" + run.example.at(t.kind) + ")";
  }
  return out;
}

}  // namespace stage
