// tree_walk: fts's order and verdicts, on the host and inside a stage.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "stage/session.h"
#include "stage/tree_walk.h"

namespace {

struct Scratch {
  std::string dir = [] {
    char tmpl[] = "/tmp/stage-tree-walk.XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  ~Scratch() { std::system(("rm -rf '" + dir + "'").c_str()); }
  void file(const std::string& rel) { ::close(::open((dir + rel).c_str(), O_CREAT | O_WRONLY, 0644)); }
  void mkdir(const std::string& rel) { ::mkdir((dir + rel).c_str(), 0755); }
  void symlink(const std::string& target, const std::string& rel) { ::symlink(target.c_str(), (dir + rel).c_str()); }
};

struct Visit {
  stage::WalkInfo info;
  std::string path, logical;
};

std::vector<Visit> walk(stage::Session& session, const std::string& operand, stage::WalkFollow follow) {
  std::vector<Visit> out;
  stage::walk_tree(session, operand, follow, true, [&](stage::WalkEntry& e) {
    out.push_back({e.info, e.path, e.place.logical});
    return stage::WalkAction::Continue;
  });
  return out;
}

size_t index_of(const std::vector<Visit>& v, const std::string& path, stage::WalkInfo info) {
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i].path == path && v[i].info == info) return i;
  FAIL("no visit of " << path);
  return 0;
}

stage::Config stage_config(const Scratch& s) {
  stage::Config c;
  c.active = true;
  c.destdir = s.dir + "/stage";
  c.db = s.dir + "/stage.db";
  c.map = {"/"};
  return c;
}

}  // namespace

TEST_CASE("tree_walk: pre-order, children, post-order; symlinks not followed", "[tree_walk]") {
  Scratch s;
  s.mkdir("/stage");
  s.mkdir("/stage/usr");
  s.mkdir("/stage/usr/d");
  s.file("/stage/usr/a");
  s.file("/stage/usr/d/b");
  s.symlink("/etc", "/stage/usr/out");
  stage::Session session(stage_config(s));
  auto v = walk(session, "/usr", stage::WalkFollow::CommandLine);
  REQUIRE(v.size() == 7);
  CHECK(v.front().info == stage::WalkInfo::Dir);
  CHECK(v.back().info == stage::WalkInfo::DirPost);
  CHECK(index_of(v, "/usr/d", stage::WalkInfo::Dir) < index_of(v, "/usr/d/b", stage::WalkInfo::File));
  CHECK(index_of(v, "/usr/d/b", stage::WalkInfo::File) < index_of(v, "/usr/d", stage::WalkInfo::DirPost));
  CHECK(v[index_of(v, "/usr/out", stage::WalkInfo::Symlink)].logical == "/usr/out");
  CHECK(v[index_of(v, "/usr/d/b", stage::WalkInfo::File)].logical == "/usr/d/b");
}

TEST_CASE("tree_walk: -L follows symlinks inside the stage and reports cycles", "[tree_walk]") {
  Scratch s;
  s.mkdir("/stage");
  s.mkdir("/stage/etc");
  s.file("/stage/etc/conf");
  s.mkdir("/stage/usr");
  s.symlink("/etc", "/stage/usr/out");
  s.symlink("..", "/stage/usr/up");
  s.symlink("/nowhere", "/stage/usr/dangling");
  stage::Session session(stage_config(s));
  auto v = walk(session, "/usr", stage::WalkFollow::Logical);
  auto out = v[index_of(v, "/usr/out", stage::WalkInfo::Dir)];
  CHECK(out.logical == "/etc");  // the stage's /etc, never the host's
  CHECK(v[index_of(v, "/usr/out/conf", stage::WalkInfo::File)].logical == "/etc/conf");
  index_of(v, "/usr/dangling", stage::WalkInfo::DanglingSymlink);
  // "up" leads to the stage root, not a cycle of /usr; its /usr is one.
  index_of(v, "/usr/up/usr", stage::WalkInfo::Cycle);
}

TEST_CASE("tree_walk: operands that cannot be stat'ed, or dangle", "[tree_walk]") {
  Scratch s;
  s.symlink("nowhere", "/dangling");
  stage::Config inactive;
  stage::Session session(inactive);
  auto v = walk(session, s.dir + "/dangling", stage::WalkFollow::CommandLine);
  REQUIRE(v.size() == 1);
  CHECK(v[0].info == stage::WalkInfo::DanglingSymlink);
  v = walk(session, s.dir + "/dangling", stage::WalkFollow::Physical);
  CHECK(v[0].info == stage::WalkInfo::Symlink);
  v = walk(session, s.dir + "/missing", stage::WalkFollow::Physical);
  CHECK(v[0].info == stage::WalkInfo::NoStat);
  // fts keeps one of several trailing slashes.
  v = walk(session, s.dir + "///", stage::WalkFollow::Physical);
  CHECK(v[0].path == s.dir + "/");
}
