// namespaces: clone into namespaces, id maps, mounts, seccomp listener (SPEC "stage-run --root").
#include "stage/namespaces.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <fstream>

#include "stage/supervisor.h"

namespace stage {
namespace {

std::string why(int err) { return std::strerror(err); }

/// The first line of a /proc/sys file, or empty.
std::string sysctl(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

/// The usual fix when the kernel refuses a user namespace with `err`.
std::string userns_fix(int err) {
  std::string hint;
  if (sysctl("/proc/sys/user/max_user_namespaces") == "0" || err == ENOSPC)
    return "user.max_user_namespaces is 0 or exhausted (fix: sysctl -w user.max_user_namespaces=15000)";
  if (sysctl("/proc/sys/kernel/unprivileged_userns_clone") == "0")
    return "unprivileged user namespaces are disabled (fix: sysctl -w kernel.unprivileged_userns_clone=1)";
  if (sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1")
    return "AppArmor restricts unprivileged user namespaces (fix: sysctl -w "
           "kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile with 'userns,' for stage-run)";
  if (err == EINVAL) return "the kernel has no user namespaces (CONFIG_USER_NS)";
  return "user namespaces are forbidden here, e.g. by a container's seccomp profile (fix: allow unshare/clone "
         "with CLONE_NEWUSER, e.g. docker --security-opt seccomp=unconfined)";
}

/// Kernel release as (major, minor).
std::pair<int, int> kernel_version() {
  struct utsname u;
  if (::uname(&u) != 0) return {0, 0};
  int major = 0, minor = 0;
  std::sscanf(u.release, "%d.%d", &major, &minor);
  return {major, minor};
}

bool write_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int err = errno;
  ::close(fd);
  errno = err;
  return ok;
}

/// In the child: reports a failed step through the error pipe and ends.
[[noreturn]] void child_fail(int err_fd, const std::string& message) {
  ssize_t ignored = ::write(err_fd, message.data(), message.size());
  (void)ignored;
  ::_exit(126);
}

/// In the child: loads the user-notification filter; returns the listener.
int load_notify_filter(bool in_user_namespace) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) throw NamespaceError("seccomp filter: cannot set up");
  int rc = 0;
  for (uint32_t arch : supervised_arches()) {
    rc = seccomp_arch_add(ctx, arch);
    if (rc == -EEXIST) rc = 0;  // the native one is there from seccomp_init
    if (rc != 0) break;
  }
  for (const auto& name : rc == 0 ? supervised_syscalls() : std::vector<std::string>{}) {
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) continue;  // unknown to this libseccomp
    rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
    if (rc != 0) break;
  }
  // Outside a user namespace an unprivileged filter needs no_new_privs.
  if (rc == 0 && !in_user_namespace && ::geteuid() != 0) rc = ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ? -errno : 0;
  if (rc == 0) rc = seccomp_load(ctx);
  int fd = rc == 0 ? seccomp_notify_fd(ctx) : -1;
  seccomp_release(ctx);
  if (rc != 0) throw NamespaceError("seccomp filter: cannot load: " + why(-rc));
  if (fd < 0) throw NamespaceError("seccomp filter: no user-notification listener (needs Linux 5.0 or later)");
  return fd;
}

void send_fd(int sock, int fd) {
  if (!send_message(sock, 'F', "", fd))
    throw NamespaceError("seccomp filter: cannot hand the listener over: " + why(errno));
}

