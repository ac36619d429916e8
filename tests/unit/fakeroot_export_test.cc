// Unit tests of fakeroot_export: faked save-file lines.
#include <catch2/catch.hpp>

#include <cstdio>
#include <sstream>

#include "export_fixtures.h"
#include "stage/fakeroot_export.h"

using fixtures::listed;
using fixtures::Scratch;

namespace {
std::string expected(const struct stat& st, unsigned long long mode, unsigned uid, unsigned gid) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "dev=%llx,ino=%llu,mode=%llo,uid=%u,gid=%u,nlink=%llu,rdev=0\n",
                (unsigned long long)st.st_dev, (unsigned long long)st.st_ino, mode, uid, gid,
                (unsigned long long)st.st_nlink);
  return buf;
}
}  // namespace

TEST_CASE("fakeroot: the root first, then each inode with its type and the recorded mode and ids", "[fakeroot]") {
  Scratch s;
  s.dir_("/d");
  s.file("/d/f", "x");
  auto ctx = s.context();
  auto out = stage::format_fakeroot({listed(s, "/d", 01777, "games", "games"), listed(s, "/d/f", 04711)}, ctx);
  struct stat root;
  ::lstat(s.root.c_str(), &root);
  CHECK(out == expected(root, 040755, 0, 0) + expected(s.lstat_("/d"), 041777, 12, 13) +
                   expected(s.lstat_("/d/f"), 0104711, 0, 0));
}

TEST_CASE("fakeroot: hard links share one line, the first name's", "[fakeroot]") {
  Scratch s;
  s.file("/a", "x");
  ::link((s.root + "/a").c_str(), (s.root + "/b").c_str());
  auto ctx = s.context();
  auto out = stage::format_fakeroot({listed(s, "/a", 0700), listed(s, "/b", 0755)}, ctx);
  std::istringstream in(out);
  int n = 0;
  for (std::string l; std::getline(in, l);) ++n;
  CHECK(n == 2);
  CHECK(out.find("mode=100700") != std::string::npos);
}

TEST_CASE("fakeroot: names without ids get placeholders, an error with --strict-ids, N with --unknown-id", "[fakeroot]") {
  Scratch s;
  s.file("/f", "");
  s.file("/g", "");
  auto ctx = s.context();
  std::vector<stage::ListedEntry> e{listed(s, "/f", 0600, "nobody-here", "zgroup"), listed(s, "/g", 0600, "nobody-here")};
  auto text = stage::format_fakeroot(e, ctx);
  CHECK(text.find("uid=2000000,gid=2000001") != std::string::npos);
  CHECK(text.find("uid=2000000,gid=0") != std::string::npos);
  ctx.strict_ids = true;
  CHECK_THROWS_AS(stage::format_fakeroot(e, ctx), stage::ExportError);
  ctx.strict_ids = false;
  ctx.unknown_id = 65534;
  CHECK(stage::format_fakeroot(e, ctx).find("uid=65534,gid=0") != std::string::npos);
}
