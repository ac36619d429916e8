// owners: chown's OWNER[:GROUP] grammar and chgrp's GROUP, as GNU reads them.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "stage/owners.h"

namespace {

struct Databases {
  std::string dir = [] {
    char tmpl[] = "/tmp/stage-owner-spec.XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  stage::IdDatabase users{write("passwd", "root:x:0:0::/root:/bin/sh\nbin:x:2:2::/:/bin/false\n"
                                          "games:x:5:60::/:/bin/false\nlonely:x:77:999::/:/bin/false\n"
                                          "dot.ted:x:88:0::/:/bin/false\n")};
  stage::IdDatabase groups{write("group", "root:x:0:\nbin:x:2:\nstaff:x:50:\ngames:x:60:\n")};
  std::string write(const char* name, const char* text) {
    std::string path = dir + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  ~Databases() {
    std::remove((dir + "/passwd").c_str());
    std::remove((dir + "/group").c_str());
    std::remove(dir.c_str());
  }
};

}  // namespace

TEST_CASE("owner spec: OWNER:GROUP by name and by id", "[owners]") {
  Databases db;
  auto s = stage::parse_owner_spec(db.users, db.groups, "bin:staff", false);
  REQUIRE(s.error.empty());
  CHECK(*s.user == stage::Principal{"bin", 2});
  CHECK(*s.group == stage::Principal{"staff", 50});
  CHECK(*s.user_name == "bin");
  CHECK(*s.group_name == "staff");

  s = stage::parse_owner_spec(db.users, db.groups, "2:50", false);
  REQUIRE(s.error.empty());
  CHECK(*s.user == stage::Principal{"bin", 2});
  CHECK(*s.group == stage::Principal{"staff", 50});
  CHECK_FALSE(s.user_name);  // GNU -v prints a number it was given as a number
  CHECK_FALSE(s.group_name);
}

TEST_CASE("owner spec: OWNER: takes the login group, and 0: is invalid", "[owners]") {
  Databases db;
  auto s = stage::parse_owner_spec(db.users, db.groups, "games:", false);
  REQUIRE(s.error.empty());
  CHECK(*s.group == stage::Principal{"games", 60});
  s = stage::parse_owner_spec(db.users, db.groups, "lonely:", false);
  REQUIRE(s.error.empty());
  CHECK(*s.group == stage::Principal{"", 999});
  CHECK(*s.group_name == "999");
  CHECK(stage::parse_owner_spec(db.users, db.groups, "0:", false).error == "invalid spec");
  CHECK(stage::parse_owner_spec(db.users, db.groups, "0:", true).error == "invalid spec");
  CHECK(stage::parse_owner_spec(db.users, db.groups, "nobodyknows:", true).error == "invalid spec");
}

TEST_CASE("owner spec: :GROUP, empty, ':' and +N", "[owners]") {
  Databases db;
  auto s = stage::parse_owner_spec(db.users, db.groups, ":games", false);
  CHECK_FALSE(s.user);
  CHECK(*s.group == stage::Principal{"games", 60});
  s = stage::parse_owner_spec(db.users, db.groups, "", false);
  CHECK(s.error.empty());
  CHECK_FALSE(s.user);
  CHECK_FALSE(s.group);
  s = stage::parse_owner_spec(db.users, db.groups, ":", false);
  CHECK(s.error.empty());
  CHECK_FALSE(s.group);
  s = stage::parse_owner_spec(db.users, db.groups, "+5:+0", false);
  CHECK(*s.user == stage::Principal{"games", 5});
  CHECK(*s.group == stage::Principal{"root", 0});
  CHECK(stage::parse_owner_spec(db.users, db.groups, "+bin", false).error == "invalid user");
  CHECK(stage::parse_owner_spec(db.users, db.groups, "4294967295", false).error == "invalid user");
  CHECK(stage::parse_owner_spec(db.users, db.groups, "5x", false).error == "invalid user");
  CHECK(stage::parse_owner_spec(db.users, db.groups, " 5", false).user->id == 5u);
}

