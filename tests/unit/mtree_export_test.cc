// Unit tests of mtree_export: METALOG lines.
#include <catch2/catch.hpp>

#include <sstream>

#include "export_fixtures.h"
#include "stage/content.h"
#include "stage/mtree_export.h"

using fixtures::listed;
using fixtures::Scratch;

namespace {
std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}
}  // namespace

TEST_CASE("mtree: #mtree, the root line, then one line per entry with NetBSD's keywords", "[mtree]") {
  Scratch s;
  s.dir_("/bin");
  s.file("/bin/foo", "abc");
  ::symlink("foo", (s.root + "/bin/bar").c_str());
  auto ctx = s.context();
  std::vector<stage::ListedEntry> e{listed(s, "/bin", 0755), listed(s, "/bin/bar", 0755), listed(s, "/bin/foo", 04755, "root", "games")};
  stage::refresh_content(ctx.root.get(), e);
  auto l = lines(stage::format_mtree(e, ctx));
  REQUIRE(l.size() == 5);
  CHECK(l[0] == "#mtree");
  CHECK(l[1] == ". type=dir uname=root gname=wheel uid=0 gid=0 mode=0755");
  CHECK(l[2] == "./bin type=dir uname=root gname=wheel uid=0 gid=0 mode=0755");
  CHECK(l[3] == "./bin/bar type=link uname=root gname=wheel uid=0 gid=0 mode=0755 link=foo");
  CHECK(l[4] == "./bin/foo type=file uname=root gname=games uid=0 gid=13 mode=04755 size=3 sha256=" + stage::sha256_of("abc"));
}

TEST_CASE("mtree: names and link targets are strsvis-encoded", "[mtree]") {
  Scratch s;
  s.file("/a b#c\\d", "");
  ::symlink("x y", (s.root + "/l\nk").c_str());
  auto ctx = s.context();
  std::vector<stage::ListedEntry> e{listed(s, "/a b#c\\d", 0644), listed(s, "/l\nk", 0777)};
  auto text = stage::format_mtree(e, ctx);
  CHECK(text.find("./a\\040b\\043c\\134d type=file") != std::string::npos);
  CHECK(text.find("./l\\012k type=link") != std::string::npos);
  CHECK(text.find("link=x\\040y") != std::string::npos);
  // One line per entry whatever the names hold.
  CHECK(lines(text).size() == 4);
}

TEST_CASE("mtree: a hard link is a plain file line, as in NetBSD's METALOG", "[mtree]") {
  Scratch s;
  s.file("/a", "abc");
  ::link((s.root + "/a").c_str(), (s.root + "/b").c_str());
  auto ctx = s.context();
  auto b = listed(s, "/b", 0644);
  b.entry.type = stage::EntryType::Hardlink;
  b.entry.target = "/a";
  std::vector<stage::ListedEntry> e{listed(s, "/a", 0644), b};
  stage::refresh_content(ctx.root.get(), e);
  auto l = lines(stage::format_mtree(e, ctx));
  CHECK(l[3].rfind("./b type=file ", 0) == 0);
  CHECK(l[3].find("size=3 sha256=") != std::string::npos);
}

TEST_CASE("mtree: a name without an id is written by name only, unless --unknown-id gives one", "[mtree]") {
  Scratch s;
  s.file("/f", "");
  auto ctx = s.context();
  std::vector<stage::ListedEntry> e{listed(s, "/f", 0640, "pkgsvc", "pkgsvc")};
  CHECK(stage::format_mtree(e, ctx).find("./f type=file uname=pkgsvc gname=pkgsvc mode=0640") != std::string::npos);
  REQUIRE(ctx.warnings.size() == 1);
  CHECK(ctx.warnings[0].find("user 'pkgsvc' and group 'pkgsvc'") != std::string::npos);
  ctx.strict_ids = true;
  CHECK_THROWS_AS(stage::format_mtree(e, ctx), stage::ExportError);
  ctx.strict_ids = false;
  ctx.unknown_id = 900;
  auto text = stage::format_mtree(e, ctx);
  CHECK(text.find("uname=pkgsvc gname=pkgsvc uid=900 gid=900 mode=0640") != std::string::npos);
}

TEST_CASE("mtree: modes are written as %#o", "[mtree]") {
  CHECK(stage::mtree_mode(04755) == "04755");
  CHECK(stage::mtree_mode(0644) == "0644");
  CHECK(stage::mtree_mode(01777) == "01777");
  CHECK(stage::mtree_mode(0) == "0");
}
