// Unit tests of package_lists: rpm %files lists and FreeBSD pkg plists.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "export_fixtures.h"
#include "stage/package_lists.h"

using fixtures::listed;
using fixtures::Scratch;

namespace {

std::vector<stage::ListedEntry> sample(Scratch& s) {
  s.dir_("/usr");
  s.dir_("/usr/pkg");
  s.dir_("/usr/pkg/bin");
  s.file("/usr/pkg/bin/su", "x", 0755);
  s.file("/usr/pkg/bin/plain", "x", 0644);
  s.file("/usr/pkg/bin/100%", "x", 0644);
  s.file("/usr/pkg/bin/a*b", "x", 0644);
  ::symlink("su", (s.root + "/usr/pkg/bin/link").c_str());
  s.dir_("/var");
  s.dir_("/var/games");
  s.dir_("/var/games/x");
  return {listed(s, "/usr", 0755),
          listed(s, "/usr/pkg", 0755),
          listed(s, "/usr/pkg/bin", 0755),
          listed(s, "/usr/pkg/bin/100%", 0644, "root", "root"),
          listed(s, "/usr/pkg/bin/a*b", 0644, "root", "root"),
          listed(s, "/usr/pkg/bin/link", 0777, "games", "games"),
          listed(s, "/usr/pkg/bin/plain", 0644, "root", "root"),
          listed(s, "/usr/pkg/bin/su", 04755, "root", "root"),
          listed(s, "/var", 0755),
          listed(s, "/var/games", 0755),
          listed(s, "/var/games/x", 0775, "games", "games")};
}

}  // namespace

TEST_CASE("package_lists: rpm gets %attr only where its defaults are wrong, %dir for the package's directories", "[package_lists]") {
  Scratch s;
  auto entries = sample(s);
  auto ctx = s.context();
  auto out = stage::format_rpm(entries, ctx, "/usr/pkg", {"/usr/pkg/bin/plain"});
  CHECK(out.text ==
        "%defattr(-,root,root,-)\n"
        "%dir %attr(-,root,wheel) \"/usr/pkg/bin\"\n"
        "\"/usr/pkg/bin/100%%\"\n"
        "%attr(-,games,games) \"/usr/pkg/bin/link\"\n"
        "%config(noreplace) \"/usr/pkg/bin/plain\"\n"
        "%attr(4755,root,root) \"/usr/pkg/bin/su\"\n"
        "%dir %attr(0775,games,games) \"/var/games/x\"\n");
  REQUIRE(out.warnings.size() == 1);
  CHECK(out.warnings[0].find("'/usr/pkg/bin/a*b' left out") == 0);
}

TEST_CASE("package_lists: a FreeBSD plist carries every owner, group and mode", "[package_lists]") {
  Scratch s;
  auto entries = sample(s);
  auto ctx = s.context();
  auto out = stage::format_freebsd(entries, ctx, "/usr/pkg");
  CHECK(out.text ==
        "@dir(root,wheel,0755) bin\n"
        "@(root,root,0644) bin/100%\n"
        "@(root,root,0644) bin/a*b\n"
        "@(games,games,0777) bin/link\n"
        "@(root,root,0644) bin/plain\n"
        "@(root,root,4755) bin/su\n"
        "@dir(games,games,0775) /var/games/x\n");
  CHECK(out.warnings.empty());
}

TEST_CASE("package_lists: the system's directories and the prefix's ancestors are not the package's", "[package_lists]") {
  CHECK_FALSE(stage::package_owns_dir("/usr", "/usr/pkg"));
  CHECK_FALSE(stage::package_owns_dir("/usr/pkg", "/usr/pkg"));
  CHECK_FALSE(stage::package_owns_dir("/usr/share/man/man1", "/usr/pkg"));
  CHECK_FALSE(stage::package_owns_dir("/var/lib", "/usr"));
  CHECK(stage::package_owns_dir("/usr/pkg/bin", "/usr/pkg"));
  CHECK(stage::package_owns_dir("/var/lib/foo", "/usr"));
  CHECK(stage::package_owns_dir("/usr/share/foo", "/usr"));
}