TEST_CASE("owner spec: OWNER.GROUP with GNU's warning, a dotted user name without", "[owners]") {
  Databases db;
  auto s = stage::parse_owner_spec(db.users, db.groups, "bin.staff", false);
  REQUIRE(s.error.empty());
  CHECK(s.dot_warning);
  CHECK(*s.group == stage::Principal{"staff", 50});
  s = stage::parse_owner_spec(db.users, db.groups, "dot.ted", false);
  REQUIRE(s.error.empty());
  CHECK_FALSE(s.dot_warning);
  CHECK(*s.user == stage::Principal{"dot.ted", 88});
  CHECK_FALSE(s.group);
}

TEST_CASE("owner spec: unknown names are errors, or kept by name for the stage", "[owners]") {
  Databases db;
  CHECK(stage::parse_owner_spec(db.users, db.groups, "root:wheel", false).error == "invalid group");
  CHECK(stage::parse_owner_spec(db.users, db.groups, "pkgsrc", false).error == "invalid user");
  auto s = stage::parse_owner_spec(db.users, db.groups, "root:wheel", true);
  REQUIRE(s.error.empty());
  CHECK(*s.user == stage::Principal{"root", 0});
  CHECK(*s.group == stage::Principal{"wheel", std::nullopt});
  CHECK(*s.group_name == "wheel");
  s = stage::parse_owner_spec(db.users, db.groups, "root.wheel", true);
  REQUIRE(s.error.empty());
  CHECK(s.dot_warning);
  CHECK(*s.group == stage::Principal{"wheel", std::nullopt});
  s = stage::parse_owner_spec(db.users, db.groups, "pkgsrc", true);
  CHECK(*s.user == stage::Principal{"pkgsrc", std::nullopt});
  CHECK(stage::parse_owner_spec(db.users, db.groups, "+x", true).error == "invalid user");
}

TEST_CASE("group spec: chgrp reads names, then numbers with '+'", "[owners]") {
  Databases db;
  std::string error;
  CHECK(*stage::parse_group_spec(db.groups, "staff", false, &error) == stage::Principal{"staff", 50});
  CHECK(*stage::parse_group_spec(db.groups, "+60", false, &error) == stage::Principal{"games", 60});
  CHECK_FALSE(stage::parse_group_spec(db.groups, "", false, &error));
  CHECK(error.empty());
  CHECK_FALSE(stage::parse_group_spec(db.groups, "wheel", false, &error));
  CHECK(error == "invalid group");
  error.clear();
  CHECK(*stage::parse_group_spec(db.groups, "wheel", true, &error) == stage::Principal{"wheel", std::nullopt});
  CHECK(error.empty());
}

TEST_CASE("owner spec: names GNU refuses stay refused in the stage (empty, ':', newline, out of range)", "[owners]") {
  Databases db;
  // As GNU coreutils 9.1's chown: "invalid user" / "invalid group", lenient or not.
  for (bool lenient : {false, true}) {
    CHECK(stage::parse_owner_spec(db.users, db.groups, "x\ny", lenient).error == "invalid user");
    CHECK(stage::parse_owner_spec(db.users, db.groups, "root:x\ny", lenient).error == "invalid group");
    CHECK(stage::parse_owner_spec(db.users, db.groups, "a:b:c", lenient).error == "invalid user");
    CHECK(stage::parse_owner_spec(db.users, db.groups, "root:wheel:x", lenient).error == "invalid group");
    CHECK(stage::parse_owner_spec(db.users, db.groups, ":a:b", lenient).error == "invalid group");
    CHECK(stage::parse_owner_spec(db.users, db.groups, "4294967295", lenient).error == "invalid user");
    CHECK(stage::parse_owner_spec(db.users, db.groups, "4294967296", lenient).error == "invalid user");
    CHECK(stage::parse_owner_spec(db.users, db.groups, "99999999999999999999", lenient).error == "invalid user");
    CHECK(stage::parse_owner_spec(db.users, db.groups, ":4294967296", lenient).error == "invalid group");
    CHECK(stage::parse_owner_spec(db.users, db.groups, "tab\there", lenient).error == "invalid user");
    std::string error;
    CHECK_FALSE(stage::parse_group_spec(db.groups, "x\ny", lenient, &error));
    CHECK(error == "invalid group");
    error.clear();
    CHECK_FALSE(stage::parse_group_spec(db.groups, "a:b", lenient, &error));
    CHECK(error == "invalid group");
    error.clear();
    CHECK_FALSE(stage::parse_group_spec(db.groups, "4294967296", lenient, &error));
    CHECK(error == "invalid group");
  }
  // GNU: an empty spec, ':' and chgrp '' change nothing, successfully.
  auto s = stage::parse_owner_spec(db.users, db.groups, "", true);
  CHECK(s.error.empty());
  CHECK_FALSE(s.user);
  CHECK_FALSE(s.group);
  CHECK(stage::parse_owner_spec(db.users, db.groups, "4294967294", true).user->id == 4294967294u);
}