int receive_fd(int sock) {
  char kind;
  std::string text;
  int fd = -1;
  return receive_message(sock, kind, text, fd) && kind == 'F' ? fd : -1;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

/// In the child: makes `capture.prefix` show `capture.stage_dir`.
void capture_prefix(const NamespacePolicy::Capture& capture, const std::string& scratch, size_t index) {
  if (!exists(capture.prefix)) {
    // The nearest ancestor that exists gets a read-only overlay whose top
    // layer holds only the missing directories: nothing on the host
    // changes, and the rest of the ancestor stays as it is.
    std::string ancestor = capture.prefix;
    do ancestor = ancestor.substr(0, std::max<size_t>(ancestor.rfind('/'), 1));
    while (!exists(ancestor) && ancestor != "/");
    if (ancestor == "/")
      throw NamespaceError("union capture: cannot make '" + capture.prefix + "' appear: '/' is not overlaid");
    if (scratch.empty()) throw NamespaceError("union capture: no scratch directory for '" + capture.prefix + "'");
    std::string skeleton = scratch + "/skeleton" + std::to_string(index);
    std::string missing = skeleton + capture.prefix.substr(ancestor.size());
    for (size_t i = scratch.size() + 1; i <= missing.size(); ++i)
      if (i == missing.size() || missing[i] == '/')
        if (::mkdir(missing.substr(0, i).c_str(), 0755) != 0 && errno != EEXIST)
          throw NamespaceError("union capture: cannot make '" + missing.substr(0, i) + "': " + why(errno));
    std::string options = "lowerdir=" + skeleton + ":" + ancestor;
    if (options.find(',') != std::string::npos)
      throw NamespaceError("union capture: a ',' in '" + options + "' cannot be passed to overlayfs");
    if (::mount("overlay", ancestor.c_str(), "overlay", MS_RDONLY, options.c_str()) != 0)
      throw NamespaceError("union capture: overlay on '" + ancestor + "' to make '" + capture.prefix +
                           "' appear: " + why(errno) + " (unprivileged overlayfs needs Linux 5.11)");
  }
  if (::mount(capture.stage_dir.c_str(), capture.prefix.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
    throw NamespaceError("union capture: bind '" + capture.stage_dir + "' on '" + capture.prefix + "': " + why(errno));
}

/// The child's steps after the parent wrote its id maps.
[[noreturn]] void child_steps(const NamespacePolicy& policy, const std::function<void()>& exec_child, int go_fd,
                              int sock, int err_fd) {
  char go = 0;
  ssize_t n;
  do n = ::read(go_fd, &go, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) ::_exit(126);  // the parent reports why
  try {
    if (policy.user_root) {
      // The maps exist now; become the namespace's root for real (the
      // capabilities of a fresh user namespace belong to its uid 0).
      if (::setresgid(0, 0, 0) != 0) throw NamespaceError("user namespace: setresgid(0): " + why(errno));
      if (::setresuid(0, 0, 0) != 0) throw NamespaceError("user namespace: setresuid(0): " + why(errno));
    }
    if (policy.mount) {
      if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        throw NamespaceError("mount namespace: cannot make mounts private: " + why(errno));
      for (const auto& b : policy.binds) {
        if (::mount(b.source.c_str(), b.target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
          throw NamespaceError("bind mount: '" + b.source + "' on '" + b.target + "': " + why(errno));
        if (b.read_only &&
            ::mount(nullptr, b.target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, nullptr) != 0)
          throw NamespaceError("bind mount: read-only '" + b.target + "': " + why(errno));
      }
      for (size_t i = 0; i < policy.captures.size(); ++i) capture_prefix(policy.captures[i], policy.scratch_dir, i);
    }
    if (!policy.hostname.empty() &&
        ::sethostname(policy.hostname.data(), policy.hostname.size()) != 0)
      throw NamespaceError("UTS namespace: cannot set the host name: " + why(errno));
    if (policy.supervise) {
      int listener = load_notify_filter(policy.user_root);
      send_fd(sock, listener);
      ::close(listener);
    }
    ::close(sock);
    if (policy.before_exec) policy.before_exec();
  } catch (const std::exception& e) {
    child_fail(err_fd, e.what());
  }
  exec_child();
  ::_exit(127);
}

}  // namespace

void check_namespace_support(const NamespacePolicy& policy) {
  if (policy.user_root) {
    if (sysctl("/proc/sys/user/max_user_namespaces") == "0")
      throw NamespaceError("user namespace: " + userns_fix(ENOSPC));
    if (::geteuid() != 0 && sysctl("/proc/sys/kernel/unprivileged_userns_clone") == "0")
      throw NamespaceError("user namespace: " + userns_fix(EPERM));
  }
  if (policy.supervise) {
    // SECCOMP_GET_NOTIF_SIZES exists from Linux 5.0 on, with user notification;
    // the supervisor lets unstaged calls continue (SECCOMP_USER_NOTIF_FLAG_CONTINUE, 5.5).
    struct seccomp_notif_sizes sizes;
    if (::syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0)
      throw NamespaceError("seccomp user notification: not available (needs Linux 5.5 or later with "
                           "CONFIG_SECCOMP_FILTER): " + why(errno));
    auto [major, minor] = kernel_version();
    if (major < 5 || (major == 5 && minor < 5))
      throw NamespaceError("seccomp user notification: Linux " + std::to_string(major) + "." + std::to_string(minor) +
                           " lacks SECCOMP_USER_NOTIF_FLAG_CONTINUE (needs 5.5 or later)");
  }
}

Spawned spawn_in_namespaces(const NamespacePolicy& policy, const std::function<void()>& exec_child) {
  check_namespace_support(policy);
  int go[2], err[2], sock[2];
  if (::pipe2(go, O_CLOEXEC) != 0) throw NamespaceError("set-up: pipe: " + why(errno));
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(go[0]), ::close(go[1]);
    throw NamespaceError("set-up: pipe: " + why(errno));
  }
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) != 0) {
    for (int fd : {go[0], go[1], err[0], err[1]}) ::close(fd);
    throw NamespaceError("set-up: socketpair: " + why(errno));
  }
  UniqueFd go_read(go[0]), go_write(go[1]), err_read(err[0]), err_write(err[1]), sock_parent(sock[0]),
      sock_child(sock[1]);

  unsigned long flags = SIGCHLD;
  if (policy.user_root) flags |= CLONE_NEWUSER;
  if (policy.mount) flags |= CLONE_NEWNS;
  if (policy.pid) flags |= CLONE_NEWPID;
  if (!policy.hostname.empty()) flags |= CLONE_NEWUTS;
  if (policy.net) flags |= CLONE_NEWNET;
  uid_t uid = ::geteuid();
  gid_t gid = ::getegid();

  // Step 1: the child, in its namespaces (fork semantics: no new stack).
  pid_t pid = static_cast<pid_t>(::syscall(SYS_clone, flags, nullptr, nullptr, nullptr, 0));
  if (pid < 0) {
    int e = errno;
    std::string what = policy.user_root ? "user namespace: " + userns_fix(e) : "namespaces";
    throw NamespaceError(what + " (clone: " + why(e) + ")");
  }
  if (pid == 0) {
    go_write = UniqueFd();
    err_read = UniqueFd();
    sock_parent = UniqueFd();
    child_steps(policy, exec_child, go_read.get(), sock_child.get(), err_write.get());
  }
  go_read = UniqueFd();
  err_write = UniqueFd();
  sock_child = UniqueFd();
  auto fail = [&](const std::string& message) -> NamespaceError {
    ::kill(pid, SIGKILL);
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return NamespaceError(message);
  };

  // Step 2: the id maps, written by the parent (the child's uid 0 is the caller).
  if (policy.user_root) {
    std::string proc = "/proc/" + std::to_string(pid);
    uid_t out_uid = policy.outside_uid.value_or(uid);
    gid_t out_gid = policy.outside_gid.value_or(gid);
    if (!write_file(proc + "/setgroups", "deny") && errno != ENOENT)
      throw fail("user namespace: cannot deny setgroups: " + why(errno));
    if (!write_file(proc + "/uid_map", "0 " + std::to_string(out_uid) + " 1\n"))
      throw fail("user namespace: cannot write the uid map: " + why(errno) + "; " + userns_fix(errno));
    if (!write_file(proc + "/gid_map", "0 " + std::to_string(out_gid) + " 1\n"))
      throw fail("user namespace: cannot write the gid map: " + why(errno) + "; " + userns_fix(errno));
  }
  char byte = 'g';
  if (::write(go_write.get(), &byte, 1) != 1) throw fail("set-up: cannot start the child: " + why(errno));
  go_write = UniqueFd();

  Spawned out;
  out.pid = pid;
  // Step 3: the listener, then the child's verdict: EOF on the error pipe
  // (closed by exec) means every step passed.
  if (policy.supervise) out.notify_fd = UniqueFd(receive_fd(sock_parent.get()));
  std::string message;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(err_read.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    message.append(buf, static_cast<size_t>(n));
  }
  if (!message.empty()) throw fail(message);
  if (policy.supervise && !out.notify_fd) throw fail("seccomp filter: the child ended before handing over its listener");
  return out;
}

// ---- --sandbox (issue 12) -------------------------------------------------

void SetupSteps::failed(std::string_view step, int err) { failed(step, std::string_view(std::strerror(err))); }

void SetupSteps::failed(std::string_view step, std::string_view reason) {
  std::string text = std::string(step) + ": " + std::string(reason);
  if (!best_effort_) throw SetupError(text);
  skipped_.push_back(text);
}

bool SetupSteps::was_skipped(std::string_view step) const {
  for (const auto& s : skipped_)
    if (s.size() > step.size() && s.compare(0, step.size(), step) == 0 && s[step.size()] == ':') return true;
  return false;
}

namespace {

bool try_unshare(int flag, const char* step, SetupSteps& steps) {
  if (::unshare(flag) == 0) return true;
  steps.failed(step, errno);
  return false;
}

// A fresh network namespace has only `lo`, and it is down.
bool loopback_up() {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return false;
  struct ifreq ifr = {};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  bool ok = ::ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
  if (ok) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    ok = ::ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
  }
  int saved = errno;
  ::close(s);
  errno = saved;
  return ok;
}

// The exit status a waiting process passes on: the child's code, or 128+N
// for a signal N (an init cannot die of the same signal itself).
[[noreturn]] void exit_like(int status) {
  ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1);
}

