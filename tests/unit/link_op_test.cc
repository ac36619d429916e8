// link_op: GNU's relpath() and canonicalize(CAN_MISSING) that ln -r uses.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "stage/link_op.h"

TEST_CASE("link_op: relative path between logical locations", "[link_op]") {
  CHECK(*stage::relative_path("/usr/pkg/lib/libx.so.1", "/usr/pkg/lib") == "libx.so.1");
  CHECK(*stage::relative_path("/usr/pkg/lib/libx.so.1", "/usr/pkg/share/x") == "../../lib/libx.so.1");
  CHECK(*stage::relative_path("/usr/pkg/lib", "/usr/pkg/lib") == ".");
  CHECK(*stage::relative_path("/usr", "/usr/pkg/lib") == "../..");
  CHECK(*stage::relative_path("/a", "/") == "a");
  CHECK(*stage::relative_path("/", "/a/b") == "../..");
  CHECK(*stage::relative_path("/usr/pkgsrc/x", "/usr/pkg") == "../pkgsrc/x");
}

TEST_CASE("link_op: canonicalize expands symlinks and keeps missing names", "[link_op]") {
  std::map<std::string, std::string> links = {
      {"/usr/lib64", "lib"}, {"/opt", "/usr/local"}, {"/loop", "loop"}, {"/usr/lib/up", ".."}};
  auto read_link = [&](const std::string& p) -> std::optional<std::string> {
    auto it = links.find(p);
    if (it == links.end()) return std::nullopt;
    return it->second;
  };
  CHECK(*stage::canonicalize_missing("/usr/lib64/libx.so", read_link) == "/usr/lib/libx.so");
  CHECK(*stage::canonicalize_missing("/opt/bin/../lib", read_link) == "/usr/local/lib");
  CHECK(*stage::canonicalize_missing("/usr/lib/up/share", read_link) == "/usr/share");
  CHECK(*stage::canonicalize_missing("/missing/./x/..", read_link) == "/missing");
  CHECK(*stage::canonicalize_missing("/", read_link) == "/");
  CHECK(*stage::canonicalize_missing("/..", read_link) == "/");
  // A loop ends as gnulib's CAN_MISSING ends it: the looping name stays.
  CHECK(*stage::canonicalize_missing("/loop", read_link) == "/loop");
  CHECK_FALSE(stage::canonicalize_missing("relative", read_link));
}
