// Unit tests of plist_export: PLIST and pkgsrc permission lines.
#include <catch2/catch.hpp>

#include "export_fixtures.h"
#include "stage/plist_export.h"

using fixtures::listed;
using fixtures::Scratch;

namespace {
// A stage like a small pkgsrc package below /usr/pkg.
struct Package {
  Scratch s;
  std::vector<stage::ListedEntry> entries;
  Package() {
    for (const char* d : {"/usr", "/usr/pkg", "/usr/pkg/bin", "/usr/pkg/share", "/usr/pkg/share/empty", "/var", "/var/games"})
      s.dir_(d);
    s.file("/usr/pkg/bin/a", "", 0755);
    s.file("/usr/pkg/bin/game", "", 0755);
    s.file("/usr/pkg/bin/z", "", 0755);
    s.file("/usr/pkg/share/doc", "", 0644);
    s.file("/var/games/score", "", 0644);
    entries = {listed(s, "/usr", 0755),
               listed(s, "/usr/pkg", 0755),
               listed(s, "/usr/pkg/bin", 0755),
               listed(s, "/usr/pkg/bin/a", 0755),
               listed(s, "/usr/pkg/bin/game", 02755, "root", "games"),
               listed(s, "/usr/pkg/bin/z", 0755),
               listed(s, "/usr/pkg/share", 0755),
               listed(s, "/usr/pkg/share/doc", 0444),
               listed(s, "/usr/pkg/share/empty", 0755),
               listed(s, "/var", 0755),
               listed(s, "/var/games", 0775, "games", "games"),
               listed(s, "/var/games/score", 0664, "games", "games")};
  }
};
}  // namespace

TEST_CASE("plist: paths relative to the prefix, @owner/@group/@mode around the entries that need them", "[plist]") {
  Package p;
  auto ctx = p.s.context();
  auto out = stage::format_plist(p.entries, ctx, "/usr/pkg");
  CHECK(out.text ==
        "bin/a\n"
        "@group games\n"
        "@mode 2755\n"
        "bin/game\n"
        "@group\n"
        "@mode\n"
        "bin/z\n"
        "@mode 0444\n"
        "share/doc\n"
        "@mode\n"
        "@pkgdir share/empty\n");
  // /var lies outside the prefix: pkgsrc handles it elsewhere; said once.
  REQUIRE(out.warnings.size() == 1);
  CHECK(out.warnings[0].find("outside the prefix") != std::string::npos);
}

TEST_CASE("plist: a mode the staged file carries on disk needs no @mode", "[plist]") {
  Package p;
  CHECK(stage::mode_carried_on_disk(p.entries[3]));          // 0755 on disk and recorded
  CHECK_FALSE(stage::mode_carried_on_disk(p.entries[4]));    // 02755 recorded, 0755 on disk
  CHECK_FALSE(stage::mode_carried_on_disk(p.entries[7]));    // 0444 recorded, 0644 on disk
}

TEST_CASE("plist: names a PLIST line cannot hold are left out with a warning", "[plist]") {
  Scratch s;
  s.file("/nl\nx", "");
  s.file("/@odd", "");
  auto ctx = s.context();
  auto out = stage::format_plist({listed(s, "/@odd", 0644), listed(s, "/nl\nx", 0644)}, ctx, "/");
  CHECK(out.text.empty());
  CHECK(out.warnings.size() == 2);
}

TEST_CASE("pkgsrc-perms: SPECIAL_PERMS for special files, OWN_DIRS_PERMS for special directories", "[plist]") {
  Package p;
  auto ctx = p.s.context();
  auto out = stage::format_pkgsrc_perms(p.entries, ctx, "/usr/pkg");
  CHECK(out.text ==
        "SPECIAL_PERMS+=\t\tbin/game root games 2755\n"
        "SPECIAL_PERMS+=\t\tshare/doc root wheel 0444\n"
        "OWN_DIRS_PERMS+=\t/var/games games games 0775\n"
        "SPECIAL_PERMS+=\t\t/var/games/score games games 0664\n");
  CHECK(out.warnings.empty());
}
