// owners_test: passwd(5)/group(5) files and GNU's owner spec resolution.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

#include "stage/owners.h"

namespace {

struct ScratchFile {
  std::string path;
  explicit ScratchFile(const std::string& content) {
    char tmpl[] = "/tmp/stage-unit-file.XXXXXX";
    int fd = ::mkstemp(tmpl);
    ::close(fd);
    path = tmpl;
    std::ofstream(path) << content;
  }
  ~ScratchFile() { ::unlink(path.c_str()); }
};

const char* const kPasswd =
    "# a comment\n"
    "root:x:0:0:root:/root:/bin/sh\n"
    "+nisuser::::::\n"
    "-excluded::::::\n"
    "games:x:5:60:games:/usr/games:/usr/sbin/nologin\n"
    "pkgsvc:*:501:502::/nonexistent:/bin/false\n"
    "123:x:777:777::/:/bin/sh\n"
    "root:x:99:99:duplicate name, later:/:/bin/sh\n"
    "alias0:x:0:0:second name for uid 0:/:/bin/sh\n"
    "broken-line-without-fields\n"
    "badid:x:notanumber:0::/:/bin/sh\n"
    "\n"
    "noshell:x:600:601\n";

}  // namespace

TEST_CASE("owners: ids are decimal, optionally with '+', and never (uid_t)-1", "[owners]") {
  CHECK(stage::parse_id("0") == 0u);
  CHECK(stage::parse_id("123") == 123u);
  CHECK(stage::parse_id("+123") == 123u);
  CHECK(stage::parse_id("4294967294") == 4294967294u);
  CHECK_FALSE(stage::parse_id("4294967295"));
  CHECK_FALSE(stage::parse_id("4294967296"));
  CHECK_FALSE(stage::parse_id(""));
  CHECK_FALSE(stage::parse_id("+"));
  CHECK_FALSE(stage::parse_id("-1"));
  CHECK_FALSE(stage::parse_id("12a"));
  CHECK_FALSE(stage::parse_id(" 1"));
  CHECK_FALSE(stage::parse_id("++1"));
}

TEST_CASE("owners: a passwd file gives names, ids and primary groups", "[owners]") {
  ScratchFile f(kPasswd);
  stage::IdDatabase db(f.path);
  CHECK(db.id_of("root") == 0u);
  CHECK(db.id_of("games") == 5u);
  CHECK(db.id_of("pkgsvc") == 501u);
  CHECK(db.id_of("noshell") == 600u);
  CHECK(db.primary_group_of("games") == 60u);
  CHECK(db.primary_group_of("noshell") == 601u);
  // The first entry wins, as with getpwnam/getpwuid.
  CHECK(db.name_of(0) == std::string("root"));
  CHECK(db.id_of("alias0") == 0u);
  // Comments, NIS markers and malformed lines are skipped.
  CHECK_FALSE(db.id_of("# a comment"));
  CHECK_FALSE(db.id_of("+nisuser"));
  CHECK_FALSE(db.id_of("nisuser"));
  CHECK_FALSE(db.id_of("broken-line-without-fields"));
  CHECK_FALSE(db.id_of("badid"));
  CHECK_FALSE(db.name_of(12345));
}

TEST_CASE("owners: a group file gives group ids", "[owners]") {
  ScratchFile f("wheel:x:0:root\ngames:x:60:\npkgsvc:x:502:pkgsvc,other\n");
  stage::IdDatabase db(f.path);
  CHECK(db.id_of("wheel") == 0u);
  CHECK(db.id_of("pkgsvc") == 502u);
  CHECK(db.name_of(60) == std::string("games"));
}

TEST_CASE("owners: a missing database knows nobody", "[owners]") {
  stage::IdDatabase db("/nonexistent/passwd");
  CHECK_FALSE(db.id_of("root"));
  CHECK_FALSE(db.name_of(0));
}

TEST_CASE("owners: resolution as GNU does it: names first, then numbers, else unknown", "[owners]") {
  ScratchFile f(kPasswd);
  stage::IdDatabase db(f.path);
  CHECK(stage::resolve_principal(db, "games") == stage::Principal{"games", 5});
  // A number is an id; its name is filled in when the database knows it.
  CHECK(stage::resolve_principal(db, "5") == stage::Principal{"games", 5});
  CHECK(stage::resolve_principal(db, "4242") == stage::Principal{"", 4242});
  // An all-digit name the database knows is the name (GNU's chown rule)...
  CHECK(stage::resolve_principal(db, "123") == stage::Principal{"123", 777});
  // ... unless '+' says it is a number.
  CHECK(stage::resolve_principal(db, "+123") == stage::Principal{"", 123});
  CHECK(stage::resolve_principal(db, "+5") == stage::Principal{"games", 5});
  // Unknown names are returned by name without an id (recorded, or an error when strict).
  CHECK(stage::resolve_principal(db, "nosuchuser") == stage::Principal{"nosuchuser", std::nullopt});
  CHECK(stage::resolve_principal(db, "nisuser") == stage::Principal{"nisuser", std::nullopt});
}

TEST_CASE("id database: the first answers (a scan of the text) equal the later ones (the maps)", "[owners]") {
  // A drop-in's few questions are answered by scanning the file; from the
  // ninth on, maps are built. Both must give the same answers, first line first.
  ScratchFile f(kPasswd);
  stage::IdDatabase scanned(f.path), indexed(f.path);
  for (int i = 0; i < 20; ++i) (void)indexed.id_of("nobody-here");  // past the scans
  const char* names[] = {"root", "games", "pkgsvc", "123", "alias0", "noshell", "nisuser", "excluded", "badid", "x"};
  for (const char* n : names) {
    stage::IdDatabase fresh(f.path);
    CHECK(fresh.id_of(n) == indexed.id_of(n));
    CHECK(fresh.primary_group_of(n) == indexed.primary_group_of(n));
  }
  for (uint32_t id : {0u, 5u, 99u, 501u, 600u, 777u, 12345u}) {
    stage::IdDatabase fresh(f.path);
    CHECK(fresh.name_of(id) == indexed.name_of(id));
  }
  CHECK(scanned.id_of("root") == 0u);
  CHECK(scanned.name_of(0) == std::string("root"));
  CHECK(scanned.primary_group_of("games") == 60u);
  CHECK(!scanned.id_of("nisuser"));
  // A missing file answers nothing, either way.
  stage::IdDatabase missing("/nonexistent/passwd");
  for (int i = 0; i < 12; ++i) CHECK(!missing.id_of("root"));
}