[[noreturn]] void wait_and_exit(pid_t child) {
  int status = 0;
  while (::waitpid(child, &status, 0) < 0)
    if (errno != EINTR) ::_exit(125);
  exit_like(status);
}

// PID 1 of the namespace: reaps orphans until the command ends; its own end
// then makes the kernel kill (and reap) everything left in the namespace
// before our parent's waitpid() returns.
[[noreturn]] void reap_until(pid_t command) {
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, 0);
    if (pid == command) exit_like(status);
    if (pid < 0 && errno != EINTR) ::_exit(125);
  }
}

bool is_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Makes `path` exist (as a directory, or an empty file) to mount on; inside a
// tmpfs of ours (private /tmp, a hidden home) its parents may be missing.
void make_mountpoint(const std::string& path, bool dir) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) return;
  for (size_t i = 1; i < path.size(); ++i) {
    if (path[i] != '/') continue;
    std::string parent = path.substr(0, i);
    if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST)
      throw SetupError("mount point '" + parent + "': " + std::strerror(errno));
  }
  int rc = dir ? ::mkdir(path.c_str(), 0755) : ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (rc < 0) throw SetupError("mount point '" + path + "': " + std::strerror(errno));
  if (!dir) ::close(rc);
}

// A detached copy of the mounts at `path` (and below, when recursive).
int clone_tree(const std::string& path, bool recursive) {
  return static_cast<int>(::syscall(SYS_open_tree, AT_FDCWD, path.c_str(),
                                    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0)));
}

