// path_map_test: lexical folding and SPEC's mapping rules 1-4.
#include <catch2/catch.hpp>

#include "stage/config.h"
#include "stage/path_map.h"

namespace {

stage::Config active_config() {
  stage::Config c;
  c.active = true;
  c.destdir = "/build/pkg/destdir";
  c.db = "/build/pkg/destdir.stagedb";
  c.map = {"/"};
  c.passthrough = {"/tmp", "/var/tmp", "/dev", "/proc", "/build/pkg/work"};
  return c;
}

std::string mapped(const stage::Config& c, const char* path, bool* staged = nullptr, bool* via = nullptr) {
  auto m = stage::map_path(c, stage::lexical_fold(path));
  if (staged) *staged = m.staged;
  if (via) *via = m.via_destdir;
  return (m.staged ? "stage:" : "host:") + m.path;
}

}  // namespace

TEST_CASE("path_map: folding removes '.', '..' and repeated slashes", "[path_map]") {
  CHECK(stage::lexical_fold("/") == "/");
  CHECK(stage::lexical_fold("//") == "/");
  CHECK(stage::lexical_fold("/a//b///c/") == "/a/b/c");
  CHECK(stage::lexical_fold("/a/./b/.") == "/a/b");
  CHECK(stage::lexical_fold("/a/b/../c") == "/a/c");
  CHECK(stage::lexical_fold("/a/b/../../..") == "/");
  CHECK(stage::lexical_fold("/../../x") == "/x");
  CHECK(stage::lexical_fold("/a/..b/c") == "/a/..b/c");
  CHECK(stage::lexical_fold("/a/.../c") == "/a/.../c");
}

TEST_CASE("path_map: relative operands are made absolute against the working directory", "[path_map]") {
  CHECK(stage::lexical_absolute("x", "/w") == "/w/x");
  CHECK(stage::lexical_absolute("./x/", "/w") == "/w/x");
  CHECK(stage::lexical_absolute("../x", "/w/sub") == "/w/x");
  CHECK(stage::lexical_absolute("../../../x", "/w") == "/x");
  CHECK(stage::lexical_absolute("/abs/../y", "/w") == "/y");
  CHECK(stage::lexical_absolute(".", "/w") == "/w");
  CHECK(stage::lexical_absolute("", "/w") == "/w");
}

TEST_CASE("path_map: path_within matches whole components only", "[path_map]") {
  CHECK(stage::path_within("/usr", "/usr"));
  CHECK(stage::path_within("/usr/bin", "/usr"));
  CHECK_FALSE(stage::path_within("/usrx", "/usr"));
  CHECK_FALSE(stage::path_within("/us", "/usr"));
  CHECK(stage::path_within("/anything", "/"));
  CHECK(stage::path_within("/", "/"));
}

TEST_CASE("path_map: rule 1, under DESTDIR, is staged at the path without DESTDIR", "[path_map]") {
  auto c = active_config();
  bool staged, via;
  CHECK(mapped(c, "/build/pkg/destdir/usr/bin/x", &staged, &via) == "stage:/usr/bin/x");
  CHECK(via);
  CHECK(mapped(c, "/build/pkg/destdir", &staged, &via) == "stage:/");
  CHECK(via);
  // A sibling whose name merely starts like DESTDIR is not under it (rule 3 here).
  CHECK(mapped(c, "/build/pkg/destdir2/x") == "stage:/build/pkg/destdir2/x");
  CHECK(mapped(c, "/build/pkg/destdir.stagedb") == "host:/build/pkg/destdir.stagedb");
}

TEST_CASE("path_map: rule 1 wins over a passthrough prefix holding DESTDIR", "[path_map]") {
  auto c = active_config();
  c.destdir = "/tmp/stage";
  c.db = "/tmp/stage.stagedb";
  CHECK(mapped(c, "/tmp/stage/etc/x") == "stage:/etc/x");
  CHECK(mapped(c, "/tmp/other") == "host:/tmp/other");
}

TEST_CASE("path_map: rule 2, passthrough prefixes, are the real filesystem", "[path_map]") {
  auto c = active_config();
  CHECK(mapped(c, "/tmp/x") == "host:/tmp/x");
  CHECK(mapped(c, "/tmp") == "host:/tmp");
  CHECK(mapped(c, "/dev/null") == "host:/dev/null");
  CHECK(mapped(c, "/proc/self/fd/1") == "host:/proc/self/fd/1");
  CHECK(mapped(c, "/build/pkg/work/obj/a.o") == "host:/build/pkg/work/obj/a.o");
  CHECK(mapped(c, "/tmpx/y") == "stage:/tmpx/y");
}

TEST_CASE("path_map: rule 3, mapped prefixes, are staged at the same logical path", "[path_map]") {
  auto c = active_config();
  bool staged, via;
  CHECK(mapped(c, "/usr/pkg/bin/x", &staged, &via) == "stage:/usr/pkg/bin/x");
  CHECK_FALSE(via);
  CHECK(mapped(c, "/") == "stage:/");
  c.map = {"/usr/pkg", "/etc"};
  CHECK(mapped(c, "/usr/pkg/bin/x") == "stage:/usr/pkg/bin/x");
  CHECK(mapped(c, "/etc/x") == "stage:/etc/x");
}

TEST_CASE("path_map: rule 4, anything else, is the real filesystem", "[path_map]") {
  auto c = active_config();
  c.map = {"/usr/pkg"};
  CHECK(mapped(c, "/usr/bin/x") == "host:/usr/bin/x");
  CHECK(mapped(c, "/usr/pkgsrc/x") == "host:/usr/pkgsrc/x");
  CHECK(mapped(c, "/home/u/x") == "host:/home/u/x");
}

TEST_CASE("path_map: the database is never staged", "[path_map]") {
  auto c = active_config();
  c.db = "/var/db/stage.db";
  CHECK(mapped(c, "/var/db/stage.db") == "host:/var/db/stage.db");
  CHECK(mapped(c, "/var/db/other") == "stage:/var/db/other");
}

TEST_CASE("path_map: '..' is folded as written, so DESTDIR/x/../../foo is outside", "[path_map]") {
  auto c = active_config();
  CHECK(mapped(c, "/build/pkg/destdir/x/../../foo") == "stage:/build/pkg/foo");
  CHECK(mapped(c, "/build/pkg/destdir/x/../../work/foo") == "host:/build/pkg/work/foo");
  CHECK(mapped(c, "/build/pkg/destdir/../destdir/usr") == "stage:/usr");
  CHECK(mapped(c, "/build/pkg/destdir/..") == "stage:/build/pkg");
  // Relative operands fold against the working directory first.
  auto m = stage::map_path(c, stage::lexical_absolute("../../foo", "/build/pkg/destdir/x"));
  CHECK(m.path == "/build/pkg/foo");
  CHECK_FALSE(m.via_destdir);
  m = stage::map_path(c, stage::lexical_absolute("bin/x", "/build/pkg/destdir/usr"));
  CHECK(m.staged);
  CHECK(m.via_destdir);
  CHECK(m.path == "/usr/bin/x");
}

TEST_CASE("path_map: inactive configurations map everything to the real filesystem", "[path_map]") {
  stage::Config c;
  auto m = stage::map_path(c, "/usr/bin/x");
  CHECK_FALSE(m.staged);
  CHECK(m.path == "/usr/bin/x");
}
