// root_fs_test: resolution inside the stage as if it were "/" - escape
// attempts through symlinks never reach outside. Every case runs twice: the
// openat2 fast path and the portable walk.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string>
#include <vector>

#include "stage/root_fs.h"

namespace {

/// A scratch directory holding "stage" (the root) and a sibling "outside"
/// that must stay empty; removed at the end.
struct Scratch {
  std::string dir, root, outside;
  Scratch() {
    char tmpl[] = "/tmp/stage-unit.XXXXXX";
    dir = ::mkdtemp(tmpl);
    root = dir + "/stage";
    outside = dir + "/outside";
    ::mkdir(root.c_str(), 0755);
    ::mkdir(outside.c_str(), 0755);
  }
  ~Scratch() { std::system(("rm -rf '" + dir + "'").c_str()); }
  void link(const std::string& target, const std::string& at) const {
    REQUIRE(::symlink(target.c_str(), (root + at).c_str()) == 0);
  }
  void mkdir(const std::string& at) const { REQUIRE(::mkdir((root + at).c_str(), 0755) == 0); }
  void touch(const std::string& at) const {
    int fd = ::open((root + at).c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    REQUIRE(fd >= 0);
    ::close(fd);
  }
  bool outside_empty() const {
    DIR* d = ::opendir(outside.c_str());
    int n = 0;
    while (auto* e = ::readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") ++n;
    ::closedir(d);
    return n == 0;
  }
  /// Entries directly in the scratch directory (must stay "stage", "outside").
  std::vector<std::string> top() const {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir.c_str());
    while (auto* e = ::readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") out.push_back(e->d_name);
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
  }
};

/// Creates the place's leaf as a file through its directory fd.
void create(const stage::Place& p) {
  REQUIRE(p.error == 0);
  int fd = ::openat(p.dirfd, p.name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
  REQUIRE(fd >= 0);
  ::close(fd);
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

/// The directory fd refers to the real directory `path`.
bool same_dir(int fd, const std::string& path) {
  struct stat a, b;
  return ::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

stage::StageRoot open_root(const Scratch& s, bool portable) {
  stage::StageRoot r(s.root);
  r.force_portable_walk(portable);
  return r;
}

}  // namespace

TEST_CASE("root_fs: a plain path resolves to its parent directory and leaf", "[root_fs]") {
  bool portable = GENERATE(false, true);
  INFO((portable ? "portable walk" : "openat2"));
  Scratch s;
  s.mkdir("/usr");
  s.mkdir("/usr/bin");
  auto root = open_root(s, portable);
  auto p = root.locate("/usr/bin/x", false);
  CHECK(p.error == 0);
  CHECK(p.name == "x");
  CHECK(p.logical == "/usr/bin/x");
  CHECK(same_dir(p.dirfd, s.root + "/usr/bin"));
  CHECK(root.real_path(p) == s.root + "/usr/bin/x");
  auto top = root.locate("/", false);
  CHECK(top.error == 0);
  CHECK(top.logical == "/");
}

TEST_CASE("root_fs: a missing parent is ENOENT, a file as parent ENOTDIR", "[root_fs]") {
  bool portable = GENERATE(false, true);
  INFO((portable ? "portable walk" : "openat2"));
  Scratch s;
  s.touch("/file");
  auto root = open_root(s, portable);
  CHECK(root.locate("/no/such/x", false).error == ENOENT);
  CHECK(root.locate("/file/x", false).error == ENOTDIR);
  // A missing leaf is fine: it is what is about to be made.
  CHECK(root.locate("/missing", false).error == 0);
}

TEST_CASE("root_fs: a symlink to / inside the stage stays inside", "[root_fs]") {
  bool portable = GENERATE(false, true);
  INFO((portable ? "portable walk" : "openat2"));
  Scratch s;
  s.link("/", "/usr");
  s.mkdir("/bin");
  auto root = open_root(s, portable);
  auto p = root.locate("/usr/bin/x", false);
  CHECK(p.logical == "/bin/x");
  create(p);
  CHECK(exists(s.root + "/bin/x"));
  CHECK(s.outside_empty());
  CHECK(s.top() == std::vector<std::string>{"outside", "stage"});
}

TEST_CASE("root_fs: '..' in a symlink stops at the stage root", "[root_fs]") {
  bool portable = GENERATE(false, true);
  INFO((portable ? "portable walk" : "openat2"));
  Scratch s;
  s.mkdir("/usr");
  s.mkdir("/usr/lib");
  s.link("../../..", "/usr/lib/up");
  s.link("../../../../../../../../..", "/deep");
  auto root = open_root(s, portable);
  auto p = root.locate("/usr/lib/up/x", false);
  CHECK(p.logical == "/x");
  CHECK(same_dir(p.dirfd, s.root));
  create(p);
  auto q = root.locate("/deep/outside/y", false);
  CHECK(q.error == ENOENT);  // "/outside" inside the stage does not exist
  CHECK(root.locate("/usr/lib/up/usr/lib/up/deep/x2", false).logical == "/x2");
  CHECK(s.outside_empty());
}

TEST_CASE("root_fs: an absolute symlink naming a host directory points into the stage", "[root_fs]") {
  bool portable = GENERATE(false, true);
  INFO((portable ? "portable walk" : "openat2"));
  Scratch s;
  s.link(s.outside, "/etc");
  auto root = open_root(s, portable);
  // The outside directory exists on the host, not in the stage.
  CHECK(root.locate("/etc/passwd", false).error == ENOENT);
  std::vector<std::string> made;
  CHECK(root.make_dirs("/etc/sub", true, 0755, [&](const std::string& l) { made.push_back(l); }) == 0);
  CHECK(exists(s.root + s.outside + "/sub"));
  CHECK(made.back() == s.outside + "/sub");
  CHECK(s.outside_empty());
}

TEST_CASE("root_fs: '..' in the logical path itself cannot climb out", "[root_fs]") {
  bool portable = GENERATE(false, true);
  INFO((portable ? "portable walk" : "openat2"));
  Scratch s;
  s.mkdir("/a");
  auto root = open_root(s, portable);
  auto p = root.locate("/../../outside/x", false);
  CHECK(p.error == ENOENT);  // <stage>/outside does not exist
  auto q = root.locate("/a/../../../x", false);
  CHECK(q.error == 0);
  CHECK(same_dir(q.dirfd, s.root));
  create(q);
  CHECK(exists(s.root + "/x"));
  CHECK(s.outside_empty());
}

TEST_CASE("root_fs: chains of absolute and relative symlinks resolve in the stage", "[root_fs]") {
  bool portable = GENERATE(false, true);
  INFO((portable ? "portable walk" : "openat2"));
  Scratch s;
  s.mkdir("/real");
  s.link("b", "/a");
  s.link("/c", "/b");
  s.link("./real/../real", "/c");
  auto root = open_root(s, portable);
  auto p = root.locate("/a/x", false);
  CHECK(p.error == 0);
  CHECK(p.logical == "/real/x");
  CHECK(same_dir(p.dirfd, s.root + "/real"));
}

TEST_CASE("root_fs: symlink loops fail with ELOOP", "[root_fs]") {
  bool portable = GENERATE(false, true);
  INFO((portable ? "portable walk" : "openat2"));
  Scratch s;
  s.link("l2", "/l1");
  s.link("/l1", "/l2");
  s.link("self", "/self");
  s.link("/usr/..", "/usr");
  auto root = open_root(s, portable);
  CHECK(root.locate("/l1/x", false).error == ELOOP);
  CHECK(root.locate("/self/x", false).error == ELOOP);
  CHECK(root.locate("/self", true).error == ELOOP);
  CHECK(root.locate("/usr/x", false).error == ELOOP);
  std::string failed;
  CHECK(root.make_dirs("/l1/a/b", true, 0755, nullptr, &failed) == ELOOP);
  CHECK(s.outside_empty());
  CHECK(s.top() == std::vector<std::string>{"outside", "stage"});
}

TEST_CASE("root_fs: a symlink as the last component, followed or not", "[root_fs]") {
  bool portable = GENERATE(false, true);
  INFO((portable ? "portable walk" : "openat2"));
  Scratch s;
  s.mkdir("/target");
  s.touch("/target/file");
  s.link("/target/file", "/link");
  s.link(s.outside + "/victim", "/dangling");
  s.link("target/", "/dirlink");
  auto root = open_root(s, portable);
  auto nofollow = root.locate("/link", false);
  CHECK(nofollow.name == "link");
  CHECK(nofollow.logical == "/link");
  CHECK(same_dir(nofollow.dirfd, s.root));
  auto follow = root.locate("/link", true);
  CHECK(follow.error == 0);
  CHECK(follow.logical == "/target/file");
  CHECK(same_dir(follow.dirfd, s.root + "/target"));
  // Following a dangling absolute link lands in the stage, never outside.
  auto dangling = root.locate("/dangling", true);
  CHECK(dangling.error == ENOENT);  // its parent, <stage>/<outside's path>, is missing
  CHECK(root.locate("/dirlink", true).error == 0);
  CHECK(s.outside_empty());
}

TEST_CASE("root_fs: make_dirs through symlinks creates only inside the stage", "[root_fs]") {
  bool portable = GENERATE(false, true);
  INFO((portable ? "portable walk" : "openat2"));
  Scratch s;
  s.link("/", "/usr");
  s.link("../../..", "/lib");
  s.link(s.dir, "/scratch");
  auto root = open_root(s, portable);
  std::vector<std::string> made;
  auto record = [&](const std::string& l) { made.push_back(l); };
  CHECK(root.make_dirs("/usr/share/doc", true, 0755, record) == 0);
  CHECK(made == std::vector<std::string>{"/share", "/share/doc"});
  made.clear();
  CHECK(root.make_dirs("/lib/lib/opt/x/y", false, 0755, record) == 0);
  CHECK(made == std::vector<std::string>{"/opt", "/opt/x"});
  CHECK(!exists(s.root + "/opt/x/y"));
  made.clear();
  CHECK(root.make_dirs("/scratch/outside/new", true, 0700, record) == 0);
  CHECK(exists(s.root + s.dir + "/outside/new"));
  struct stat st;
  REQUIRE(::stat((s.root + s.dir + "/outside/new").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  CHECK(s.outside_empty());
  CHECK(s.top() == std::vector<std::string>{"outside", "stage"});
}

TEST_CASE("root_fs: make_dirs reports what is in the way", "[root_fs]") {
  bool portable = GENERATE(false, true);
  INFO((portable ? "portable walk" : "openat2"));
  Scratch s;
  s.mkdir("/d");
  s.touch("/d/file");
  auto root = open_root(s, portable);
  std::string failed;
  CHECK(root.make_dirs("/d/file/x", true, 0755, nullptr, &failed) == ENOTDIR);
  CHECK(failed == "/d/file");
  failed.clear();
  // The parents of a file: a file where a parent must be is ENOTDIR too.
  CHECK(root.make_dirs("/d/file/x", false, 0755, nullptr, &failed) == ENOTDIR);
  CHECK(failed == "/d/file");
  // The directory itself is a file: EEXIST.
  CHECK(root.make_dirs("/d/file", true, 0755, nullptr, &failed) == EEXIST);
  // Existing directories are fine and not reported as made.
  int made = 0;
  CHECK(root.make_dirs("/d", true, 0755, [&](const std::string&) { ++made; }) == 0);
  CHECK(made == 0);
}

TEST_CASE("root_fs: DESTDIR + logical path of PATH_MAX bytes, or a component over NAME_MAX, is ENAMETOOLONG",
          "[root_fs]") {
  bool portable = GENERATE(false, true);
  INFO((portable ? "portable walk" : "openat2"));
  Scratch s;
  auto root = open_root(s, portable);
  // Directories of 200 bytes up to one byte short of PATH_MAX, then the leaf.
  std::string logical;
  // (The leaf then has 40 to 240 bytes: under NAME_MAX.)
  while (s.root.size() + logical.size() + 1 + 200 + 40 < PATH_MAX) logical += "/" + std::string(200, 'a');
  std::string leaf_at_limit(PATH_MAX - s.root.size() - logical.size() - 1, 'b');
  std::string at_limit = logical + "/" + leaf_at_limit;
  REQUIRE(s.root.size() + at_limit.size() == PATH_MAX);
  std::string below = at_limit.substr(0, at_limit.size() - 1);

  CHECK(root.name_too_long(at_limit) == ENAMETOOLONG);
  CHECK(root.name_too_long(below) == 0);
  CHECK(root.locate(at_limit, false).error == ENAMETOOLONG);
  std::string failed;
  CHECK(root.make_dirs(at_limit, true, 0755, [](const std::string&) {}, &failed) == ENAMETOOLONG);
  CHECK(failed == at_limit);
  CHECK_FALSE(exists(s.root + "/" + std::string(200, 'a')));  // refused before making anything

  // One byte less is an ordinary path.
  REQUIRE(root.make_dirs(below, false, 0755, [](const std::string&) {}) == 0);
  create(root.locate(below, false));
  CHECK(exists(s.root + below));

  CHECK(root.name_too_long("/usr/" + std::string(NAME_MAX, 'n')) == 0);
  CHECK(root.name_too_long("/usr/" + std::string(NAME_MAX + 1, 'n')) == ENAMETOOLONG);
  CHECK(root.locate("/" + std::string(NAME_MAX + 1, 'n') + "/x", false).error == ENAMETOOLONG);

  // A symlink in the stage can lengthen the canonical path past the limit.
  s.mkdir("/d");
  std::string target = logical + "/" + std::string(leaf_at_limit.size() - 10, 'c');
  REQUIRE(root.make_dirs(target, true, 0755, [](const std::string&) {}) == 0);
  s.link(target, "/d/l");
  auto p = root.locate("/d/l/0123456789", false);
  CHECK(p.error == ENAMETOOLONG);
  CHECK(s.outside_empty());
}
