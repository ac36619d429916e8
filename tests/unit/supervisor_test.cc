// supervisor: a trapped call is resolved as the caller sees it and recorded as a drop-in would record it.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "stage/mode.h"
#include "stage/store.h"
#include "stage/supervisor.h"

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
