// supervisor: seccomp user notifications of --root, recorded through a Session.
#include "stage/supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <sys/stat.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>

#include "stage/diag.h"
#include "stage/file_caps.h"
#include "stage/mode.h"
#include "stage/path_map.h"
#include "stage/view_move.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

namespace stage {
namespace {
constexpr std::string_view kAccessAclXattrName = "system.posix_acl_access";
}  // namespace

std::vector<std::string> supervised_syscalls() {
  return {"chown",     "fchown",      "fchownat",     "lchown",      "chown32",  "fchown32",    "lchown32",
          "chmod",     "fchmod",      "fchmodat",     "fchmodat2",   "mknod",    "mknodat",     "setxattr",
          "lsetxattr", "fsetxattr",   "removexattr",  "lremovexattr", "fremovexattr"};
  // Not setxattrat/removexattrat (Linux 6.13): Debian 12's libseccomp 2.5.4
  // does not know them (README "What --root does not do").
}

std::vector<std::string> capture_syscalls() { return {"rename", "renameat", "renameat2"}; }

std::vector<uint32_t> supervised_arches() {
  std::vector<uint32_t> arches{SCMP_ARCH_NATIVE};
#if defined(__x86_64__)
  arches.push_back(SCMP_ARCH_X86);
  arches.push_back(SCMP_ARCH_X32);
#endif
  return arches;
}

int add_supervised_rules(void* seccomp_filter, bool capture) {
  auto ctx = static_cast<scmp_filter_ctx>(seccomp_filter);
  int rc = 0;
  for (uint32_t arch : supervised_arches()) {
    rc = seccomp_arch_add(ctx, arch);
    if (rc == -EEXIST) rc = 0;  // the native one is there from seccomp_init
    if (rc != 0) return rc;
  }
  auto names = supervised_syscalls();
  if (capture) for (auto& name : capture_syscalls()) names.push_back(name);
  for (const auto& name : names) {
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) continue;  // unknown to this libseccomp
    rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
    if (rc != 0) return rc;
  }
  return 0;
}

bool is_supervised(const struct seccomp_notif& req) {
  for (const auto& list : {supervised_syscalls(), capture_syscalls()})
    for (const auto& name : list)
      if (seccomp_syscall_resolve_name_arch(req.data.arch, name.c_str()) == req.data.nr) return true;
  return false;
}

RenameRoute rename_route(mode_t host_mode, mode_t stage_mode, unsigned flags) {
  constexpr unsigned kNoReplace = 1, kExchange = 2;  // RENAME_NOREPLACE, RENAME_EXCHANGE
  if (flags & ~(kNoReplace | kExchange)) return RenameRoute::Kernel;  // RENAME_WHITEOUT, unknown: the kernel's
  bool exchange = flags & kExchange;
  // A host directory, alone or merged with the stage's: overlayfs without
  // redirect_dir answers EXDEV, and mv's copy would lose owners and modes.
  if (S_ISDIR(host_mode) && (stage_mode == 0 || S_ISDIR(stage_mode)))
    return exchange ? RenameRoute::Exdev : RenameRoute::Tree;
  if (stage_mode != 0 || !(S_ISREG(host_mode) || S_ISLNK(host_mode))) return RenameRoute::Kernel;
  return exchange ? RenameRoute::Exdev : RenameRoute::Copy;
}

