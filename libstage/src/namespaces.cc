// namespaces: the one set-up sequence of --root and --sandbox: plan, user switch, namespaces, id maps, mounts, union capture, listeners (SPEC "stage-run").
#include "stage/namespaces.h"

#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/xattr.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include <algorithm>
#include <cerrno>
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

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool is_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// ---- Processes --------------------------------------------------------------

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

// ---- Capabilities and the user ------------------------------------------------

void drop_bounding_set() {
  for (int cap = 0; cap <= 63; ++cap) {
    if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0) break;  // past the last capability this kernel knows
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
      throw NamespaceError("empty capability bounding set: " + why(errno));
  }
}

// Never skipped, whatever the mode: a build that stays root is no sandbox.
void become_user(const NamespacePolicy::User& user) {
  drop_bounding_set();
  if (::setgroups(0, nullptr) != 0 || ::setresgid(user.gid, user.gid, user.gid) != 0 ||
      ::setresuid(user.uid, user.uid, user.uid) != 0)
    throw NamespaceError("switch to user " + user.name + ": " + why(errno));
  uid_t r, e, s;
  if (::getresuid(&r, &e, &s) != 0 || r != user.uid || e != user.uid || s != user.uid)
    throw NamespaceError("switch to user " + user.name + ": still privileged");
  // The switch made us undumpable, which leaves /proc/self (uid_map) to root.
  ::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

// ---- seccomp ------------------------------------------------------------------

/// Loads the user-notification filter of the recorded calls; returns the listener.
int load_notify_filter(bool capture) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) throw NamespaceError("seccomp filter: cannot set up");
  int rc = add_supervised_rules(ctx, capture);
  // Without CAP_SYS_ADMIN (a confined command dropped it) a filter needs no_new_privs.
  if (rc == 0) rc = seccomp_load(ctx);
  if (rc == -EACCES && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0) rc = seccomp_load(ctx);
  int fd = rc == 0 ? seccomp_notify_fd(ctx) : -1;
  seccomp_release(ctx);
  if (rc != 0) throw NamespaceError("seccomp filter: cannot load: " + why(-rc));
  if (fd < 0) throw NamespaceError("seccomp filter: no user-notification listener (needs Linux 5.0 or later)");
  return fd;
}

// ---- Mounts -------------------------------------------------------------------

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

// Makes `path` exist (as a directory, or an empty file) to mount on; inside a
// tmpfs of ours (private /tmp, a hidden home) its parents may be missing.
void make_mountpoint(const std::string& path, bool dir) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) return;
  for (size_t i = 1; i < path.size(); ++i) {
    if (path[i] != '/') continue;
    std::string parent = path.substr(0, i);
    if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST)
      throw NamespaceError("mount point '" + parent + "': " + why(errno));
  }
  int rc = dir ? ::mkdir(path.c_str(), 0755) : ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (rc < 0) throw NamespaceError("mount point '" + path + "': " + why(errno));
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
    if (fd < 0) throw NamespaceError("bind '" + p + "': " + why(errno));
    if (read_only && !set_read_only(fd)) throw NamespaceError("bind '" + p + "' read-only: " + why(errno));
    out.push_back({p, fd, is_dir(p)});
  }
  return out;
}

void attach_all(std::vector<Clone>& clones) {
  for (auto& c : clones) {
    make_mountpoint(c.path, c.dir);
    if (!attach(c.fd, c.path)) throw NamespaceError("bind '" + c.path + "': " + why(errno));
    ::close(c.fd);
    c.fd = -1;
  }
}

void close_all(std::vector<Clone>& clones) {
  for (auto& c : clones)
    if (c.fd >= 0) ::close(c.fd), c.fd = -1;
}

void make_dirs(const std::string& path, size_t from) {
  for (size_t i = from; i <= path.size(); ++i)
    if (i == path.size() || path[i] == '/')
      if (::mkdir(path.substr(0, i).c_str(), 0755) != 0 && errno != EEXIST)
        throw NamespaceError("union capture: cannot make '" + path.substr(0, i) + "': " + why(errno));
}

