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

TEST_CASE("exports: --strict-ids refuses names no database knows, and lists them", "[exports]") {
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
    CHECK(m.find("--strict-ids") != std::string::npos);
  }
  ctx.strict_ids = true;
  CHECK_THROWS_AS(stage::prepare_ids(ctx, entries, stage::IdUse::ByName), stage::ExportError);
}

TEST_CASE("exports: placeholder ids skip ids the target or the host uses, one id per name", "[exports]") {
  Scratch s;
  s.file("/a", "");
  // The target's passwd uses the first placeholder id.
  Scratch::write(s.dir + "/passwd", "root:x:0:0::/:/bin/sh\nbig:x:2000000:0::/:/bin/sh\n");
  auto ctx = s.context();
  std::vector<stage::ListedEntry> entries{listed(s, "/a", 0644, "zsvc", "asvc"), listed(s, "/a", 0644, "asvc", "zsvc")};
  std::string w = stage::prepare_ids(ctx, entries, stage::IdUse::Numeric);
  CHECK(w.find("asvc=2000001, zsvc=2000002") != std::string::npos);
  CHECK(stage::user_id(ctx, named("asvc")) == 2000001u);
  CHECK(stage::group_id(ctx, named("asvc")) == 2000001u);
  CHECK(stage::user_id(ctx, named("zsvc")) == 2000002u);
  // Names-only exports give no id; by-name exports say nothing.
  CHECK(stage::prepare_ids(ctx, entries, stage::IdUse::NameOnly).find("by name only") != std::string::npos);
  CHECK_FALSE(stage::user_id(ctx, named("zsvc")));
  CHECK(stage::prepare_ids(ctx, entries, stage::IdUse::ByName).empty());
  // --unknown-id: that number for all of them.
  ctx.unknown_id = 99;
  stage::prepare_ids(ctx, entries, stage::IdUse::Numeric);
  CHECK(stage::user_id(ctx, named("zsvc")) == 99u);
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