namespace {

std::optional<std::string> read_link(const std::string& path) {
  std::string buf(4096, '\0');
  ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
  if (n <= 0 || static_cast<size_t>(n) >= buf.size()) return std::nullopt;
  buf.resize(static_cast<size_t>(n));
  return buf;
}

/// A NUL-terminated string at `addr` in the caller's memory (at most PATH_MAX).
std::optional<std::string> read_string(int mem_fd, uint64_t addr) {
  std::string out;
  char buf[256];
  while (out.size() < 4096) {
    // Never read across a page end in one go: the next page may be unmapped.
    size_t room = 4096 - (addr % 4096);
    size_t want = std::min(sizeof buf, room);
    ssize_t n = ::pread(mem_fd, buf, want, static_cast<off_t>(addr));
    if (n <= 0) return std::nullopt;
    const char* nul = static_cast<const char*>(std::memchr(buf, '\0', static_cast<size_t>(n)));
    if (nul) return out.append(buf, static_cast<size_t>(nul - buf));
    out.append(buf, static_cast<size_t>(n));
    addr += static_cast<uint64_t>(n);
  }
  return std::nullopt;
}

/// `size` bytes at `addr` in the caller's memory.
std::optional<std::string> read_bytes(int mem_fd, uint64_t addr, size_t size) {
  std::string out(size, '\0');
  if (size == 0) return out;
  ssize_t n = ::pread(mem_fd, out.data(), size, static_cast<off_t>(addr));
  if (n != static_cast<ssize_t>(size)) return std::nullopt;
  return out;
}

/// The name of system call `nr` of audit architecture `arch` (x32 calls come
/// as x86-64's with bit 30 set); empty when libseccomp does not know it.
std::string syscall_name(uint32_t arch, int nr) {
#if defined(__x86_64__)
  constexpr int kX32Bit = 0x40000000;
  if (arch == SCMP_ARCH_X86_64 && (nr & kX32Bit)) arch = SCMP_ARCH_X32;
#endif
  char* name = seccomp_syscall_resolve_num_arch(arch, nr);
  std::string out = name ? name : "";
  std::free(name);
  return out;
}

/// The caller's umask (from /proc/PID/status; 022 when unreadable).
mode_t caller_umask(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
  return 022;
}

std::string caller_comm(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string line;
  std::getline(in, line);
  return line.empty() ? "?" : line;
}

Principal principal_of(IdDatabase& db, uint32_t id) {
  Principal p;
  p.id = id;
  if (auto name = db.name_of(id)) p.name = *name;
  return p;
}

/// Commits the session's queued records; false when the commit failed (its
/// message printed). Each trapped call is a run of its own: diag's failure
/// mark from an earlier call must not decide this one's answer.
bool committed(Session& session) {
  diag::reset_status();
  return session.finish() == 0;
}

/// Decodes a notification into a call; nullopt: let the kernel do it.
std::optional<TrappedCall> decode(const struct seccomp_notif& req, int mem_fd) {
  const auto* a = req.data.args;
  pid_t pid = static_cast<pid_t>(req.pid);
  const std::string nr = syscall_name(req.data.arch, req.data.nr);
  TrappedCall call;
  int dirfd = AT_FDCWD;
  std::optional<std::string> name;  // the path argument; empty for fd-based calls
  auto str = [&](uint64_t addr) { return read_string(mem_fd, addr); };
  // i386's chown, lchown and fchown are the old 16-bit ones (glibc calls
  // the *32 ones): their "unchanged" is 0xffff.
  bool ids16 = req.data.arch == SCMP_ARCH_X86 && (nr == "chown" || nr == "lchown" || nr == "fchown");
  auto ids = [&](uint64_t u, uint64_t g) {
    call.kind = TrappedCall::Kind::Chown;
    uint32_t mask = ids16 ? 0xffff : 0xffffffff;
    uint32_t uid = static_cast<uint32_t>(u) & mask, gid = static_cast<uint32_t>(g) & mask;
    if (uid != mask) call.uid = uid;
    if (gid != mask) call.gid = gid;
  };
  auto at_empty_ok = [&](uint64_t flags) { return !(name && name->empty() && !(flags & AT_EMPTY_PATH)); };
  if (nr == "chown" || nr == "chown32") {
    name = str(a[0]), ids(a[1], a[2]);
  } else if (nr == "lchown" || nr == "lchown32") {
    name = str(a[0]), ids(a[1], a[2]), call.follow = false;
  } else if (nr == "fchown" || nr == "fchown32") {
    dirfd = static_cast<int>(a[0]), name = "", ids(a[1], a[2]);
  } else if (nr == "fchownat") {
    dirfd = static_cast<int>(a[0]);
    name = str(a[1]);
    ids(a[2], a[3]);
    if (a[4] & AT_SYMLINK_NOFOLLOW) call.follow = false;
    if (!at_empty_ok(a[4])) return std::nullopt;  // ENOENT from the kernel
  } else if (nr == "chmod") {
    name = str(a[0]), call.kind = TrappedCall::Kind::Chmod, call.mode = a[1] & 07777;
  } else if (nr == "fchmod") {
    dirfd = static_cast<int>(a[0]), name = "", call.kind = TrappedCall::Kind::Chmod, call.mode = a[1] & 07777;
  } else if (nr == "fchmodat" || nr == "fchmodat2") {
    dirfd = static_cast<int>(a[0]);
    name = str(a[1]);
    call.kind = TrappedCall::Kind::Chmod;
    call.mode = a[2] & 07777;
    if (nr == "fchmodat2") {
      if (a[3] & AT_SYMLINK_NOFOLLOW) call.follow = false;
      if (!at_empty_ok(a[3])) return std::nullopt;
    } else if (name && name->empty()) {
      return std::nullopt;
    }
  } else if (nr == "mknod" || nr == "mknodat") {
    bool at = nr == "mknodat";
    if (at) dirfd = static_cast<int>(a[0]);
    name = str(a[at ? 1 : 0]);
    mode_t mode = static_cast<mode_t>(a[at ? 2 : 1]);
    mode_t type = mode & S_IFMT;
    if (type != S_IFCHR && type != S_IFBLK && type != S_IFIFO) return std::nullopt;
    call.kind = TrappedCall::Kind::Mknod;
    call.follow = false;
    call.mode = type | (mode & 07777 & ~caller_umask(pid));
    call.rdev = static_cast<uint32_t>(a[at ? 3 : 2]);
    if (name && name->empty()) return std::nullopt;
  } else if (nr == "setxattr" || nr == "lsetxattr" || nr == "fsetxattr" || nr == "removexattr" ||
             nr == "lremovexattr" || nr == "fremovexattr") {
    // Only security.capability is ours, and a minimal access ACL (a chmod
    // in disguise: cp -a's and mv's way to set a mode); every other
    // attribute goes on.
    auto attr = str(a[1]);
    bool set = nr.find("set") != std::string::npos;
    bool acl = set && attr && *attr == kAccessAclXattrName;
    if (!attr || (*attr != kCapsXattrName && !acl)) return std::nullopt;
    if (nr[0] == 'f') dirfd = static_cast<int>(a[0]), name = "";
    else name = str(a[0]);
    if (nr[0] == 'l') call.follow = false;
    if (acl) {
      // A minimal ACL is 28 bytes; anything else is the kernel's.
      size_t size = static_cast<size_t>(a[3]);
      auto value = size == 28 ? read_bytes(mem_fd, a[2], size) : std::nullopt;
      auto mode = value ? minimal_acl_mode(*value) : std::nullopt;
      if (!mode) return std::nullopt;
      call.kind = TrappedCall::Kind::SetAclMode;
      call.mode = *mode;
    } else if (set) {
      call.kind = TrappedCall::Kind::SetCaps;
      // No valid value is longer than 24 bytes: a longer one is refused
      // (EINVAL) after reading only its start.
      size_t size = static_cast<size_t>(a[3]);
      auto value = read_bytes(mem_fd, a[2], std::min<size_t>(size, 64));
      if (!value) return std::nullopt;  // EFAULT from the kernel
      call.value = *value;
      if (size > 64) call.value.push_back('\0');
      call.xattr_flags = static_cast<int>(a[4]);
    } else {
      call.kind = TrappedCall::Kind::RemoveCaps;
    }
  } else if (nr == "rename" || nr == "renameat" || nr == "renameat2") {
    bool at = nr != "rename";
    int newdirfd = at ? static_cast<int>(a[2]) : AT_FDCWD;
    if (at) dirfd = static_cast<int>(a[0]);
    name = str(a[at ? 1 : 0]);
    auto newname = str(a[at ? 3 : 1]);
    if (!name || !newname || name->empty() || newname->empty()) return std::nullopt;
    auto root = read_link("/proc/" + std::to_string(pid) + "/root");
    if (!root || *root != "/") return std::nullopt;  // a chrooted caller: the kernel's
    auto target = caller_path(pid, newdirfd, *newname);
    if (!target) return std::nullopt;
    call.kind = TrappedCall::Kind::Rename;
    call.follow = false;
    call.target = *target;
    call.rename_flags = nr == "renameat2" ? static_cast<unsigned>(a[4]) : 0;
    call.view = "/proc/" + std::to_string(pid) + "/root";
  } else {
    return std::nullopt;
  }
  if (!name) return std::nullopt;
  auto path = caller_path(pid, dirfd, *name);
  if (!path) return std::nullopt;
  call.path = *path;
  call.tool = caller_comm(pid);
  return call;
}


}  // namespace

