// Unit tests of pacman_export: makepkg's .MTREE.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "export_fixtures.h"
#include "stage/pacman_export.h"

using fixtures::listed;
using fixtures::Scratch;

TEST_CASE("pacman_export: /set defaults, numeric ids, digests, clamped times, no sockets", "[pacman]") {
  Scratch s;
  s.dir_("/usr");
  s.file("/usr/a=b", "abc", 0644);
  ::symlink("a=b", (s.root + "/usr/l").c_str());
  int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  std::string path = s.root + "/usr/sock";
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  REQUIRE(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  ::close(sock);
  auto ctx = s.context();
  std::vector<stage::ListedEntry> e{listed(s, "/usr", 0755), listed(s, "/usr/a=b", 0640, "games", "svc"),
                                    listed(s, "/usr/l", 0777), listed(s, "/usr/sock", 0755)};
  e[1].entry.sha256 = "d1g";
  stage::PacmanMtreeOptions o;
  o.clamp_mtime = 1000;
  o.pkginfo = "pkgname = x\n";
  o.pkginfo_mtime = 1000;
  std::string text = stage::format_pacman_mtree(e, ctx, o);
  CHECK(text ==
        "#mtree\n/set type=file uid=0 gid=0 mode=644\n"
        "./.PKGINFO time=1000.0 size=12 sha256digest=" + stage::sha256_of("pkgname = x\n") + "\n"
        "./usr time=1000.0 mode=755 type=dir\n"
        "./usr/a\\075b time=1000.0 mode=640 uid=12 gid=2000000 size=3 sha256digest=d1g\n"
        "./usr/l time=1000.0 mode=777 type=link link=a\\075b\n");
  REQUIRE(ctx.warnings.size() == 1);
  CHECK(ctx.warnings[0].find("group 'svc'") != std::string::npos);
}
