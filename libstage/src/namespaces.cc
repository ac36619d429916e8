// namespaces: clone into namespaces, id maps, mounts, seccomp listener (SPEC "stage-run --root").
#include "stage/namespaces.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
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
  for (int nr : supervised_syscalls()) {
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
  char byte = 'F';
  struct iovec iov = {&byte, 1};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  struct cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cm), &fd, sizeof fd);
  if (::sendmsg(sock, &msg, 0) != 1) throw NamespaceError("seccomp filter: cannot hand the listener over: " + why(errno));
}

int receive_fd(int sock) {
  char byte;
  struct iovec iov = {&byte, 1};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n != 1) return -1;
  struct cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  if (!cm || cm->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  std::memcpy(&fd, CMSG_DATA(cm), sizeof fd);
  return fd;
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

}  // namespace stage
