// Unit tests: info_export (install-info's record mode, listed).
#include <catch2/catch.hpp>

#include "stage/info_export.h"

TEST_CASE("info_export: one line per entry, continuation lines and tabs escaped", "[info_export]") {
  std::vector<stage::InfoRecord> records = {
      {"/usr/pkg/info/a.info", "/usr/pkg/info/dir", "Text", "* A: (a).   First line\n             second line.\n"},
      {"/usr/pkg/info/b\\x.info", "/usr/pkg/info/dir", "Tab\there", "* B: (b).   One.\n"},
  };
  CHECK(stage::format_info(records) ==
        "/usr/pkg/info/a.info\tText\t* A: (a).   First line\\n             second line.\n"
        "/usr/pkg/info/b\\\\x.info\tTab\\there\t* B: (b).   One.\n");
}

TEST_CASE("info_export: nothing recorded gives nothing", "[info_export]") {
  CHECK(stage::format_info({}).empty());
}