bool set_read_only(int tree) {
  struct mount_attr attr = {};
  attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
  return ::syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) == 0;
}

bool attach(int tree, const std::string& where) {
  return ::syscall(SYS_move_mount, tree, "", AT_FDCWD, where.c_str(), MOVE_MOUNT_F_EMPTY_PATH) == 0;
}

bool mount_tmpfs(const std::string& where, const char* mode, unsigned long flags = 0) {
  std::string options = std::string("mode=") + mode;
  return ::mount("tmpfs", where.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | flags, options.c_str()) == 0;
}

bool remount_read_only(const std::string& where) {
  return ::mount(nullptr, where.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) ==
         0;
}

struct Clone {
  std::string path;
  int fd;
  bool dir;
};

std::vector<Clone> clone_all(const std::vector<std::string>& paths, bool dirs, bool read_only) {
  std::vector<std::string> sorted = paths;
  // Parents first: a tree inside another is bound over it.
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
  std::vector<Clone> out;
  for (const auto& p : sorted) {
    int fd = clone_tree(p, dirs);
    if (fd < 0) throw SetupError("bind '" + p + "': " + std::strerror(errno));
    if (read_only && !set_read_only(fd)) throw SetupError("bind '" + p + "' read-only: " + std::strerror(errno));
    struct stat st;
    bool dir = ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    out.push_back({p, fd, dir});
  }
  return out;
}

