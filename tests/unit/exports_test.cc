// Unit tests of exports: ids from the target's databases, unknown names, selection.
#include <catch2/catch.hpp>

#include "export_fixtures.h"
#include "stage/exports.h"

using fixtures::listed;
using fixtures::named;
using fixtures::Scratch;

TEST_CASE("exports: the target's database decides a name's id, over the id recorded from the host", "[exports]") {
  Scratch s;
  auto ctx = s.context();
  CHECK(stage::known_user_id(ctx, named("games", 60)) == 12u);
  CHECK(stage::known_group_id(ctx, named("games", 60)) == 13u);
  // A name the target lacks keeps the recorded id.
  CHECK(stage::known_user_id(ctx, named("pkgsvc", 901)) == 901u);
  CHECK_FALSE(stage::known_user_id(ctx, named("pkgsvc")));
  // --unknown-id fills the gap only for exports that need a number.
  ctx.unknown_id = 4242;
  CHECK(stage::user_id(ctx, named("pkgsvc")) == 4242u);
  CHECK_FALSE(stage::known_user_id(ctx, named("pkgsvc")));
}

TEST_CASE("exports: an owner recorded by id alone is named from the database", "[exports]") {
  Scratch s;
  auto ctx = s.context();
  CHECK(stage::user_name(ctx, stage::Principal{"", 12}) == "games");
  CHECK(stage::user_name(ctx, stage::Principal{"", 777}).empty());
}

TEST_CASE("exports: numeric exports refuse names no database knows, and list them", "[exports]") {
  Scratch s;
  s.file("/a", "");
  s.file("/b", "");
  auto ctx = s.context();
  std::vector<stage::ListedEntry> entries{listed(s, "/a", 0644, "pkgsvc", "pkgsvc"), listed(s, "/b", 0644, "other", "games")};
  auto unknown = stage::unknown_names(ctx, entries);
  CHECK(unknown.users == std::vector<std::string>{"pkgsvc", "other"});
  CHECK(unknown.groups == std::vector<std::string>{"pkgsvc"});
  try {
    stage::require_ids(ctx, entries);
    FAIL("no error");
  } catch (const stage::ExportError& e) {
    std::string m = e.what();
    CHECK(m.find("users 'pkgsvc', 'other'") != std::string::npos);
    CHECK(m.find("group 'pkgsvc'") != std::string::npos);
    CHECK(m.find("STAGE_PASSWD") != std::string::npos);
    CHECK(m.find("STAGE_GROUPFILE") != std::string::npos);
    CHECK(m.find("--unknown-id") != std::string::npos);
  }
  ctx.unknown_id = 99;
  CHECK_NOTHROW(stage::require_ids(ctx, entries));
}

TEST_CASE("exports: PATH operands select entries at and below them", "[exports]") {
  Scratch s;
  s.dir_("/usr");
  s.file("/usr/a", "");
  s.file("/usr-b", "");
  s.file("/x", "");
  std::vector<stage::ListedEntry> all{listed(s, "/usr", 0755), listed(s, "/usr/a", 0644), listed(s, "/usr-b", 0644),
                                      listed(s, "/x", 0644)};
  all[3].untracked = true;
  auto got = stage::select_entries(all, {"usr"});
  REQUIRE(got.size() == 2);
  CHECK(got[0].entry.path == "/usr");
  CHECK(got[1].entry.path == "/usr/a");
  CHECK(stage::select_entries(all, {}, true).size() == 1);
  CHECK(stage::select_entries(all, {}).size() == 4);
}

TEST_CASE("exports: principals are the same by name, or by id when one side has only an id", "[exports]") {
  CHECK(stage::same_principal(named("root", 0), named("root")));
  CHECK_FALSE(stage::same_principal(named("root", 0), named("wheel", 0)));
  CHECK(stage::same_principal(stage::Principal{"", 0}, named("root", 0)));
  CHECK_FALSE(stage::same_principal(stage::Principal{"", 5}, named("root", 0)));
}
