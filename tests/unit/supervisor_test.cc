// supervisor: a trapped call is resolved as the caller sees it and recorded as a drop-in would record it.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <seccomp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "stage/listing.h"
#include "stage/mode.h"
#include "stage/store.h"
#include "stage/supervisor.h"
#include "stage/view_move.h"

namespace {
namespace fs = std::filesystem;

/// A stage in a temp directory with its database, and a Config for --root.
struct TempStage {
  fs::path dir;
  stage::Config config;
  TempStage() {
    char tmpl[] = "/tmp/stage-supervisor-test.XXXXXX";
    dir = ::mkdtemp(tmpl);
    fs::create_directories(dir / "dest/usr/pkg/bin");
    std::ofstream(dir / "dest/usr/pkg/bin/prog") << "binary";
    ::chmod((dir / "dest/usr/pkg/bin/prog").c_str(), 0755);
    config.active = true;
    config.destdir = (dir / "dest").string();
    config.db = (dir / "dest.stagedb").string();
    config.map = {"/usr/pkg"};
    config.passthrough = {"/tmp/unrelated"};
    config.root = true;
  }
  ~TempStage() {
    stage::set_disk_modes_for_root(false);
    fs::remove_all(dir);
  }
  std::optional<stage::Entry> record(const std::string& logical) {
    return stage::Store::open(config.db, stage::Store::Access::ReadOnly)->get(logical);
  }
  stage::Answer handle(const stage::TrappedCall& call) {
    stage::Session session(config);
    return stage::handle_call(session, call);
  }
};

stage::TrappedCall chown_call(const std::string& path, std::optional<uint32_t> uid, std::optional<uint32_t> gid) {
  stage::TrappedCall c;
  c.kind = stage::TrappedCall::Kind::Chown;
  c.path = path;
  c.uid = uid;
  c.gid = gid;
  c.tool = "tar";
  return c;
}
}  // namespace

TEST_CASE("supervisor: a chown of a staged file is recorded, not applied, and answered with success", "[supervisor]") {
  TempStage s;
  auto answer = s.handle(chown_call(s.config.destdir + "/usr/pkg/bin/prog", 60, std::nullopt));
  CHECK_FALSE(answer.let_kernel_do_it);
  CHECK(answer.error == 0);
  auto rec = s.record("/usr/pkg/bin/prog");
  REQUIRE(rec);
  CHECK(rec->owner.id == 60u);
  CHECK(rec->group.name == "root");  // unchanged: the default
  CHECK(rec->mode == 0755);          // the untracked file's mode on disk
  CHECK(rec->tool == "tar");
  struct stat st;
  REQUIRE(::stat((s.dir / "dest/usr/pkg/bin/prog").c_str(), &st) == 0);
  CHECK(st.st_uid == ::getuid());
}