void attach_all(const std::vector<Clone>& clones) {
  for (const auto& c : clones) {
    make_mountpoint(c.path, c.dir);
    if (!attach(c.fd, c.path)) throw SetupError("bind '" + c.path + "': " + std::strerror(errno));
    ::close(c.fd);
  }
}

// The mount namespace's view: the host read-only, the build's trees
// writable, private temp directories, a minimal /dev, a fresh /proc, homes
// and secrets hidden. Runs as PID 1 of the new PID namespace (for /proc).
void setup_mounts(const SandboxView& policy, SetupSteps& steps, bool fresh_proc) {
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    steps.failed("private mounts", errno);
    return;  // without it our mounts would reach the host
  }
  // Every bind source is cloned before the first mount hides it (the build
  // directory may lie in the host's /tmp).
  auto writable = clone_all(policy.writable_trees, true, false);
  auto files = clone_all(policy.writable_files, false, false);
  auto readable = clone_all(policy.readable, true, true);
  auto devices = clone_all(policy.dev_nodes, false, false);

  int host = clone_tree("/", true);
  bool pivoted = false;
  if (host < 0) {
    steps.failed("read-only host", errno);
  } else if (!set_read_only(host)) {
    steps.failed("read-only host", errno);
    ::close(host);
  } else {
    // The read-only copy becomes the root: attach it on this namespace's
    // /tmp, make it / and drop the old root.
    if (!attach(host, "/tmp")) throw SetupError(std::string("read-only host: ") + std::strerror(errno));
    ::close(host);
    if (::chdir("/tmp") != 0 || ::syscall(SYS_pivot_root, ".", ".") != 0 || ::umount2(".", MNT_DETACH) != 0 ||
        ::chdir("/") != 0)
      throw SetupError(std::string("pivot_root: ") + std::strerror(errno));
    pivoted = true;
  }
  (void)pivoted;

  if (fresh_proc && ::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    steps.failed("/proc of the PID namespace", errno);

  for (const auto& dir : policy.private_dirs)
    if (is_dir(dir) && !mount_tmpfs(dir, "1777")) steps.failed("private " + dir, errno);

  bool dev = false;
  if (!policy.dev_nodes.empty()) {
    dev = mount_tmpfs("/dev", "0755");
    if (!dev) steps.failed("minimal /dev", errno);
  }
  if (dev) {
    attach_all(devices);
    for (const auto& [name, target] : {std::pair{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
                                       {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}})
      if (::symlink(target, (std::string("/dev/") + name).c_str()) != 0)
        throw SetupError(std::string("minimal /dev: ") + std::strerror(errno));
    if (::mkdir("/dev/shm", 01777) != 0 || !mount_tmpfs("/dev/shm", "1777"))
      throw SetupError(std::string("minimal /dev: /dev/shm: ") + std::strerror(errno));
  } else {
    for (const auto& c : devices) ::close(c.fd);
  }

  std::vector<std::string> hidden;
  for (const auto& h : policy.hidden) {
    if (!is_dir(h)) continue;
    if (!mount_tmpfs(h, "0755")) steps.failed("hide " + h, errno);
    else hidden.push_back(h);
  }
  attach_all(writable);
  attach_all(files);
  for (const auto& s : policy.secrets)
    if (is_dir(s) && !mount_tmpfs(s, "0755", MS_RDONLY)) steps.failed("hide " + s, errno);
  attach_all(readable);
  // The tmpfs that hide, and /dev, took the mount points above; now no one
  // may create anything in them.
  for (const auto& h : hidden)
    if (!remount_read_only(h)) steps.failed("hide " + h, errno);
  if (dev && !remount_read_only("/dev")) steps.failed("minimal /dev", errno);
}

}  // namespace

