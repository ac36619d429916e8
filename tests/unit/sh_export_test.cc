// Unit tests of sh_export: the chown/chmod script of a stage.
#include <catch2/catch.hpp>

#include <sys/sysmacros.h>

#include <sstream>

#include "export_fixtures.h"
#include "stage/run_env.h"
#include "stage/sh_export.h"

using fixtures::listed;
using fixtures::Scratch;

namespace {
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}
// The index of the first line that starts with `prefix`, or -1.
long line_index(const std::vector<std::string>& lines, const std::string& prefix) {
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].rfind(prefix, 0) == 0) return static_cast<long>(i);
  return -1;
}
}  // namespace

TEST_CASE("sh: set -e, cd to the stage or $1, then chowns grouped by owner, then chmods by mode", "[sh]") {
  Scratch s;
  s.dir_("/d");
  s.file("/d/f", "x");
  s.file("/d/g", "y");
  auto ctx = s.context();
  auto out = stage::format_sh(
      {listed(s, "/d", 01777, "games", "games"), listed(s, "/d/f", 04711), listed(s, "/d/g", 0644, "games", "wheel")},
      ctx);
  auto l = lines_of(out);
  REQUIRE(l.size() == 11);
  CHECK(l[0] == "#!/bin/sh");
  CHECK(l[2] == "set -e");
  CHECK(l[3] == "if [ $# -gt 0 ]; then cd -- \"$1\"; else cd -- " + stage::shell_word(s.root) + "; fi");
  // Numeric ids from the target's databases (games 12:13, root:wheel 0:0); the root is `.`.
  CHECK(l[4] == "command -p chown -h 0:0 -- . ./d/f");
  CHECK(l[5] == "command -p chown -h 12:0 -- ./d/g");
  CHECK(l[6] == "command -p chown -h 12:13 -- ./d");
  CHECK(l[7] == "command -p chmod 0644 -- ./d/g");
  CHECK(l[8] == "command -p chmod 0755 -- .");
  CHECK(l[9] == "command -p chmod 1777 -- ./d");
  CHECK(out.find("4711 -- ./d/f") != std::string::npos);
}

TEST_CASE("sh: symlinks get chown -h and no chmod; hard links are named once", "[sh]") {
  Scratch s;
  s.file("/a", "x");
  ::link((s.root + "/a").c_str(), (s.root + "/b").c_str());
  ::symlink("a", (s.root + "/l").c_str());
  auto ctx = s.context();
  auto out = stage::format_sh({listed(s, "/a", 0700), listed(s, "/b", 0700), listed(s, "/l", 0777)}, ctx);
  CHECK(out.find("command -p chown -h 0:0 -- . ./a ./l\n") != std::string::npos);
  CHECK(out.find("./b") == std::string::npos);
  CHECK(out.find("chmod 0777") == std::string::npos);
  CHECK(out.find("command -p chmod 0700 -- ./a\n") != std::string::npos);
}

TEST_CASE("sh: any byte but NUL in a path is one quoted word", "[sh]") {
  Scratch s;
  std::string odd = "/it's a\nname $(x) `y` \\ \"*";
  s.file(odd, "x");
  auto ctx = s.context();
  auto out = stage::format_sh({listed(s, odd, 0600)}, ctx);
  CHECK(out.find("command -p chmod 0600 -- './it'\\''s a\nname $(x) `y` \\ \"*'\n") != std::string::npos);
  CHECK(stage::shell_word("./plain-name_1.0+x@y%z,w=v:u") == "./plain-name_1.0+x@y%z,w=v:u");
  CHECK(stage::shell_word("") == "''");
}

TEST_CASE("sh: many paths split into commands of at most kShBatchBytes", "[sh]") {
  Scratch s;
  std::vector<stage::ListedEntry> e;
  std::string stem(100, 'n');
  for (int i = 0; i < 1000; ++i) {
    std::string p = "/" + stem + std::to_string(1000 + i);
    s.file(p, "");
    e.push_back(listed(s, p, 0644));
  }
  auto ctx = s.context();
  auto l = lines_of(stage::format_sh(e, ctx));
  size_t chowns = 0, chmods = 0, named = 0;
  for (const auto& line : l) {
    CHECK(line.size() <= stage::kShBatchBytes);
    if (line.rfind("command -p chown -h 0:0 -- ", 0) == 0) ++chowns;
    if (line.rfind("command -p chmod 0644 -- ", 0) == 0) ++chmods;
    for (size_t at = line.find(" ./n"); at != std::string::npos; at = line.find(" ./n", at + 1)) ++named;
  }
  // 1000 names of 107 bytes: about 104 KiB for each verb.
  CHECK(chowns == 4);
  CHECK(chmods == 4);
  CHECK(named == 2000);
}

TEST_CASE("sh: unknown names get placeholders (one warning), an error with --strict-ids", "[sh]") {
  Scratch s;
  s.file("/f", "");
  auto ctx = s.context();
  std::vector<stage::ListedEntry> e{listed(s, "/f", 0640, "pkgsvc", "pkgsvc")};
  CHECK(stage::format_sh(e, ctx).find("chown -h 2000000:2000000 -- ./f\n") != std::string::npos);
  CHECK(ctx.warnings.size() == 1);
  ctx.strict_ids = true;
  CHECK_THROWS_AS(stage::format_sh(e, ctx), stage::ExportError);
}

TEST_CASE("sh: a device over --root's placeholder is made with mknod before chown; capabilities after chmod", "[sh]") {
  Scratch s;
  s.dir_("/dev");
  s.file("/dev/fuse", "", 0600);
  s.file("/ping", "elf");
  auto ctx = s.context();
  auto dev = listed(s, "/dev/fuse", 0666);
  dev.entry.type = stage::EntryType::CharDevice;
  dev.entry.rdev = makedev(10, 229);
  auto ping = listed(s, "/ping", 0755);
  // cap_net_raw (13) permitted and effective, revision 2.
  std::string xattr(20, '\0');
  xattr[0] = 1, xattr[3] = 2, xattr[4 + 1] = 0x20;
  ping.entry.caps = stage::FileCaps{xattr, {}};
  auto l = lines_of(stage::format_sh({listed(s, "/dev", 0755), dev, ping}, ctx));
  long rm = line_index(l, "command -p rm -f -- ./dev/fuse");
  long mknod = line_index(l, "command -p mknod ./dev/fuse c 10 229");
  long chown = line_index(l, "command -p chown");
  long chmod = line_index(l, "command -p chmod");
  long setcap = line_index(l, "setcap cap_net_raw=ep ./ping");
  CHECK(rm > 0);
  CHECK(mknod == rm + 1);
  CHECK(mknod < chown);
  CHECK(chown < chmod);
  CHECK(chmod < setcap);
  CHECK(line_index(l, "command -p chmod 0666 -- ./dev/fuse") > 0);
}