TEST_CASE("owner spec: only names a passwd or group file could hold are recorded by name", "[owners]") {
  CHECK(stage::recordable_unknown_name("pkgsvc"));
  CHECK(stage::recordable_unknown_name("wheel"));
  CHECK(stage::recordable_unknown_name("dot.ted"));
  CHECK(stage::recordable_unknown_name("n\xc3\xa4me"));
  CHECK(stage::recordable_unknown_name("5x"));
  CHECK_FALSE(stage::recordable_unknown_name(""));
  CHECK_FALSE(stage::recordable_unknown_name("a:b"));
  CHECK_FALSE(stage::recordable_unknown_name("a\nb"));
  CHECK_FALSE(stage::recordable_unknown_name("a\tb"));
  CHECK_FALSE(stage::recordable_unknown_name("a\x7f"));
  CHECK_FALSE(stage::recordable_unknown_name("4294967296"));
  CHECK_FALSE(stage::recordable_unknown_name(" +12"));
  CHECK_FALSE(stage::recordable_unknown_name("-1"));
  CHECK_FALSE(stage::recordable_unknown_name("7 "));
}

TEST_CASE("install -o/-g: names first, then numbers as GNU install's xstrtoumax reads them", "[owners]") {
  Databases db;
  auto id = [&](const char* spec, bool lenient) { return stage::parse_install_id(db.users, spec, lenient); };
  CHECK(*id("games", false).principal == stage::Principal{"games", 5});
  CHECK(*id("2", false).principal == stage::Principal{"bin", 2});
  CHECK(id(" +7", false).principal->id == 7u);
  CHECK(id("010", false).principal->id == 8u);   // octal, as GNU install
  CHECK(id("0x10", false).principal->id == 16u);  // hex, as GNU install
  CHECK(id("0", false).principal->id == 0u);
  // 4294967295 is (uid_t)-1: valid, "leave the owner alone".
  CHECK(id("4294967295", false).valid);
  CHECK_FALSE(id("4294967295", false).principal);
  for (bool lenient : {false, true}) {
    CHECK_FALSE(id("", lenient).valid);
    CHECK_FALSE(id("x\ny", lenient).valid);
    CHECK_FALSE(id("a:b", lenient).valid);
    CHECK_FALSE(id("4294967296", lenient).valid);
    CHECK_FALSE(id("7 ", lenient).valid);
    CHECK_FALSE(id("-1", lenient).valid);
    CHECK_FALSE(id("08", lenient).valid);
  }
  CHECK_FALSE(id("pkgsvc", false).valid);
  CHECK(*id("pkgsvc", true).principal == stage::Principal{"pkgsvc", std::nullopt});
  CHECK(*id("root.x", true).principal == stage::Principal{"root.x", std::nullopt});
}

TEST_CASE("default owner: STAGE_OWNER is a decimal id or a recordable name (fuzz finding: blanks, newline, digits)",
          "[owners]") {
  CHECK(stage::valid_default_principal("root"));
  CHECK(stage::valid_default_principal("pkgsvc"));
  CHECK(stage::valid_default_principal("0"));
  CHECK(stage::valid_default_principal("+7"));
  CHECK_FALSE(stage::valid_default_principal(""));
  CHECK_FALSE(stage::valid_default_principal("a:b"));
  CHECK_FALSE(stage::valid_default_principal("x\ny"));
  CHECK_FALSE(stage::valid_default_principal("4294967295"));
  CHECK_FALSE(stage::valid_default_principal("4294967296"));
  // fuzz/corpus/owner_spec/finding-blank-newline-number: install's grammar
  // reads it as 5, resolve_principal as a name with a newline.
  CHECK_FALSE(stage::valid_default_principal("    \n5"));
  CHECK_FALSE(stage::valid_default_principal(" 5"));
  CHECK(stage::valid_default_principal("0x10"));  // a name here: resolve_principal reads decimal only
}
