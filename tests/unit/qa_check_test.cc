// Unit tests of qa_check: the findings of stage-ls --check.
#include <catch2/catch.hpp>

#include <algorithm>

#include "export_fixtures.h"
#include "stage/qa_check.h"

using fixtures::listed;
using fixtures::Scratch;

namespace {
bool has(const std::vector<stage::Finding>& f, const std::string& kind, const std::string& path) {
  return std::any_of(f.begin(), f.end(), [&](const stage::Finding& x) { return x.kind == kind && x.path == path; });
}
}  // namespace

TEST_CASE("qa: a clean stage has no findings", "[qa]") {
  Scratch s;
  s.dir_("/bin");
  s.file("/bin/ok", "#!/bin/sh\n", 0755);
  auto ctx = s.context();
  CHECK(stage::qa_check({listed(s, "/bin", 0755), listed(s, "/bin/ok", 0755)}, ctx).empty());
}

TEST_CASE("qa: every kind of finding, each with what to do", "[qa]") {
  Scratch s;
  s.file("/untracked", "");
  s.file("/suid", "");
  s.file("/sgid", "");
  s.file("/ww", "");
  s.file("/gw", "");
  s.dir_("/tmpdir");
  s.dir_("/spool");
  s.file("/stranger", "");
  s.file("/config", "prefix=" + s.root + "/usr/pkg\n");
  ::symlink((s.root + "/usr/lib/libx.so.1").c_str(), (s.root + "/libx.so").c_str());
  auto ctx = s.context();
  auto u = listed(s, "/untracked", 0644);
  u.untracked = true;
  std::vector<stage::ListedEntry> e{listed(s, "/config", 0644),   listed(s, "/gw", 0664),
                                    listed(s, "/libx.so", 0777),  listed(s, "/sgid", 02755, "root", "games"),
                                    listed(s, "/spool", 01777),   listed(s, "/stranger", 0644, "pkgsvc", "pkgsvc"),
                                    listed(s, "/suid", 04755),    listed(s, "/tmpdir", 0777),
                                    u,                            listed(s, "/ww", 0666)};
  auto f = stage::qa_check(e, ctx);
  CHECK(has(f, "untracked", "/untracked"));
  CHECK(has(f, "setuid", "/suid"));
  CHECK(has(f, "setgid", "/sgid"));
  CHECK_FALSE(has(f, "capabilities", "/suid"));
  CHECK(has(f, "world-writable", "/ww"));
  CHECK(has(f, "group-writable", "/gw"));
  CHECK(has(f, "world-writable", "/tmpdir"));
  CHECK_FALSE(has(f, "world-writable", "/spool"));  // sticky: the /tmp pattern
  CHECK(has(f, "unknown-user", "/stranger"));
  CHECK(has(f, "unknown-group", "/stranger"));
  CHECK(has(f, "destdir-in-symlink", "/libx.so"));
  CHECK(has(f, "destdir-in-content", "/config"));
  for (const auto& x : f) CHECK_FALSE(x.advice.empty());
  std::string text = stage::format_findings(f);
  CHECK(std::count(text.begin(), text.end(), '\n') == static_cast<long>(f.size()));
}

TEST_CASE("qa: the staging path is found across read blocks and not in look-alikes", "[qa]") {
  Scratch s;
  std::string big(3 << 20, 'x');
  big.replace((1 << 20) - 3, s.root.size(), s.root);  // straddles the first block boundary
  s.file("/big", big);
  s.file("/near", s.root.substr(0, s.root.size() - 1) + "X");
  auto ctx = s.context();
  CHECK(stage::file_contains(ctx.root.get(), "/big", s.root));
  CHECK_FALSE(stage::file_contains(ctx.root.get(), "/near", s.root));
}

TEST_CASE("qa: paths with control characters are quoted in the report", "[qa]") {
  stage::Finding f{"untracked", "/a\nb", "advice"};
  auto text = stage::format_findings({f});
  CHECK(text.find('\n') == text.size() - 1);
}

TEST_CASE("qa: a file with capabilities (setcap under --root) is a finding, like a setuid file", "[qa]") {
  Scratch s;
  s.file("/ping", "x");
  auto ctx = s.context();
  auto le = listed(s, "/ping", 0755);
  le.entry.caps = stage::FileCaps{std::string("\x01\x00\x00\x02\x00\x20\x00\x00", 8) + std::string(12, '\0'), {}};
  auto f = stage::qa_check({le}, ctx);
  REQUIRE(f.size() == 1);
  CHECK(f[0].kind == "capabilities");
  CHECK(f[0].advice.find("cap_net_raw=ep") != std::string::npos);
}