std::optional<std::string> caller_path(pid_t pid, int dirfd, const std::string& path) {
  std::string proc = "/proc/" + std::to_string(pid);
  if (path.empty()) {
    if (dirfd == AT_FDCWD) return read_link(proc + "/cwd");
    auto p = read_link(proc + "/fd/" + std::to_string(dirfd));
    if (!p || p->empty() || (*p)[0] != '/' || p->ends_with(" (deleted)")) return std::nullopt;
    return p;
  }
  if (path[0] == '/') {
    // glibc's lchmod and fchmodat(AT_SYMLINK_NOFOLLOW) (Python's
    // os.chmod(follow_symlinks=False), coreutils' mknod -m) chmod
    // "/proc/self/fd/N" of an O_PATH descriptor: the file that descriptor
    // names. gnulib's *at emulation (GNU tar's setxattr of a file below
    // its -C directory) names "/proc/self/fd/N/REST": REST below it.
    std::string folded = lexical_fold(path);
    for (const char* self : {"/proc/self/fd/", "/proc/thread-self/fd/"}) {
      if (folded.rfind(self, 0) != 0) continue;
      std::string rest = folded.substr(std::strlen(self));
      size_t slash = rest.find('/');
      std::string fd = rest.substr(0, slash);
      if (fd.empty() || fd.size() > 9 || fd.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
      auto base = caller_path(pid, std::stoi(fd), "");
      if (!base || slash == std::string::npos) return base;
      return lexical_absolute(rest.substr(slash + 1), *base);
    }
    auto root = read_link(proc + "/root");
    if (!root) return std::nullopt;
    return lexical_fold(*root == "/" ? path : *root + path);
  }
  auto base = read_link(dirfd == AT_FDCWD ? proc + "/cwd" : proc + "/fd/" + std::to_string(dirfd));
  if (!base || base->empty() || (*base)[0] != '/' || base->ends_with(" (deleted)")) return std::nullopt;
  return lexical_absolute(path, *base);
}

namespace {

/// The fsuid and fsgid of a process, from its /proc/PID/status.
std::optional<std::pair<uid_t, gid_t>> caller_fs_ids(const std::string& status) {
  std::ifstream in(status);
  std::string line;
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  while (std::getline(in, line)) {
    bool u = line.rfind("Uid:", 0) == 0, g = line.rfind("Gid:", 0) == 0;
    if (!u && !g) continue;
    std::istringstream fields(line.substr(4));
    unsigned long real, eff, saved, fs;
    if (!(fields >> real >> eff >> saved >> fs)) return std::nullopt;
    if (u) uid = static_cast<uid_t>(fs);
    else gid = static_cast<gid_t>(fs);
  }
  if (!uid || !gid) return std::nullopt;
  return std::make_pair(*uid, *gid);
}

/// Copies the lower-only `source` to `target` through the caller's view
/// (`view` + path), then unlinks the source there (the overlay leaves a
/// whiteout); 0 or an errno. The copy gets the source's content (or link
/// target), its permission bits and times.
int copy_then_unlink(const std::string& view, const TrappedCall& call, const struct stat& host) {
  std::string from = view + call.path, to = view + call.target;
  std::string dir = to.substr(0, to.rfind('/'));
  std::string tmp = dir + "/.stage-tmp." + std::to_string(::getpid()) + "." + std::to_string(host.st_ino);
  if (int err = copy_host_object(from, tmp, host)) return err;
  unsigned flags = call.rename_flags & 1;  // RENAME_NOREPLACE: the kernel's EEXIST
  int rc = flags ? static_cast<int>(::syscall(SYS_renameat2, AT_FDCWD, tmp.c_str(), AT_FDCWD, to.c_str(), flags))
                 : ::rename(tmp.c_str(), to.c_str());
  if (rc != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return err;
  }
  if (::unlink(from.c_str()) != 0) {
    int err = errno;
    ::unlink(to.c_str());
    return err;
  }
  return 0;
}

/// Runs `work` with the caller's file-system ids (from `view`'s
/// /proc/PID/status) when the supervisor is root: an owner the overlay's
/// user namespace cannot name (a root supervisor's 0 under --sandbox
/// --root) would be EOVERFLOW again.
int as_caller(const std::string& view, const std::function<int()>& work) {
  auto ids = caller_fs_ids(view.substr(0, view.rfind('/')) + "/status");
  bool switched = ids && ::geteuid() == 0 && ids->first != 0;
  if (switched) ::setfsgid(ids->second), ::setfsuid(ids->first);
  int err = work();
  if (switched) ::setfsuid(0), ::setfsgid(0);
  return err;
}

/// The entry recorded for a host object the supervisor moved into the
/// stage at `place`: as a root install's mv leaves it, the host object's
/// owner, group and mode (a symlink's target from the stage).
std::optional<Entry> host_entry(Session& session, const Place& place, const struct stat& host, const std::string& tool) {
  struct stat st;
  if (place.error || ::fstatat(place.dirfd, place.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return std::nullopt;
  Entry e = entry_for(place.logical, st, S_ISLNK(st.st_mode) ? 0777 : host.st_mode & 07777,
                      principal_of(session.users(), host.st_uid), principal_of(session.groups(), host.st_gid));
  if (e.type == EntryType::Symlink) {
    std::string text(4096, '\0');
    ssize_t n = ::readlinkat(place.dirfd, place.name.c_str(), text.data(), text.size());
    if (n < 0) return std::nullopt;
    text.resize(static_cast<size_t>(n));
    e.target = text;
  }
  e.tool = tool;
  return e;
}

/// The captured prefix `path` lies strictly below, or empty.
std::string capture_of(const Config& config, const std::string& path) {
  std::string best;
  for (const auto& p : config.map)
    if (p != "/" && path != p && path_within(path, p) && p.size() > best.size()) best = p;
  return best;
}

/// A host directory renamed under capture (RenameRoute::Tree): moved
/// through the caller's view, its records moved, its host entries recorded.
Answer move_directory(Session& session, const TrappedCall& call, const Place& source, const Place& target) {
  Answer pass, done;
  done.let_kernel_do_it = false;
  // Both ends below the same captured prefix (one overlay), else the kernel's EXDEV.
  std::string prefix = capture_of(session.config(), source.logical);
  if (prefix.empty() || capture_of(session.config(), target.logical) != prefix) return pass;
  if (path_within(target.logical, source.logical)) return done.error = EINVAL, done;  // into itself
  auto stage_mode = [&](const std::string& logical) -> mode_t {
    Place p = session.place(logical, false);
    struct stat st;
    if (!p.staged || p.error || ::fstatat(p.dirfd, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return 0;
    return st.st_mode;
  };
  std::vector<TreeItem> plan;
  if (int err = as_caller(call.view, [&] { return plan_tree_move(call.view, source.logical, stage_mode, plan); }))
    return done.error = err, done;
  // A directory keeps its record (the build's mode and owner), else it is the host's.
  std::vector<std::optional<Entry>> recorded(plan.size());
  for (size_t i = 0; i < plan.size(); ++i) {
    if (plan[i].step != TreeStep::Descend) continue;
    recorded[i] = session.lookup(source.logical + plan[i].rel);
    if (recorded[i] && recorded[i]->type != EntryType::Dir) recorded[i].reset();
    plan[i].disk_mode = disk_mode_for(recorded[i] ? recorded[i]->mode : plan[i].host.st_mode & 07777, true);
  }
  bool in_place = false;
  int err = as_caller(call.view, [&] {
    return move_tree(call.view, source.logical, target.logical, call.rename_flags, plan, in_place);
  });
  if (!in_place) return done.error = err, done;
  // One transaction: the stage's records follow their entries, the host's
  // entries are recorded as a root install's mv leaves them.
  session.move_records(source.logical, target.logical);
  for (size_t i = 0; i < plan.size(); ++i) {
    const TreeItem& item = plan[i];
    if (item.step == TreeStep::Rename || (item.step == TreeStep::Descend && recorded[i])) continue;
    Place at = session.place(target.logical + item.rel, false);
    if (auto e = host_entry(session, at, item.host, call.tool)) session.record(std::move(*e));
  }
  if (!committed(session)) return done.error = EIO, done;
  // The new tree is in place; a failed removal of the old name is the caller's to see.
  return done.error = err, done;
}

}  // namespace

Answer handle_call(Session& session, const TrappedCall& call) {
  Answer pass;  // let the kernel do it
  if (!session.active()) return pass;
  if (call.kind == TrappedCall::Kind::Rename) {
    if (call.view.empty() || call.path == call.target) return pass;
    Place place = session.place(call.path, false);
    Place target = session.place(call.target, false);
    if (!place.staged || !target.staged) return pass;
    // A parent the stage lacks (ENOENT) is the host's alone: the overlay
    // copies it up when the view writes below it.
    if ((place.error && place.error != ENOENT) || (target.error && target.error != ENOENT)) return pass;
    struct stat st, host;
    mode_t stage_mode = 0;
    if (!place.error && ::fstatat(place.dirfd, place.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) stage_mode = st.st_mode;
    else if (!place.error && errno != ENOENT) return pass;
    // The host's object (the overlay's lower layer) is at the logical path.
    mode_t host_mode = ::lstat(place.logical.c_str(), &host) == 0 ? host.st_mode : 0;
    Answer done;
    done.let_kernel_do_it = false;
    RenameRoute route = rename_route(host_mode, stage_mode, call.rename_flags);
    if (route == RenameRoute::Kernel) return pass;
    if (route == RenameRoute::Exdev) return done.error = EXDEV, done;
    // Is the source really there for the caller (not already deleted in its view)?
    struct stat seen;
    if (::lstat((call.view + call.path).c_str(), &seen) != 0) return pass;
    if (route == RenameRoute::Tree) return move_directory(session, call, place, target);
    int err = as_caller(call.view, [&] { return copy_then_unlink(call.view, call, host); });
    if (err) return done.error = err, done;
    auto e = host_entry(session, session.place(target.logical, false), host, call.tool);
    if (!e) return done.error = EIO, done;
    session.record(std::move(*e));
    if (!committed(session)) return done.error = EIO, done;
    return done;
  }
  Place place = session.place(call.path, call.follow);
  if (!place.staged || place.error) return pass;
  struct stat st;
  bool exists = ::fstatat(place.dirfd, place.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;

  Answer done;
  done.let_kernel_do_it = false;
  if (call.kind == TrappedCall::Kind::Mknod) {
    if (exists) return done.error = EEXIST, done;
    mode_t type = call.mode & S_IFMT;
    int rc;
    if (type == S_IFIFO) {
      rc = ::mkfifoat(place.dirfd, place.name.c_str(), disk_mode_for(call.mode, false));
    } else {
      // The device itself needs host privilege; an empty file holds its place.
      rc = ::openat(place.dirfd, place.name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                    disk_mode_for(call.mode, false));
      if (rc >= 0) rc = ::close(rc);
    }
    if (rc != 0) return done.error = errno, done;
    if (::fstatat(place.dirfd, place.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return done.error = errno, done;
    ::fchmodat(place.dirfd, place.name.c_str(), disk_mode_for(call.mode, false), 0);
    Entry e = entry_for(place.logical, st, call.mode & 07777, session.default_owner(), session.default_group());
    e.type = type == S_IFCHR ? EntryType::CharDevice : type == S_IFBLK ? EntryType::BlockDevice : EntryType::Fifo;
    e.size.reset();
    e.rdev = call.rdev;
    e.tool = call.tool;
    session.record(std::move(e));
    if (!committed(session)) return done.error = EIO, done;
    return done;
  }
  // Not in the stage: the caller sees the host's file (no union capture), so
  // the kernel answers as it would.
  if (!exists) return pass;
  if (call.kind == TrappedCall::Kind::SetCaps || call.kind == TrappedCall::Kind::RemoveCaps) {
    // Packages give capabilities to programs; on anything else the kernel decides.
    if (!S_ISREG(st.st_mode)) return pass;
    Entry e = session.current_entry(place, st);
    bool has = e.caps && caps_still_apply(*e.caps, st);
    if (call.kind == TrappedCall::Kind::SetCaps) {
      auto value = normalise_caps_xattr(call.value);
      if (!value) return done.error = EINVAL, done;
      if ((call.xattr_flags & XATTR_CREATE) && has) return done.error = EEXIST, done;
      if ((call.xattr_flags & XATTR_REPLACE) && !has) return done.error = ENODATA, done;
      e.caps = FileCaps{*value, disk_identity(st)};
    } else {
      if (!has) return done.error = ENODATA, done;
      e.caps.reset();
    }
    e.tool = call.tool;
    session.record_change(std::move(e), Store::kCaps, st.st_nlink > 1);
    if (!committed(session)) return done.error = EIO, done;
    return done;
  }
  Entry e = session.current_entry(place, st);
  unsigned fields = 0;  // only what this call changes: a concurrent tool's change of the rest survives
  if (call.kind == TrappedCall::Kind::Chown) {
    if (call.uid) e.owner = principal_of(session.users(), *call.uid), fields |= Store::kOwner;
    if (call.gid) e.group = principal_of(session.groups(), *call.gid), fields |= Store::kGroup;
    // As Linux does for root too (chown_common), even chown(f, -1, -1); the drop-ins' chown shares the rule.
    if (mode_t mode = mode_after_chown(e.mode, e.type == EntryType::Dir); mode != e.mode) e.mode = mode, fields |= Store::kMode;
    if (fields == 0) fields = Store::kOwner;  // chown(f, -1, -1): nothing to write but the record itself
  } else {
    // chmod of a symlink itself is not supported by Linux (nor an ACL on one).
    if (S_ISLNK(st.st_mode)) return pass;
    // A minimal ACL sets the permission bits and keeps setuid, setgid and
    // sticky, as the kernel's posix_acl_update_mode does for root.
    e.mode = call.kind == TrappedCall::Kind::SetAclMode ? (e.mode & 07000) | (call.mode & 0777) : call.mode & 07777;
    if (::fchmodat(place.dirfd, place.name.c_str(), disk_mode_for(e.mode, S_ISDIR(st.st_mode)), 0) != 0)
      return done.error = errno, done;
    if (::fstatat(place.dirfd, place.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      e.disk = disk_identity(st);
      if (e.type == EntryType::File || e.type == EntryType::Hardlink) e.size = static_cast<uint64_t>(st.st_size);
    }
    e.sha256.clear();  // a digest is trusted only for the identity it was computed on
    fields = Store::kMode | Store::kDisk;
  }
  e.tool = call.tool;
  session.record_change(std::move(e), fields);
  if (!committed(session)) return done.error = EIO, done;
  return done;
}

SupervisorStats supervise(int notify_fd, const Config& config, const std::string& dropin_exe, pid_t child,
                          const NotifyHandler& other) {
  SupervisorStats stats;
  struct seccomp_notif* req = nullptr;
  struct seccomp_notif_resp* resp = nullptr;
  if (seccomp_notify_alloc(&req, &resp) != 0) return stats;
  int child_fd = static_cast<int>(::syscall(SYS_pidfd_open, child, 0));
  for (;;) {
    struct pollfd fds[2] = {{notify_fd, POLLIN, 0}, {child_fd, POLLIN, 0}};
    int n = ::poll(fds, child_fd >= 0 ? 2 : 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents & POLLIN) {
      std::memset(req, 0, sizeof *req);
      if (seccomp_notify_receive(notify_fd, req) != 0) continue;  // the caller died meanwhile (ENOENT), EINTR
      if (other && !is_supervised(*req)) {
        std::memset(resp, 0, sizeof *resp);
        resp->id = req->id;
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        other(*req, *resp);
        seccomp_notify_respond(notify_fd, resp);  // ENOENT: the caller is gone
        continue;
      }
      pid_t pid = static_cast<pid_t>(req->pid);
      Answer answer;
      std::string proc = "/proc/" + std::to_string(pid);
      auto exe = read_link(proc + "/exe");
      // The drop-ins record what they change themselves; their calls pass.
      if (!(exe && *exe == dropin_exe)) {
        int mem_fd = ::open((proc + "/mem").c_str(), O_RDONLY | O_CLOEXEC);
        std::optional<TrappedCall> call;
        if (mem_fd >= 0) {
          call = decode(*req, mem_fd);
          ::close(mem_fd);
        }
        // The pid may have died and been reused while we read its memory
        // and /proc entries: only a still-pending notification is trusted.
        // A rename is the supervisor's only below a captured prefix (at
        // its place, or where the same overlay appears in the stage).
        if (call && call->kind == TrappedCall::Kind::Rename &&
            std::none_of(config.map.begin(), config.map.end(), [&](const std::string& p) {
              return p != "/" && (path_within(call->path, p) || path_within(call->path, config.destdir + p));
            }))
          call.reset();
        if (call && seccomp_notify_id_valid(notify_fd, req->id) == 0) {
          try {
            Session session(config);
            answer = handle_call(session, *call);
          } catch (const std::exception&) {
            answer.let_kernel_do_it = false;
            answer.error = EIO;
          }
        }
      }
      std::memset(resp, 0, sizeof *resp);
      resp->id = req->id;
      if (answer.let_kernel_do_it) {
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        ++stats.passed;
        // The kernel judges it; `other` (--sandbox's watcher) may count it
        // as a denial, and lets it continue all the same.
        if (other) {
          other(*req, *resp);
          resp->id = req->id;
          resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
          resp->error = 0;
        }
      } else {
        resp->error = answer.error ? -answer.error : 0;
        ++(answer.error ? stats.failed : stats.recorded);
      }
      seccomp_notify_respond(notify_fd, resp);  // ENOENT: the caller is gone
      continue;
    }
    if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) break;  // no task left under the filter
    if (child_fd >= 0 && (fds[1].revents & POLLIN)) break;  // the command is done
  }
  if (child_fd >= 0) ::close(child_fd);
  seccomp_notify_free(req, resp);
  return stats;
}

}  // namespace stage
