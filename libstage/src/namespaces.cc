// namespaces: user, mount, PID, network, UTS and IPC namespaces of a confined build, step by step (bubblewrap's order).
#include "stage/namespaces.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace stage {

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

bool write_file(const char* path, const std::string& text) {
  int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

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
void setup_mounts(const NamespacePolicy& policy, SetupSteps& steps, bool fresh_proc) {
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

void enter_namespaces(const NamespacePolicy& policy, SetupSteps& steps, const std::vector<int>& close_fds) {
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

}  // namespace stage
