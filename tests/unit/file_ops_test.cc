// file_ops_test: temporary files that vanish unless committed, content
// copies, GNU backup names and --backup words.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "stage/file_ops.h"

namespace {

struct ScratchDir {
  std::string path;
  int fd = -1;
  ScratchDir() {
    char tmpl[] = "/tmp/stage-unit.XXXXXX";
    path = ::mkdtemp(tmpl);
    fd = ::open(path.c_str(), O_PATH | O_DIRECTORY);
  }
  ~ScratchDir() {
    ::close(fd);
    std::system(("rm -rf '" + path + "'").c_str());
  }
  void write(const std::string& name, const std::string& content) const {
    int f = ::open((path + "/" + name).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(::write(f, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    ::close(f);
  }
  int entries() const {
    std::string cmd = "test $(ls -A '" + path + "' | wc -l) -eq ";
    for (int n = 0; n < 100; ++n)
      if (std::system((cmd + std::to_string(n)).c_str()) == 0) return n;
    return -1;
  }
  bool exists(const std::string& name) const { return ::access((path + "/" + name).c_str(), F_OK) == 0; }
};

stage::Place place_in(const ScratchDir& d, const std::string& name) {
  stage::Place p;
  p.dirfd = d.fd;
  p.name = name;
  return p;
}

}  // namespace

TEST_CASE("file_ops: a temporary file not committed leaves nothing", "[file_ops]") {
  ScratchDir d;
  auto dest = place_in(d, "dest");
  for (bool named : {false, true}) {
    {
      stage::TempFile tmp(dest, named);
      REQUIRE(tmp.error() == 0);
      struct stat st;
      REQUIRE(::fstat(tmp.fd(), &st) == 0);
      CHECK((st.st_mode & 07777) == 0600);
      if (named) {
        CHECK(tmp.name().rfind(".stage-tmp.", 0) == 0);
        CHECK(stage::is_stage_temporary(tmp.name()));
        CHECK(d.entries() == 1);
      } else {
        CHECK(tmp.name().empty());  // O_TMPFILE (tmpfs and ext4 have it): no name at all
        CHECK(d.entries() == 0);
      }
    }
    CHECK(d.entries() == 0);
  }
}

TEST_CASE("file_ops: a killed writer leaves no temporary file (SIGKILL unnamed, SIGTERM named)", "[file_ops]") {
  ScratchDir d;
  auto dest = place_in(d, "dest");
  for (bool named : {false, true}) {
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      stage::TempFile tmp(dest, named);
      (void)!::write(tmp.fd(), "partial", 7);
      (void)!::write(ready[1], "x", 1);
      for (;;) ::pause();
    }
    char c;
    ::close(ready[1]);
    REQUIRE(::read(ready[0], &c, 1) == 1);
    ::close(ready[0]);
    ::kill(pid, named ? SIGTERM : SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(d.entries() == 0);
  }
}

TEST_CASE("file_ops: our temporary names are recognised, others are not", "[file_ops]") {
  CHECK(stage::is_stage_temporary(".stage-tmp.123.0badcafe"));
  CHECK(stage::is_stage_temporary(".stage-pack.aB3xYz"));
  CHECK_FALSE(stage::is_stage_temporary(".stage-tmp."));
  CHECK_FALSE(stage::is_stage_temporary(".stage-tmp.notes"));
  CHECK_FALSE(stage::is_stage_temporary("stage-tmp.1.ab"));
  CHECK_FALSE(stage::is_stage_temporary(".stage-pack.toolongname"));
}

TEST_CASE("file_ops: committing without replacing keeps an existing destination", "[file_ops]") {
  ScratchDir d;
  d.write("dest", "old");
  auto dest = place_in(d, "dest");
  for (bool named : {false, true}) {
    stage::TempFile tmp(dest, named);
    REQUIRE(::write(tmp.fd(), "new", 3) == 3);
    CHECK(tmp.commit(false) == EEXIST);
  }
  CHECK(d.entries() == 1);
  auto fresh = place_in(d, "fresh");
  stage::TempFile tmp(fresh);
  CHECK(tmp.commit(false) == 0);
  CHECK(d.entries() == 2);
}

TEST_CASE("file_ops: committing renames onto the destination, replacing it", "[file_ops]") {
  ScratchDir d;
  d.write("dest", "old");
  struct stat before;
  ::stat((d.path + "/dest").c_str(), &before);
  auto dest = place_in(d, "dest");
  {
    stage::TempFile tmp(dest);
    REQUIRE(::write(tmp.fd(), "new", 3) == 3);
    CHECK(tmp.commit() == 0);
  }
  struct stat after;
  ::stat((d.path + "/dest").c_str(), &after);
  CHECK(after.st_ino != before.st_ino);
  CHECK(after.st_size == 3);
  CHECK(d.entries() == 1);
}

TEST_CASE("file_ops: a temporary file beside a destination in a subdirectory", "[file_ops]") {
  ScratchDir d;
  ::mkdir((d.path + "/sub").c_str(), 0755);
  auto dest = place_in(d, "sub/dest");
  stage::TempFile tmp(dest, /*named=*/true);
  REQUIRE(tmp.error() == 0);
  CHECK(tmp.name().rfind("sub/.stage-tmp.", 0) == 0);
  CHECK(tmp.commit() == 0);
  CHECK(d.exists("sub/dest"));
  auto missing = place_in(d, "nodir/dest");
  stage::TempFile bad(missing);
  CHECK(bad.error() == ENOENT);
}

TEST_CASE("file_ops: contents are copied whole and compared", "[file_ops]") {
  ScratchDir d;
  std::string big(300000, 'x');
  big[123456] = 'y';
  d.write("a", big);
  d.write("b", big);
  big[299999] = 'z';
  d.write("c", big);
  d.write("short", "xx");
  int a = ::openat(d.fd, "a", O_RDONLY), b = ::openat(d.fd, "b", O_RDONLY), c = ::openat(d.fd, "c", O_RDONLY),
      s = ::openat(d.fd, "short", O_RDONLY);
  CHECK(stage::same_contents(a, b));
  CHECK_FALSE(stage::same_contents(a, c));
  CHECK_FALSE(stage::same_contents(a, s));
  int out = ::openat(d.fd, "copy", O_WRONLY | O_CREAT, 0644);
  ::lseek(a, 0, SEEK_SET);
  CHECK(stage::copy_contents(a, out) == 0);
  ::close(out);
  int copy = ::openat(d.fd, "copy", O_RDONLY);
  CHECK(stage::same_contents(a, copy));
  for (int fd : {a, b, c, s, copy}) ::close(fd);
}

TEST_CASE("file_ops: backup words as GNU's argmatch takes them", "[file_ops]") {
  using B = stage::BackupType;
  CHECK(stage::parse_backup_type("none") == B::None);
  CHECK(stage::parse_backup_type("off") == B::None);
  CHECK(stage::parse_backup_type("simple") == B::Simple);
  CHECK(stage::parse_backup_type("never") == B::Simple);
  CHECK(stage::parse_backup_type("existing") == B::Existing);
  CHECK(stage::parse_backup_type("nil") == B::Existing);
  CHECK(stage::parse_backup_type("numbered") == B::Numbered);
  CHECK(stage::parse_backup_type("t") == B::Numbered);
  CHECK(stage::parse_backup_type("si") == B::Simple);
  CHECK(stage::parse_backup_type("nu") == B::Numbered);
  CHECK(stage::parse_backup_type("ne") == B::Simple);
  bool ambiguous = false;
  CHECK_FALSE(stage::parse_backup_type("n", &ambiguous));
  CHECK(ambiguous);
  CHECK_FALSE(stage::parse_backup_type("bogus", &ambiguous));
  CHECK_FALSE(ambiguous);
  CHECK_FALSE(stage::parse_backup_type(""));
}

TEST_CASE("file_ops: backup names, simple and numbered", "[file_ops]") {
  using B = stage::BackupType;
  ScratchDir d;
  CHECK(stage::backup_name(d.fd, "f", B::Simple, "~") == "f~");
  CHECK(stage::backup_name(d.fd, "f", B::Simple, ".orig") == "f.orig");
  CHECK(stage::backup_name(d.fd, "f", B::Existing, "~") == "f~");
  CHECK(stage::backup_name(d.fd, "f", B::Numbered, "~") == "f.~1~");
  d.write("f.~1~", "");
  d.write("f.~9~", "");
  d.write("f.~10~", "");
  d.write("f.~x~", "");
  d.write("f.~01~", "");
  d.write("g.~50~", "");
  CHECK(stage::backup_name(d.fd, "f", B::Numbered, "~") == "f.~11~");
  CHECK(stage::backup_name(d.fd, "f", B::Existing, "~") == "f.~11~");
  ::mkdir((d.path + "/sub").c_str(), 0755);
  d.write("sub/f.~3~", "");
  CHECK(stage::backup_name(d.fd, "sub/f", B::Numbered, "~") == "sub/f.~4~");
}