TEST_CASE("supervisor: a mapped path (rule 3) lands on the same record as the DESTDIR path", "[supervisor]") {
  TempStage s;
  s.handle(chown_call("/usr/pkg/bin/prog", std::nullopt, 60));
  stage::TrappedCall c;
  c.kind = stage::TrappedCall::Kind::Chmod;
  c.path = s.config.destdir + "/usr/pkg/bin/prog";
  c.mode = 02750;
  auto answer = s.handle(c);
  CHECK_FALSE(answer.let_kernel_do_it);
  auto rec = s.record("/usr/pkg/bin/prog");
  REQUIRE(rec);
  CHECK(rec->mode == 02750);
  CHECK(rec->group.id == 60u);  // the chown before it stays
  struct stat st;
  REQUIRE(::stat((s.dir / "dest/usr/pkg/bin/prog").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0750);  // under --root: recorded bits without setgid
}

TEST_CASE("supervisor: unstaged and missing paths are left to the kernel", "[supervisor]") {
  TempStage s;
  CHECK(s.handle(chown_call("/tmp/unrelated/x", 0, 0)).let_kernel_do_it);
  CHECK(s.handle(chown_call("/usr/pkg/bin/not-staged", 0, 0)).let_kernel_do_it);
  CHECK(s.handle(chown_call("/etc/passwd", 0, 0)).let_kernel_do_it);  // not mapped
  CHECK_FALSE(s.record("/usr/pkg/bin/not-staged"));
}

TEST_CASE("supervisor: mknod of a character device records it over an empty placeholder", "[supervisor]") {
  TempStage s;
  stage::TrappedCall c;
  c.kind = stage::TrappedCall::Kind::Mknod;
  c.path = s.config.destdir + "/usr/pkg/bin/null";
  c.mode = S_IFCHR | 0640;
  c.rdev = makedev(1, 3);
  c.follow = false;
  CHECK(s.handle(c).error == 0);
  auto rec = s.record("/usr/pkg/bin/null");
  REQUIRE(rec);
  CHECK(rec->type == stage::EntryType::CharDevice);
  CHECK(rec->rdev == makedev(1, 3));
  CHECK(rec->mode == 0640);
  struct stat st;
  REQUIRE(::lstat((s.dir / "dest/usr/pkg/bin/null").c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK(st.st_size == 0);
  CHECK(s.handle(c).error == EEXIST);  // as the kernel says for an existing name
}

TEST_CASE("supervisor: the caller's path is resolved against its cwd and dirfd through /proc", "[supervisor]") {
  TempStage s;
  pid_t self = ::getpid();
  char cwd[4096];
  REQUIRE(::getcwd(cwd, sizeof cwd));
  CHECK(stage::caller_path(self, AT_FDCWD, "a/../b") == std::string(cwd) + (std::string(cwd) == "/" ? "b" : "/b"));
  CHECK(stage::caller_path(self, AT_FDCWD, "/x/./y") == "/x/y");
  int dir = ::open((s.dir / "dest/usr").c_str(), O_RDONLY | O_DIRECTORY);
  REQUIRE(dir >= 0);
  CHECK(stage::caller_path(self, dir, "pkg/bin/prog") == (s.dir / "dest/usr/pkg/bin/prog").string());
  CHECK(stage::caller_path(self, dir, "") == (s.dir / "dest/usr").string());  // fchown(fd), AT_EMPTY_PATH
  ::close(dir);
  int pipefd[2];
  REQUIRE(::pipe(pipefd) == 0);
  CHECK_FALSE(stage::caller_path(self, pipefd[0], ""));  // a pipe names no path
  ::close(pipefd[0]);
  ::close(pipefd[1]);
}

TEST_CASE("supervisor: glibc's /proc/self/fd/N chmod names the file behind the descriptor", "[supervisor]") {
  TempStage s;
  int fd = ::open((s.dir / "dest/usr/pkg/bin/prog").c_str(), O_PATH);
  REQUIRE(fd >= 0);
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  CHECK(stage::caller_path(::getpid(), AT_FDCWD, link) == (s.dir / "dest/usr/pkg/bin/prog").string());
  CHECK(stage::caller_path(::getpid(), AT_FDCWD, "/proc/thread-self/fd/" + std::to_string(fd)) ==
        (s.dir / "dest/usr/pkg/bin/prog").string());
  ::close(fd);
}

TEST_CASE("supervisor: gnulib's /proc/self/fd/N/REST (GNU tar's setxattr) names REST below the descriptor", "[supervisor]") {
  TempStage s;
  int fd = ::open((s.dir / "dest").c_str(), O_RDONLY | O_DIRECTORY);
  REQUIRE(fd >= 0);
  std::string base = "/proc/self/fd/" + std::to_string(fd);
  CHECK(stage::caller_path(::getpid(), AT_FDCWD, base + "/usr/pkg/bin/prog") ==
        (s.dir / "dest/usr/pkg/bin/prog").string());
  CHECK(stage::caller_path(::getpid(), AT_FDCWD, base + "/usr/pkg/../pkg/bin/prog") ==
        (s.dir / "dest/usr/pkg/bin/prog").string());
  CHECK_FALSE(stage::caller_path(::getpid(), AT_FDCWD, "/proc/self/fd/x/usr"));
  ::close(fd);
}

TEST_CASE("supervisor: a chown drops setuid, and setgid with group-execute, as Linux does for root", "[supervisor]") {
  TempStage s;
  stage::TrappedCall c;
  c.kind = stage::TrappedCall::Kind::Chmod;
  c.path = s.config.destdir + "/usr/pkg/bin/prog";
  c.mode = 06755;
  s.handle(c);
  s.handle(chown_call(c.path, std::nullopt, std::nullopt));  // chown(f, -1, -1)
  CHECK(s.record("/usr/pkg/bin/prog")->mode == 0755);
  c.mode = 02644;  // setgid without group-execute: mandatory locking, kept
  s.handle(c);
  s.handle(chown_call(c.path, 5, 60));
  CHECK(s.record("/usr/pkg/bin/prog")->mode == 02644);
}

namespace {
/// A security.capability value: revision 2 (or 3 with a root id), cap_net_raw
/// (13) permitted, with or without the effective bit.
std::string caps_value(bool effective, int revision = 2, uint32_t permitted = 1u << 13) {
  std::string v;
  auto le32 = [&](uint32_t x) {
    for (int i = 0; i < 4; ++i) v.push_back(static_cast<char>((x >> (8 * i)) & 0xff));
  };
  le32((revision == 2 ? 0x02000000u : 0x03000000u) | (effective ? 1u : 0u));
  le32(permitted), le32(0), le32(0), le32(0);
  if (revision == 3) le32(1000);  // the namespace's root id
  return v;
}

stage::TrappedCall setcap_call(const std::string& path, const std::string& value, int flags = 0) {
  stage::TrappedCall c;
  c.kind = stage::TrappedCall::Kind::SetCaps;
  c.path = path;
  c.value = value;
  c.xattr_flags = flags;
  c.tool = "setcap";
  return c;
}
}  // namespace

TEST_CASE("supervisor: setcap of a staged file is recorded, not written, and answered with success", "[supervisor][caps]") {
  TempStage s;
  std::string prog = s.config.destdir + "/usr/pkg/bin/prog";
  auto answer = s.handle(setcap_call(prog, caps_value(true)));
  CHECK_FALSE(answer.let_kernel_do_it);
  CHECK(answer.error == 0);
  auto rec = s.record("/usr/pkg/bin/prog");
  REQUIRE(rec);
  REQUIRE(rec->caps);
  CHECK(rec->caps->xattr == caps_value(true));
  CHECK(rec->tool == "setcap");
  CHECK(::getxattr(prog.c_str(), "security.capability", nullptr, 0) < 0);  // nothing on disk
  // Removing it (setcap -r) forgets it; removing none is ENODATA, as the kernel says.
  stage::TrappedCall rm = setcap_call(prog, "");
  rm.kind = stage::TrappedCall::Kind::RemoveCaps;
  CHECK(s.handle(rm).error == 0);
  CHECK_FALSE(s.record("/usr/pkg/bin/prog")->caps);
  CHECK(s.handle(rm).error == ENODATA);
}

TEST_CASE("supervisor: a capability value is checked and normalised as the kernel does", "[supervisor][caps]") {
  TempStage s;
  std::string prog = s.config.destdir + "/usr/pkg/bin/prog";
  // A namespaced (revision 3) value is stored as revision 2: the package is for the host's root.
  CHECK(s.handle(setcap_call(prog, caps_value(false, 3))).error == 0);
  CHECK(s.record("/usr/pkg/bin/prog")->caps->xattr == caps_value(false));
  CHECK(s.handle(setcap_call(prog, caps_value(true).substr(0, 12))).error == EINVAL);  // revision 1: refused
  CHECK(s.handle(setcap_call(prog, caps_value(true) + "x")).error == EINVAL);
  CHECK(s.handle(setcap_call(prog, caps_value(true), XATTR_CREATE)).error == EEXIST);
  CHECK(s.handle(setcap_call(prog, caps_value(true), XATTR_REPLACE)).error == 0);
  CHECK(s.record("/usr/pkg/bin/prog")->caps->xattr == caps_value(true));
  // Not staged, or not a regular file: the kernel's answer.
  CHECK(s.handle(setcap_call("/tmp/unrelated/x", caps_value(true))).let_kernel_do_it);
  CHECK(s.handle(setcap_call(s.config.destdir + "/usr/pkg/bin", caps_value(true))).let_kernel_do_it);
}

TEST_CASE("supervisor: chown drops a file's capability, chmod keeps it, as the kernel does", "[supervisor][caps]") {
  TempStage s;
  std::string prog = s.config.destdir + "/usr/pkg/bin/prog";
  s.handle(setcap_call(prog, caps_value(true)));
  stage::TrappedCall c;
  c.kind = stage::TrappedCall::Kind::Chmod;
  c.path = prog;
  c.mode = 0750;
  s.handle(c);
  CHECK(s.record("/usr/pkg/bin/prog")->caps);
  s.handle(chown_call(prog, std::nullopt, std::nullopt));  // chown(f, -1, -1) too
  CHECK_FALSE(s.record("/usr/pkg/bin/prog")->caps);
}

TEST_CASE("supervisor: the filter covers i386's and x32's calls on x86-64", "[supervisor]") {
  auto names = stage::supervised_syscalls();
  for (const char* n : {"chown32", "fchown32", "lchown32", "fchownat", "fchmodat", "setxattr", "fremovexattr"})
    CHECK(std::find(names.begin(), names.end(), n) != names.end());
#if defined(__x86_64__)
  auto arches = stage::supervised_arches();
  CHECK(std::find(arches.begin(), arches.end(), SCMP_ARCH_X86) != arches.end());
  CHECK(std::find(arches.begin(), arches.end(), SCMP_ARCH_X32) != arches.end());
#endif
}

TEST_CASE("supervisor: a capability survives a rename but not a rewrite of the file", "[supervisor][caps]") {
  TempStage s;
  std::string prog = s.config.destdir + "/usr/pkg/bin/prog";
  s.handle(setcap_call(prog, caps_value(true)));
  auto caps_at = [&](const std::string& logical) {
    auto listing = stage::reconcile_stage(s.config.destdir, s.config.db, {}, {}, false);
    for (const auto& le : listing.entries)
      if (le.entry.path == logical) return le.entry.caps.has_value();
    FAIL("not listed: " << logical);
    return false;
  };
  CHECK(caps_at("/usr/pkg/bin/prog"));
  fs::rename(prog, s.config.destdir + "/usr/pkg/bin/moved");  // mv: the inode keeps its attribute
  CHECK(caps_at("/usr/pkg/bin/moved"));
  fs::create_hard_link(s.config.destdir + "/usr/pkg/bin/moved", s.config.destdir + "/usr/pkg/bin/alias");
  CHECK(caps_at("/usr/pkg/bin/alias"));  // a name made later: the same inode, the same attribute
  std::ofstream(s.config.destdir + "/usr/pkg/bin/moved", std::ios::app) << "patched";  // a write drops it
  CHECK_FALSE(caps_at("/usr/pkg/bin/moved"));
  CHECK_FALSE(caps_at("/usr/pkg/bin/alias"));
}

TEST_CASE("supervisor: rename_route copies a host-only file or symlink, moves a host directory", "[supervisor]") {
  using stage::RenameRoute;
  using stage::rename_route;
  CHECK(rename_route(S_IFREG | 0755, 0, 0) == RenameRoute::Copy);
  CHECK(rename_route(S_IFLNK | 0777, 0, 0) == RenameRoute::Copy);
  CHECK(rename_route(S_IFREG | 0644, 0, 1) == RenameRoute::Copy);   // RENAME_NOREPLACE: the copy's own rename keeps it
  CHECK(rename_route(S_IFREG | 0644, 0, 2) == RenameRoute::Exdev);  // RENAME_EXCHANGE
  CHECK(rename_route(S_IFREG | 0644, 0, 4) == RenameRoute::Kernel);  // RENAME_WHITEOUT
  CHECK(rename_route(S_IFREG | 0644, S_IFREG, 0) == RenameRoute::Kernel);  // in the stage already: no copy-up
  CHECK(rename_route(S_IFIFO | 0644, 0, 0) == RenameRoute::Kernel);
  CHECK(rename_route(0, 0, 0) == RenameRoute::Kernel);               // not on the host: the kernel's ENOENT
  CHECK(rename_route(0, S_IFDIR, 0) == RenameRoute::Kernel);         // the stage's own directory: the kernel moves it
  // A host directory, lower only or merged with the stage's: overlayfs's
  // EXDEV would make mv copy it (owners 65534, modes through ACLs).
  CHECK(rename_route(S_IFDIR | 0755, 0, 0) == RenameRoute::Tree);
  CHECK(rename_route(S_IFDIR | 0755, S_IFDIR | 0755, 0) == RenameRoute::Tree);
  CHECK(rename_route(S_IFDIR | 0755, S_IFDIR | 0755, 1) == RenameRoute::Tree);  // NOREPLACE: the final rename keeps it
  CHECK(rename_route(S_IFDIR | 0755, 0, 2) == RenameRoute::Exdev);   // RENAME_EXCHANGE of a directory: EXDEV
  CHECK(rename_route(S_IFDIR | 0755, S_IFDIR, 4) == RenameRoute::Kernel);
  CHECK(rename_route(S_IFDIR | 0755, S_IFREG, 0) == RenameRoute::Kernel);  // the stage's file hides the host's directory
  CHECK(rename_route(S_IFDIR | 0755, S_IFCHR, 0) == RenameRoute::Kernel);  // a whiteout: deleted, the kernel's ENOENT
}

TEST_CASE("supervisor: a rename is the supervisor's only for a host-only file below a staged path", "[supervisor]") {
  TempStage s;
  fs::path host = s.dir / "host";
  fs::create_directories(host / "bin");
  std::ofstream(host / "bin/old") << "old";
  fs::create_directories(s.config.destdir + (host / "bin").string());  // the stage mirrors the host's directory
  s.config.map = {"/usr/pkg", host.string()};
  stage::TrappedCall c;
  c.kind = stage::TrappedCall::Kind::Rename;
  c.follow = false;
  c.view = "/proc/self/root";
  c.path = (host / "bin/old").string();
  c.target = (host / "bin/new").string();
  c.rename_flags = 2;  // RENAME_EXCHANGE of a file the overlay would copy up
  auto answer = s.handle(c);
  CHECK_FALSE(answer.let_kernel_do_it);
  CHECK(answer.error == EXDEV);
  CHECK(fs::exists(host / "bin/old"));
  CHECK_FALSE(fs::exists(host / "bin/new"));
  c.rename_flags = 4;  // RENAME_WHITEOUT
  CHECK(s.handle(c).let_kernel_do_it);
  c.rename_flags = 2;
  c.view.clear();  // not below a captured prefix
  CHECK(s.handle(c).let_kernel_do_it);
  c.view = "/proc/self/root";
  c.path = s.config.destdir + "/usr/pkg/bin/prog";  // already in the stage
  c.target = s.config.destdir + "/usr/pkg/bin/prog2";
  CHECK(s.handle(c).let_kernel_do_it);
  c.path = (host / "bin").string();  // a host directory exchanged: EXDEV, nothing moves
  c.target = (host / "bin2").string();
  answer = s.handle(c);
  CHECK_FALSE(answer.let_kernel_do_it);
  CHECK(answer.error == EXDEV);
  CHECK(fs::exists(host / "bin/old"));
  c.path = "/etc/passwd";  // not mapped
  c.target = "/etc/passwd2";
  CHECK(s.handle(c).let_kernel_do_it);
  CHECK_FALSE(s.record((host / "bin/new").string()));
}

namespace {
/// A directory rename of the supervisor's, with the host's tree as the
/// caller's view (no overlay here: the view is this process's root).
struct TreeRename {
  TempStage s;
  fs::path host = s.dir / "host";
  stage::TrappedCall c;
  TreeRename() {
    fs::create_directories(host / "share/old/sub");
    std::ofstream(host / "share/old/a.txt") << "host a";
    std::ofstream(host / "share/old/sub/b.txt") << "host b";
    ::chmod((host / "share/old/a.txt").c_str(), 0640);
    ::chmod((host / "share/old/sub").c_str(), 0750);
    fs::create_symlink("a.txt", host / "share/old/link");
    // The stage mirrors the host's directories, and holds one file of its own.
    fs::create_directories(s.config.destdir + (host / "share/old/sub").string());
    s.config.map = {"/usr/pkg", host.string()};
    c.kind = stage::TrappedCall::Kind::Rename;
    c.follow = false;
    c.view = "/proc/self/root";
    c.path = (host / "share/old").string();
    c.target = (host / "share/new").string();
    c.tool = "mv";
  }
};
}  // namespace

TEST_CASE("supervisor: a host directory renamed under capture is moved with its records", "[supervisor][rename]") {
  TreeRename t;
  // A staged file below it (in the view and in the stage, as the overlay shows it), recorded games 0600.
  std::string staged = (t.host / "share/old/staged").string();
  std::ofstream(staged) << "staged";
  std::ofstream(t.s.config.destdir + staged) << "staged";
  {
    stage::Session session(t.s.config);
    stage::Entry e;
    e.path = staged;
    e.type = stage::EntryType::File;
    e.mode = 0600;
    e.owner.name = "games";
    e.group.name = "games";
    session.record(e);
    REQUIRE(session.finish() == 0);
  }
  auto answer = t.s.handle(t.c);
  CHECK_FALSE(answer.let_kernel_do_it);
  CHECK(answer.error == 0);
  CHECK_FALSE(fs::exists(t.host / "share/old"));
  CHECK(fs::exists(t.host / "share/new/sub/b.txt"));
  CHECK(fs::read_symlink(t.host / "share/new/link") == "a.txt");
  std::string n = (t.host / "share/new").string();
  // The stage's entry keeps its record at the new name.
  auto moved = t.s.record(n + "/staged");
  REQUIRE(moved);
  CHECK(moved->owner.name == "games");
  CHECK(moved->mode == 0600);
  CHECK_FALSE(t.s.record(staged));
  // (The host's entries are recorded from the stage's upper layer, which an
  // overlay gives and this test has not: tests/e2e/union-capture-dir-rename.sh.)
}

TEST_CASE("supervisor: plan_tree_move walks host directories, moves the stage's entries whole, refuses what it cannot copy", "[supervisor][rename]") {
  TreeRename t;
  std::string old = (t.host / "share/old").string();
  std::ofstream(old + "/sub/staged") << "staged";
  auto stage_mode = [&](const std::string& logical) -> mode_t { return logical == old + "/sub/staged" ? S_IFREG : 0; };
  std::vector<stage::TreeItem> plan;
  REQUIRE(stage::plan_tree_move("/proc/self/root", old, stage_mode, plan) == 0);
  std::vector<std::string> seen;
  for (const auto& item : plan)
    seen.push_back(item.rel + ":" + std::to_string(static_cast<int>(item.step)));
  using stage::TreeStep;
  auto step = [](const char* rel, TreeStep s) { return std::string(rel) + ":" + std::to_string(static_cast<int>(s)); };
  CHECK(seen == std::vector<std::string>{step("", TreeStep::Descend), step("/a.txt", TreeStep::Copy),
                                         step("/link", TreeStep::Copy), step("/sub", TreeStep::Descend),
                                         step("/sub/b.txt", TreeStep::Copy), step("/sub/staged", TreeStep::Rename)});
  for (auto& item : plan) item.disk_mode = 0755;
  bool in_place = false;
  std::string to = (t.host / "share/new").string();
  CHECK(stage::move_tree("/proc/self/root", old, to, 0, plan, in_place) == 0);
  CHECK(in_place);
  CHECK_FALSE(fs::exists(old));
  CHECK(fs::exists(to + "/sub/staged"));
  struct stat st;
  REQUIRE(::stat((to + "/a.txt").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  // A socket on the host cannot be copied: the move is refused before it starts.
  fs::create_directories(t.host / "share/s");
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  std::string sock = (t.host / "share/s/sock").string();
  if (sock.size() < sizeof addr.sun_path) {
    std::strcpy(addr.sun_path, sock.c_str());
    REQUIRE(::bind(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) == 0);
    CHECK(stage::plan_tree_move("/proc/self/root", (t.host / "share/s").string(), stage_mode, plan) == EXDEV);
  }
  ::close(fd);
}

TEST_CASE("supervisor: a directory rename answers as the kernel does for its target", "[supervisor][rename]") {
  TreeRename t;
  fs::create_directories(t.host / "share/full");
  std::ofstream(t.host / "share/full/x") << "x";
  std::ofstream(t.host / "share/file") << "f";
  auto answer_for = [&](const std::string& target, unsigned flags) {
    t.c.target = (t.host / target).string();
    t.c.rename_flags = flags;
    return t.s.handle(t.c);
  };
  CHECK(answer_for("share/full", 0).error == ENOTEMPTY);
  CHECK(answer_for("share/file", 0).error == ENOTDIR);
  CHECK(answer_for("share/full", 1).error == EEXIST);   // RENAME_NOREPLACE
  CHECK(answer_for("share/old/sub/x", 0).error == EINVAL);  // into itself
  // Nothing moved, nothing left behind, nothing recorded.
  CHECK(fs::exists(t.host / "share/old/sub/b.txt"));
  CHECK(std::distance(fs::directory_iterator(t.host / "share"), fs::directory_iterator()) == 3);
  CHECK_FALSE(t.s.record((t.host / "share/full/sub").string()));
  // An empty directory is replaced, as rename(2) does.
  fs::create_directories(t.host / "share/empty");
  auto answer = answer_for("share/empty", 0);
  CHECK(answer.error == 0);
  CHECK(fs::exists(t.host / "share/empty/sub/b.txt"));
  CHECK_FALSE(fs::exists(t.host / "share/old"));
}

TEST_CASE("supervisor: tree_step moves the stage's own entries whole and walks the host's directories", "[supervisor][rename]") {
  using stage::TreeStep;
  using stage::tree_step;
  CHECK(tree_step(0, S_IFREG) == TreeStep::Rename);
  CHECK(tree_step(S_IFREG, S_IFREG) == TreeStep::Rename);       // the stage's file over the host's
  CHECK(tree_step(0, S_IFDIR) == TreeStep::Rename);             // the stage's own directory: the kernel moves it
  CHECK(tree_step(S_IFREG, S_IFDIR) == TreeStep::Rename);
  CHECK(tree_step(S_IFDIR, S_IFDIR) == TreeStep::Descend);      // merged: the kernel would refuse it
  CHECK(tree_step(S_IFDIR, 0) == TreeStep::Descend);
  CHECK(tree_step(S_IFREG, 0) == TreeStep::Copy);
  CHECK(tree_step(S_IFLNK, 0) == TreeStep::Copy);
  CHECK(tree_step(S_IFIFO, 0) == TreeStep::Copy);
  CHECK(tree_step(S_IFSOCK, 0) == TreeStep::Refuse);
  CHECK(tree_step(S_IFCHR, 0) == TreeStep::Refuse);
  CHECK(tree_step(0, 0) == TreeStep::Refuse);
}

TEST_CASE("supervisor: a minimal ACL set on a staged file is recorded as the chmod it is", "[supervisor][acl]") {
  TempStage s;
  stage::set_disk_modes_for_root(true);
  std::string prog = s.config.destdir + "/usr/pkg/bin/prog";
  stage::TrappedCall chmod;
  chmod.kind = stage::TrappedCall::Kind::Chmod;
  chmod.path = prog;
  chmod.mode = 04755;
  chmod.tool = "chmod";
  REQUIRE(s.handle(chmod).error == 0);
  stage::TrappedCall acl = chmod;
  acl.kind = stage::TrappedCall::Kind::SetAclMode;  // what decode() makes of setxattr("system.posix_acl_access")
  acl.mode = 0640;
  acl.tool = "cp";
  auto answer = s.handle(acl);
  CHECK_FALSE(answer.let_kernel_do_it);
  CHECK(answer.error == 0);
  auto rec = s.record("/usr/pkg/bin/prog");
  REQUIRE(rec);
  CHECK(rec->mode == 04640);  // setuid kept, as the kernel keeps it for root
  CHECK(rec->tool == "cp");
  struct stat st;
  REQUIRE(::stat(prog.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);  // the bits reach the disk, setuid never does
  // Not staged: the kernel's.
  acl.path = "/etc/passwd";
  CHECK(s.handle(acl).let_kernel_do_it);
}

TEST_CASE("supervisor: move_tree takes back what it did when a step fails before the tree is in place", "[supervisor][rename]") {
  TreeRename t;
  std::string old = (t.host / "share/old").string();
  std::ofstream(old + "/staged1") << "1";
  std::ofstream(old + "/sub/staged2") << "2";
  auto stage_mode = [&](const std::string& logical) -> mode_t {
    return logical.ends_with("/staged1") || logical.ends_with("/staged2") ? S_IFREG : 0;
  };
  std::vector<stage::TreeItem> plan;
  REQUIRE(stage::plan_tree_move("/proc/self/root", old, stage_mode, plan) == 0);
  for (auto& item : plan) item.disk_mode = 0755;
  fs::remove(old + "/sub/staged2");  // gone between the plan and the move: its rename fails
  bool in_place = true;
  CHECK(stage::move_tree("/proc/self/root", old, (t.host / "share/new").string(), 0, plan, in_place) == ENOENT);
  CHECK_FALSE(in_place);
  CHECK(fs::exists(old + "/staged1"));  // renamed across, then back
  CHECK(fs::exists(old + "/a.txt"));
  CHECK_FALSE(fs::exists(t.host / "share/new"));
  for (const auto& e : fs::directory_iterator(t.host / "share"))
    CHECK(e.path().filename().string().rfind(".stage-tmp.", 0) != 0);  // no temporary left
}