void enter_namespaces(const SandboxView& policy, SetupSteps& steps, const std::vector<int>& close_fds) {
  uid_t uid = ::geteuid();
  gid_t gid = ::getegid();
  // The user namespace first: it owns the others, and gives capabilities
  // over them only. The caller's ids map to themselves.
  if (try_unshare(CLONE_NEWUSER, "user namespace", steps)) {
    if (!write_file("/proc/self/setgroups", "deny") && errno != ENOENT) steps.failed("id maps", errno);
    if (!write_file("/proc/self/uid_map", std::to_string(uid) + " " + std::to_string(uid) + " 1\n") ||
        !write_file("/proc/self/gid_map", std::to_string(gid) + " " + std::to_string(gid) + " 1\n"))
      steps.failed("id maps", errno);
  }
  bool mnt = try_unshare(CLONE_NEWNS, "mount namespace", steps);
  bool pid = try_unshare(CLONE_NEWPID, "PID namespace", steps);
  bool net = try_unshare(CLONE_NEWNET, "network namespace", steps);
  bool uts = try_unshare(CLONE_NEWUTS, "UTS namespace", steps);
  try_unshare(CLONE_NEWIPC, "IPC namespace", steps);
  if (net && !loopback_up()) steps.failed("loopback", errno);
  // Never without a UTS namespace of our own: that would rename the host.
  if (uts) {
    if (::sethostname(policy.hostname.data(), policy.hostname.size()) != 0 || ::setdomainname("(none)", 6) != 0)
      steps.failed("host name", errno);
  }

  pid_t init = ::fork();
  if (init < 0) throw SetupError(std::string("fork: ") + std::strerror(errno));
  if (init > 0) {
    for (int fd : close_fds) ::close(fd);
    wait_and_exit(init);
  }
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // A session of its own: kill(0) and the terminal's signals stay inside.
  ::setsid();
  if (!pid) ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  if (mnt) setup_mounts(policy, steps, pid);
  if (!policy.workdir.empty() && ::chdir(policy.workdir.c_str()) != 0)
    throw SetupError("working directory '" + policy.workdir + "': " + std::strerror(errno));

  pid_t command = ::fork();
  if (command < 0) throw SetupError(std::string("fork: ") + std::strerror(errno));
  if (command > 0) {
    for (int fd : close_fds) ::close(fd);
    reap_until(command);
  }
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
}

bool send_message(int sock, char kind, const std::string& text, int fd) {
  std::string body = kind + text;
  struct iovec iov = {body.data(), body.size()};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  ssize_t n;
  while ((n = ::sendmsg(sock, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
  }
  return n == static_cast<ssize_t>(body.size());
}

bool receive_message(int sock, char& kind, std::string& text, int& fd) {
  char buffer[8192];
  struct iovec iov = {buffer, sizeof buffer};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  while ((n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  if (n <= 0) return false;
  kind = buffer[0];
  text.assign(buffer + 1, static_cast<size_t>(n - 1));
  fd = -1;
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return true;
}

}  // namespace stage