/// Makes `capture.prefix` show the host's prefix with the stage's directory
/// as its writable top layer (or, where the host has no such prefix, the
/// stage's directory alone), and the stage's path show the same.
void capture_prefix(const NamespacePolicy::Capture& capture, const std::string& upper, const std::string& scratch,
                    size_t index, bool user_namespace) {
  if (scratch.empty()) throw NamespaceError("union capture: no scratch directory for '" + capture.prefix + "'");
  if (!exists(capture.prefix)) {
    // The nearest ancestor that exists gets a read-only overlay whose top
    // layer holds only the missing directories: nothing on the host
    // changes, and the rest of the ancestor stays as it is.
    std::string ancestor = capture.prefix;
    do ancestor = ancestor.substr(0, std::max<size_t>(ancestor.rfind('/'), 1));
    while (!exists(ancestor) && ancestor != "/");
    if (ancestor == "/")
      throw NamespaceError("union capture: cannot make '" + capture.prefix + "' appear: '/' is not overlaid");
    std::string skeleton = scratch + "/skeleton" + std::to_string(index);
    make_dirs(skeleton + capture.prefix.substr(ancestor.size()), scratch.size() + 1);
    std::string options = "lowerdir=" + skeleton + ":" + ancestor;
    if (options.find(',') != std::string::npos)
      throw NamespaceError("union capture: a ',' in '" + options + "' cannot be passed to overlayfs");
    if (::mount("overlay", ancestor.c_str(), "overlay", MS_RDONLY, options.c_str()) != 0)
      throw NamespaceError("union capture: overlay on '" + ancestor + "' to make '" + capture.prefix +
                           "' appear: " + why(errno) + " (unprivileged overlayfs needs Linux 5.11)");
    // Nothing of the host's to layer: the stage's directory is the prefix.
    if (::mount(capture.stage_dir.c_str(), capture.prefix.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
      throw NamespaceError("union capture: bind '" + capture.stage_dir + "' on '" + capture.prefix + "': " + why(errno));
    return;
  }
  // The host's prefix below, the stage above: a build sees the host's files,
  // its writes land in the stage, and a deletion of a host file leaves a
  // whiteout in the stage instead of touching the host. The overlay's work
  // directory lies beside the stage, on its file system, never in it.
  std::string work = scratch + "/work" + std::to_string(index);
  make_dirs(work, scratch.size() + 1);
  std::string options = "lowerdir=" + capture.prefix + ",upperdir=" + upper + ",workdir=" + work;
  // In a user namespace the trusted.overlay.* xattrs are out of reach.
  if (user_namespace) options += ",userxattr";
  for (const std::string* p : {&capture.prefix, &upper, static_cast<const std::string*>(&work)})
    if (p->find_first_of(",:\\") != std::string::npos)
      throw NamespaceError("union capture: '" + *p + "' holds a ',', ':' or '\\', which overlayfs options cannot carry");
  if (::mount("overlay", capture.prefix.c_str(), "overlay", 0, options.c_str()) != 0)
    throw NamespaceError("union capture: overlay of '" + capture.stage_dir + "' on '" + capture.prefix +
                         "': " + why(errno) + " (unprivileged overlayfs needs Linux 5.11)");
  // The drop-ins write the stage's path: the same overlay there keeps one view.
  if (::mount(capture.prefix.c_str(), capture.stage_dir.c_str(), nullptr, MS_BIND, nullptr) != 0)
    throw NamespaceError("union capture: bind '" + capture.prefix + "' on '" + capture.stage_dir + "': " + why(errno));
}

// ---- The sequence -------------------------------------------------------------

/// The state the steps hand on to each other, in the child.
struct Run {
  Run(const NamespacePolicy& p, int channel) : policy(p), steps(p.best_effort), sock(channel) {}
  const NamespacePolicy& policy;
  SetupSteps steps;
  int sock;
  bool user_ns = false, mount_ns = false, pid_ns = false, net_ns = false, uts_ns = false;
  bool private_mounts = false, dev = false;
  int layers = -1;  // union capture in the view: a clone of the stage's parent (the overlays' layers)
  uid_t outside_uid = 0;
  gid_t outside_gid = 0;
  std::vector<Clone> writable, files, readable, devices;
  std::vector<std::string> hidden;
};

bool try_unshare(Run& r, int flag, const std::string& name) {
  if (::unshare(flag) == 0) return true;
  int e = errno;
  if (flag == CLONE_NEWUSER) {
    r.steps.failed(name, why(e) + "; " + userns_fix(e));
    return false;
  }
  r.steps.failed(name, e);
  return false;
}

// Forks; the parent closes its end of the channel and becomes `waiter`
// (which never returns); the child goes on, and dies with its parent.
void fork_below(Run& r, const std::string& step, void (*waiter)(pid_t)) {
  pid_t child = ::fork();
  if (child < 0) throw NamespaceError(step + ": " + why(errno));
  if (child > 0) {
    ::close(r.sock);
    waiter(child);
  }
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
}

void send_listener(int sock, const char* which, int fd) {
  bool sent = send_message(sock, 'F', which, fd);
  int e = errno;
  ::close(fd);
  if (!sent) throw NamespaceError(std::string("seccomp filter: cannot hand the ") + which + " listener over: " + why(e));
}

void run_step(Run& r, const PlannedStep& s) {
  const NamespacePolicy& p = r.policy;
  const SandboxView* view = p.view ? &*p.view : nullptr;
  switch (s.step) {
    case Step::BecomeUser: become_user(*p.become); break;
    case Step::UserNamespace:
      // Inside, until the maps exist, our ids read as the overflow id.
      r.outside_uid = ::geteuid();
      r.outside_gid = ::getegid();
      r.user_ns = try_unshare(r, CLONE_NEWUSER, s.name);
      break;
    case Step::IdMaps: {
      if (!r.user_ns) break;
      // The ns's creator may map its own ids, once, with setgroups denied.
      std::string uid = std::to_string(r.outside_uid), gid = std::to_string(r.outside_gid);
      std::string inside_uid = p.map_root ? "0" : uid, inside_gid = p.map_root ? "0" : gid;
      auto refused = [&](const char* what) {
        int e = errno;  // before anything else reads a file
        return NamespaceError(s.name + ": cannot write the " + what + ": " + why(e));
      };
      if (!write_file("/proc/self/setgroups", "deny") && errno != ENOENT) throw refused("setgroups file");
      if (!write_file("/proc/self/uid_map", inside_uid + " " + uid + " 1\n")) throw refused("uid map");
      if (!write_file("/proc/self/gid_map", inside_gid + " " + gid + " 1\n")) throw refused("gid map");
      break;
    }
    case Step::MountNamespace: r.mount_ns = try_unshare(r, CLONE_NEWNS, s.name); break;
    case Step::PidNamespace: r.pid_ns = try_unshare(r, CLONE_NEWPID, s.name); break;
    case Step::NetworkNamespace: r.net_ns = try_unshare(r, CLONE_NEWNET, s.name); break;
    case Step::UtsNamespace: r.uts_ns = try_unshare(r, CLONE_NEWUTS, s.name); break;
    case Step::IpcNamespace: try_unshare(r, CLONE_NEWIPC, s.name); break;
    case Step::Loopback:
      if (r.net_ns && !loopback_up()) r.steps.failed(s.name, errno);
      break;
    case Step::HostName:
      // Never without a UTS namespace of our own: that would rename the host.
      if (r.uts_ns && (::sethostname(p.hostname.data(), p.hostname.size()) != 0 || ::setdomainname("(none)", 6) != 0))
        r.steps.failed(s.name, errno);
      break;
    case Step::ForkInit: {
      fork_below(r, s.name, wait_and_exit);
      // A session of its own: kill(0) and the terminal's signals stay inside.
      ::setsid();
      if (!r.pid_ns) ::prctl(PR_SET_CHILD_SUBREAPER, 1);
      break;
    }
    case Step::PrivateMounts:
      if (!r.mount_ns) break;
      if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        r.steps.failed(s.name, errno);  // without it our mounts would reach the host
        break;
      }
      r.private_mounts = true;
      // Every bind source is cloned before the first mount hides it (the
      // build directory may lie in the host's /tmp).
      if (view && !p.captures.empty() && !p.scratch_dir.empty()) {
        std::string parent = p.scratch_dir.substr(0, std::max<size_t>(p.scratch_dir.rfind('/'), 1));
        r.layers = clone_tree(parent, true);
        if (r.layers < 0) throw NamespaceError(s.name + ": clone of '" + parent + "': " + why(errno));
      }
      if (view) {
        r.writable = clone_all(view->writable_trees, true, false);
        r.files = clone_all(view->writable_files, false, false);
        r.readable = clone_all(view->readable, true, true);
        r.devices = clone_all(view->dev_nodes, false, false);
      }
      break;
    case Step::ReadOnlyHost: {
      if (!r.private_mounts) break;
      int host = clone_tree("/", true);
      if (host < 0) {
        r.steps.failed(s.name, errno);
      } else if (!set_read_only(host)) {
        r.steps.failed(s.name, errno);
        ::close(host);
      } else {
        // The read-only copy becomes the root: attach it on this
        // namespace's /tmp, make it / and drop the old root.
        if (!attach(host, "/tmp")) throw NamespaceError(s.name + ": " + why(errno));
        ::close(host);
        if (::chdir("/tmp") != 0 || ::syscall(SYS_pivot_root, ".", ".") != 0 || ::umount2(".", MNT_DETACH) != 0 ||
            ::chdir("/") != 0)
          throw NamespaceError(s.name + ": pivot_root: " + why(errno));
      }
      break;
    }
    case Step::FreshProc:
      if (r.private_mounts && r.pid_ns && ::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
        r.steps.failed(s.name, errno);
      break;
    case Step::PrivateDirs:
      if (!r.private_mounts) break;
      for (const auto& dir : view->private_dirs)
        if (is_dir(dir) && !mount_tmpfs(dir, "1777")) r.steps.failed("private " + dir, errno);
      break;
    case Step::MinimalDev:
      if (!r.private_mounts) break;
      r.dev = mount_tmpfs("/dev", "0755");
      if (!r.dev) {
        r.steps.failed(s.name, errno);
        close_all(r.devices);
        break;
      }
      attach_all(r.devices);
      for (const auto& [name, target] : {std::pair{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
                                         {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}})
        if (::symlink(target, (std::string("/dev/") + name).c_str()) != 0)
          throw NamespaceError(s.name + ": " + why(errno));
      if (::mkdir("/dev/shm", 01777) != 0 || !mount_tmpfs("/dev/shm", "1777"))
        throw NamespaceError(s.name + ": /dev/shm: " + why(errno));
      break;
    case Step::HideHomes:
      if (!r.private_mounts) break;
      for (const auto& h : view->hidden) {
        if (!is_dir(h)) continue;
        if (!mount_tmpfs(h, "0755")) r.steps.failed("hide " + h, errno);
        else r.hidden.push_back(h);
      }
      break;
    case Step::WritableTrees:
      if (!r.private_mounts) {
        close_all(r.writable), close_all(r.files);
        break;
      }
      attach_all(r.writable);
      attach_all(r.files);
      break;
    case Step::Captures: {
      if (!r.private_mounts) throw NamespaceError(s.name + ": needs a mount namespace of its own");
      if (r.layers < 0) {
        for (size_t i = 0; i < p.captures.size(); ++i)
          capture_prefix(p.captures[i], p.captures[i].stage_dir, p.scratch_dir, i, r.user_ns);
        break;
      }
      // In the sandbox's view the stage and the scratch directory are binds
      // of their own, but overlayfs wants its upper and work directories on
      // one mount: the clone of their common parent, taken before the view,
      // serves for the set-up on the scratch directory's path, then goes.
      std::string parent = p.scratch_dir.substr(0, p.scratch_dir.rfind('/'));
      std::string via = p.scratch_dir + p.scratch_dir.substr(parent.size());
      if (!attach(r.layers, p.scratch_dir)) throw NamespaceError(s.name + ": " + why(errno));
      ::close(r.layers);
      r.layers = -1;
      for (size_t i = 0; i < p.captures.size(); ++i) {
        const auto& c = p.captures[i];
        std::string upper = p.scratch_dir + c.stage_dir.substr(parent.size());
        capture_prefix(c, upper, via, i, r.user_ns);
      }
      if (::umount2(p.scratch_dir.c_str(), MNT_DETACH) != 0) throw NamespaceError(s.name + ": " + why(errno));
      break;
    }
    case Step::Secrets:
      if (!r.private_mounts) break;
      for (const auto& secret : view->secrets)
        if (is_dir(secret) && !mount_tmpfs(secret, "0755", MS_RDONLY)) r.steps.failed("hide " + secret, errno);
      break;
    case Step::Readable:
      if (!r.private_mounts) {
        close_all(r.readable);
        break;
      }
      attach_all(r.readable);
      break;
    case Step::SealMounts:
      // The tmpfs that hide, and /dev, took the mount points above; now no
      // one may create anything in them.
      for (const auto& h : r.hidden)
        if (!remount_read_only(h)) r.steps.failed("hide " + h, errno);
      if (r.dev && !remount_read_only("/dev")) r.steps.failed("minimal /dev", errno);
      break;
    case Step::WorkingDirectory:
      if (::chdir(p.workdir.c_str()) != 0) throw NamespaceError(s.name + " '" + p.workdir + "': " + why(errno));
      break;
    case Step::ForkCommand:
      fork_below(r, s.name, reap_until);
      break;
    case Step::Confine: {
      int listener = p.confine(r.steps);
      if (listener >= 0) send_listener(r.sock, "watch", listener);
      break;
    }
    case Step::SupervisorFilter: send_listener(r.sock, "supervise", load_notify_filter(p.supervise_renames)); break;
    case Step::Exec:
      break;  // child_steps() runs it: it reports the steps skipped on the way
  }
}

[[noreturn]] void child_steps(const NamespacePolicy& policy, const std::vector<PlannedStep>& plan,
                              const std::function<void()>& exec_child, int sock) {
  Run r(policy, sock);
  for (const auto& s : plan) {
    if (s.step == Step::Exec) {
      for (const auto& skipped : r.steps.skipped()) send_message(sock, 'W', skipped);
      exec_child();
      ::_exit(127);
    }
    try {
      SetupSteps strict(false);
      // A step that may not be skipped fails closed even best-effort.
      if (!s.skippable && policy.best_effort) {
        std::swap(r.steps, strict);
        try {
          run_step(r, s);
        } catch (...) {
          std::swap(r.steps, strict);
          throw;
        }
        std::swap(r.steps, strict);
      } else {
        run_step(r, s);
      }
    } catch (const std::exception& e) {
      std::string text = e.what();
      // Name the step when its own message does not.
      if (text.rfind(s.name, 0) != 0 && s.step != Step::Confine) text = s.name + ": " + text;
      send_message(sock, 'E', text);
      ::_exit(125);
    }
  }
  ::_exit(127);  // the plan ends with Exec
}

}  // namespace

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

std::vector<PlannedStep> plan_steps(const NamespacePolicy& p) {
  std::vector<PlannedStep> out;
  auto add = [&](Step step, std::string name, bool skippable) { out.push_back({step, std::move(name), skippable}); };
  bool mount = p.mount || p.view || !p.captures.empty();
  // --root rests on its user namespace and on union capture: never skipped.
  bool essential_user = p.map_root || p.supervise;
  if (p.become) add(Step::BecomeUser, "switch to user " + p.become->name, false);
  if (p.user) {
    add(Step::UserNamespace, "user namespace", !essential_user);
    add(Step::IdMaps, "id maps", false);
  }
  if (mount) add(Step::MountNamespace, "mount namespace", p.captures.empty());
  if (p.pid) add(Step::PidNamespace, "PID namespace", true);
  if (p.net) add(Step::NetworkNamespace, "network namespace", true);
  if (!p.hostname.empty()) add(Step::UtsNamespace, "UTS namespace", true);
  if (p.ipc) add(Step::IpcNamespace, "IPC namespace", true);
  if (p.net) add(Step::Loopback, "loopback", true);
  if (!p.hostname.empty()) add(Step::HostName, "host name", true);
  // The init forks before the mounts: /proc must be the new PID namespace's.
  if (p.pid) add(Step::ForkInit, "fork", false);
  if (mount) add(Step::PrivateMounts, "private mounts", p.captures.empty());
  if (p.view) {
    add(Step::ReadOnlyHost, "read-only host", true);
    if (p.pid) add(Step::FreshProc, "/proc of the PID namespace", true);
    add(Step::PrivateDirs, "private temporary directories", true);
    if (!p.view->dev_nodes.empty()) add(Step::MinimalDev, "minimal /dev", true);
    add(Step::HideHomes, "hide homes", true);
    add(Step::WritableTrees, "bind", false);
  }
  // After the writable trees: the stage (the overlays' upper layers) is one.
  if (!p.captures.empty()) add(Step::Captures, "union capture", false);
  if (p.view) {
    add(Step::Secrets, "hide secrets", true);
    add(Step::Readable, "allow read", false);
    add(Step::SealMounts, "seal mounts", true);
  }
  if (!p.workdir.empty()) add(Step::WorkingDirectory, "working directory", false);
  if (p.pid) add(Step::ForkCommand, "fork", false);
  if (p.confine) add(Step::Confine, "confine", true);
  // Last: its listener answers nothing until the caller supervises, after exec.
  if (p.supervise) add(Step::SupervisorFilter, "seccomp filter", false);
  add(Step::Exec, "exec", false);
  return out;
}

void check_namespace_support(const NamespacePolicy& policy) {
  if (policy.user && !policy.best_effort) {
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
  std::vector<PlannedStep> plan = plan_steps(policy);
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    throw NamespaceError("set-up: socketpair: " + why(errno));
  UniqueFd ours(sv[0]), theirs(sv[1]);
  pid_t pid = ::fork();
  if (pid < 0) throw NamespaceError("set-up: fork: " + why(errno));
  if (pid == 0) {
    ours = UniqueFd();
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    child_steps(policy, plan, exec_child, theirs.release());
  }
  theirs = UniqueFd();
  // The child's reports until the command is exec'd (its end of the channel
  // is close-on-exec; the processes above it close theirs).
  Spawned out;
  out.pid = pid;
  std::string error;
  char kind;
  std::string text;
  int fd;
  while (receive_message(ours.get(), kind, text, fd)) {
    if (kind == 'W') out.skipped.push_back(text);
    else if (kind == 'E') error = text;
    else if (kind == 'F' && fd >= 0 && text == "supervise") out.notify_fd = UniqueFd(fd);
    else if (kind == 'F' && fd >= 0 && text == "watch") out.watch_fd = UniqueFd(fd);
    else if (fd >= 0) ::close(fd);
  }
  if (error.empty() && policy.supervise && !out.notify_fd)
    error = "seccomp filter: the child ended before handing over its listener";
  if (!error.empty()) {
    ::kill(pid, SIGKILL);
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    throw NamespaceError(error);
  }
  return out;
}

bool is_whiteout(const struct stat& st) { return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0); }

std::string NamespacePolicy::Mirrored::identity_of(const std::string& path) {
  struct statx st;
  if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_BTIME, &st) != 0) return {};
  std::string id = std::to_string(st.stx_dev_major) + ":" + std::to_string(st.stx_dev_minor) + ":" +
                   std::to_string(st.stx_ino);
  if (st.stx_mask & STATX_BTIME)
    id += "@" + std::to_string(st.stx_btime.tv_sec) + "." + std::to_string(st.stx_btime.tv_nsec);
  return id;
}

bool is_opaque_dir(const std::string& path) {
  for (const char* name : {"user.overlay.opaque", "trusted.overlay.opaque"}) {
    char value[2];
    if (::lgetxattr(path.c_str(), name, value, sizeof value) == 1 && value[0] == 'y') return true;
  }
  return false;
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
