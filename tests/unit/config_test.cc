// config_test: the STAGE_* environment into a Config, and its errors.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <string>

#include "stage/config.h"

namespace {

struct Env {
  std::map<std::string, std::string> vars;
  stage::EnvLookup lookup() const {
    return [this](const char* name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
};

struct ScratchDir {
  std::string path;
  ScratchDir() {
    char tmpl[] = "/tmp/stage-unit.XXXXXX";
    path = ::mkdtemp(tmpl);
    ::mkdir((path + "/stage").c_str(), 0755);
  }
  ~ScratchDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

std::string error_of(const Env& env) {
  try {
    stage::config_from_env(env.lookup());
  } catch (const stage::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("config: no or an empty STAGE_DESTDIR is inactive", "[config]") {
  Env env;
  CHECK_FALSE(stage::config_from_env(env.lookup()).active);
  env.vars["STAGE_DESTDIR"] = "";
  CHECK_FALSE(stage::config_from_env(env.lookup()).active);
  // Other variables do not matter then, not even broken ones.
  env.vars["STAGE_DB"] = "relative";
  env.vars["STAGE_MAP"] = "relative";
  CHECK_FALSE(stage::config_from_env(env.lookup()).active);
}

TEST_CASE("config: a relative, missing or non-directory STAGE_DESTDIR is an error", "[config]") {
  ScratchDir d;
  Env env;
  env.vars["STAGE_DESTDIR"] = "stage";
  CHECK(error_of(env) == "STAGE_DESTDIR must be an absolute path, not 'stage'");
  env.vars["STAGE_DESTDIR"] = d.path + "/missing";
  CHECK(error_of(env) == "STAGE_DESTDIR '" + d.path + "/missing' is not an existing directory");
  std::string file = d.path + "/file";
  std::system(("touch '" + file + "'").c_str());
  env.vars["STAGE_DESTDIR"] = file;
  CHECK(error_of(env) == "STAGE_DESTDIR '" + file + "' is not an existing directory");
  env.vars["STAGE_DESTDIR"] = "/";
  CHECK(error_of(env) == "STAGE_DESTDIR must not be '/'");
  env.vars["STAGE_DESTDIR"] = "//.";
  CHECK(error_of(env) == "STAGE_DESTDIR must not be '/'");
}

TEST_CASE("config: defaults of an active configuration", "[config]") {
  ScratchDir d;
  Env env;
  env.vars["STAGE_DESTDIR"] = d.path + "/stage/";
  auto c = stage::config_from_env(env.lookup());
  CHECK(c.active);
  CHECK(c.destdir == d.path + "/stage");
  CHECK(c.db == d.path + "/stage.stagedb");
  CHECK(c.map == std::vector<std::string>{"/"});
  CHECK(c.passthrough == std::vector<std::string>{"/tmp", "/var/tmp", "/dev", "/proc"});
  CHECK(c.owner == "root");
  CHECK(c.group == "root");
  CHECK(c.passwd_file == "/etc/passwd");
  CHECK(c.group_file == "/etc/group");
  CHECK_FALSE(c.strict);
  CHECK(c.info == stage::InfoMode::Dir);
  CHECK(c.trace.empty());
  CHECK(stage::default_db_path("/x/destdir") == "/x/destdir.stagedb");
}

TEST_CASE("config: STAGE_DESTDIR is folded", "[config]") {
  ScratchDir d;
  Env env;
  env.vars["STAGE_DESTDIR"] = d.path + "//./stage/../stage";
  CHECK(stage::config_from_env(env.lookup()).destdir == d.path + "/stage");
}

TEST_CASE("config: STAGE_DB must be absolute and outside the stage", "[config]") {
  ScratchDir d;
  Env env;
  env.vars["STAGE_DESTDIR"] = d.path + "/stage";
  env.vars["STAGE_DB"] = "db.sqlite";
  CHECK(error_of(env) == "STAGE_DB must be an absolute path, not 'db.sqlite'");
  env.vars["STAGE_DB"] = d.path + "/stage/db";
  CHECK(error_of(env) == "STAGE_DB '" + d.path + "/stage/db' must not lie inside STAGE_DESTDIR");
  env.vars["STAGE_DB"] = d.path + "/stage/sub/../../stage/db";
  CHECK(error_of(env).find("must not lie inside STAGE_DESTDIR") != std::string::npos);
  env.vars["STAGE_DB"] = d.path + "/stage";
  CHECK(error_of(env).find("must not lie inside STAGE_DESTDIR") != std::string::npos);
  env.vars["STAGE_DB"] = d.path + "/stage2/db";  // a sibling with a longer name is outside
  CHECK(stage::config_from_env(env.lookup()).db == d.path + "/stage2/db");
  env.vars["STAGE_DB"] = "";
  CHECK(stage::config_from_env(env.lookup()).db == d.path + "/stage.stagedb");
}

TEST_CASE("config: STAGE_DB inside the stage through a symlink is refused (real locations compared)", "[config]") {
  ScratchDir d;
  Env env;
  REQUIRE(::symlink((d.path + "/stage").c_str(), (d.path + "/link-to-stage").c_str()) == 0);
  REQUIRE(::symlink((d.path + "/stage/db").c_str(), (d.path + "/db-link").c_str()) == 0);
  env.vars["STAGE_DESTDIR"] = d.path + "/stage";
  env.vars["STAGE_DB"] = d.path + "/link-to-stage/db";  // the parent is the stage
  CHECK(error_of(env).find("must not lie inside STAGE_DESTDIR") != std::string::npos);
  env.vars["STAGE_DB"] = d.path + "/db-link";  // the file itself points in (dangling yet)
  CHECK(error_of(env).find("must not lie inside STAGE_DESTDIR") != std::string::npos);
  // And the other way round: the stage named through a symlink, the database by its real place.
  env.vars["STAGE_DESTDIR"] = d.path + "/link-to-stage";
  env.vars["STAGE_DB"] = d.path + "/stage/db";
  CHECK(error_of(env).find("must not lie inside STAGE_DESTDIR") != std::string::npos);
  env.vars["STAGE_DB"] = d.path + "/stage.db";  // beside it: fine
  CHECK(stage::config_from_env(env.lookup()).db == d.path + "/stage.db");
}

TEST_CASE("config: STAGE_MAP and STAGE_PASSTHROUGH are colon lists of absolute prefixes", "[config]") {
  ScratchDir d;
  Env env;
  env.vars["STAGE_DESTDIR"] = d.path + "/stage";
  env.vars["STAGE_MAP"] = "/usr/pkg/:/etc//x::/opt/./y";
  env.vars["STAGE_PASSTHROUGH"] = "/build:/tmp/";
  auto c = stage::config_from_env(env.lookup());
  CHECK(c.map == std::vector<std::string>{"/usr/pkg", "/etc/x", "/opt/y"});
  CHECK(c.passthrough == std::vector<std::string>{"/build", "/tmp"});
  env.vars["STAGE_PASSTHROUGH"] = "";
  CHECK(stage::config_from_env(env.lookup()).passthrough.empty());
  env.vars["STAGE_MAP"] = "/usr:relative";
  CHECK(error_of(env) == "STAGE_MAP: 'relative' is not an absolute path");
  env.vars["STAGE_MAP"] = "/usr";
  env.vars["STAGE_PASSTHROUGH"] = "build";
  CHECK(error_of(env) == "STAGE_PASSTHROUGH: 'build' is not an absolute path");
}

TEST_CASE("config: TMPDIR joins the default passthrough list when absolute", "[config]") {
  ScratchDir d;
  Env env;
  env.vars["STAGE_DESTDIR"] = d.path + "/stage";
  env.vars["TMPDIR"] = "/scratch/tmp/";
  CHECK(stage::config_from_env(env.lookup()).passthrough.back() == "/scratch/tmp");
  env.vars["TMPDIR"] = "relative";
  CHECK(stage::config_from_env(env.lookup()).passthrough.size() == 4);
  env.vars["STAGE_PASSTHROUGH"] = "/only";
  env.vars["TMPDIR"] = "/scratch/tmp";
  CHECK(stage::config_from_env(env.lookup()).passthrough == std::vector<std::string>{"/only"});
}

TEST_CASE("config: owners, databases, strictness, info mode and trace", "[config]") {
  ScratchDir d;
  Env env;
  env.vars["STAGE_DESTDIR"] = d.path + "/stage";
  env.vars["STAGE_OWNER"] = "root";
  env.vars["STAGE_GROUP"] = "wheel";
  env.vars["STAGE_PASSWD"] = "/target/etc/passwd";
  env.vars["STAGE_GROUPFILE"] = "/target/etc/group";
  env.vars["STAGE_STRICT"] = "1";
  env.vars["STAGE_INFO"] = "record";
  env.vars["STAGE_TRACE"] = "/tmp/trace";
  auto c = stage::config_from_env(env.lookup());
  CHECK(c.group == "wheel");
  CHECK(c.passwd_file == "/target/etc/passwd");
  CHECK(c.group_file == "/target/etc/group");
  CHECK(c.strict);
  CHECK(c.info == stage::InfoMode::Record);
  CHECK(c.trace == "/tmp/trace");
  for (const char* notone : {"0", "yes", "", "true"}) {
    env.vars["STAGE_STRICT"] = notone;
    CHECK_FALSE(stage::config_from_env(env.lookup()).strict);
  }
  env.vars["STAGE_INFO"] = "dir";
  CHECK(stage::config_from_env(env.lookup()).info == stage::InfoMode::Dir);
  env.vars["STAGE_INFO"] = "both";
  CHECK(error_of(env) == "STAGE_INFO must be 'dir' or 'record', not 'both'");
  env.vars["STAGE_INFO"] = "";
  env.vars["STAGE_OWNER"] = "";
  auto defaults = stage::config_from_env(env.lookup());
  CHECK(defaults.info == stage::InfoMode::Dir);
  CHECK(defaults.owner == "root");
}

TEST_CASE("config: a STAGE_OWNER or STAGE_GROUP GNU would refuse is an error before any change", "[config]") {
  ScratchDir d;
  Env env;
  env.vars["STAGE_DESTDIR"] = d.path + "/stage";
  env.vars["STAGE_OWNER"] = "x\ny";
  CHECK(error_of(env) == "STAGE_OWNER: invalid user 'x\\ny'");
  env.vars["STAGE_OWNER"] = "a:b";
  CHECK(error_of(env) == "STAGE_OWNER: invalid user 'a:b'");
  env.vars["STAGE_OWNER"] = "4294967296";
  CHECK(error_of(env) == "STAGE_OWNER: invalid user '4294967296'");
  env.vars["STAGE_OWNER"] = "pkgsvc";  // unknown to any database: recorded by name
  env.vars["STAGE_GROUP"] = "4294967295";
  CHECK(error_of(env) == "STAGE_GROUP: invalid group '4294967295'");
  env.vars["STAGE_GROUP"] = "+60";
  CHECK(error_of(env) == "(no error)");
  // stage-ls and stage-pack read the same variables through read_target_env.
  stage::Config c;
  Env bad;
  bad.vars["STAGE_GROUP"] = "wheel\n";
  CHECK_THROWS_AS(stage::read_target_env(c, bad.lookup()), stage::ConfigError);
}
