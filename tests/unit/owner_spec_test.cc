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
