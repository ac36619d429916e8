// Unit tests of info_op and the session's info records: install-info over a
// real (temporary) stage, in dir and record modes.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "stage/config.h"
#include "stage/info_op.h"
#include "stage/session.h"
#include "stage/store.h"

namespace {

struct TempStage {
  std::string root;
  TempStage() {
    char tmpl[] = "/tmp/stage-info-op.XXXXXX";
    root = ::mkdtemp(tmpl);
    ::mkdir((root + "/stage").c_str(), 0755);
    ::mkdir((root + "/stage/usr").c_str(), 0755);
    ::mkdir((root + "/stage/usr/share").c_str(), 0755);
    ::mkdir((root + "/stage/usr/share/info").c_str(), 0755);
  }
  ~TempStage() { std::system(("rm -rf '" + root + "'").c_str()); }
  std::string destdir() const { return root + "/stage"; }
  stage::Config config(stage::InfoMode mode) const {
    stage::Config c;
    c.active = true;
    c.destdir = destdir();
    c.db = root + "/stage.stagedb";
    c.map = {"/"};
    c.passthrough = {"/tmp", "/dev", "/proc"};
    c.info = mode;
    return c;
  }
  void write(const std::string& logical, const std::string& text) const {
    std::ofstream(destdir() + logical) << text;
  }
  std::string read(const std::string& logical) const {
    std::ifstream in(destdir() + logical);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  bool exists(const std::string& logical) const { return ::access((destdir() + logical).c_str(), F_OK) == 0; }
};

const char* kInfo =
    "INFO-DIR-SECTION Zebras\nSTART-INFO-DIR-ENTRY\n* Zed: (zed).  Striped horses.\nEND-INFO-DIR-ENTRY\n";

stage::InstallInfoOptions options(const std::string& info, const std::string& dir) {
  stage::InstallInfoOptions o;
  o.info_file = info;
  o.dir_file = dir;
  return o;
}

}  // namespace

TEST_CASE("info_op: dir mode writes texinfo's dir file into the stage and records it", "[info_op]") {
  TempStage t;
  t.write("/usr/share/info/zed.info", kInfo);
  {
    stage::Session session(t.config(stage::InfoMode::Dir));
    REQUIRE(stage::install_info(session, options("/usr/share/info/zed.info", "/usr/share/info/dir")));
    REQUIRE(session.finish() == 0);
  }
  std::string dir = t.read("/usr/share/info/dir");
  CHECK(dir.starts_with(std::string(stage::info_dir_header())));
  CHECK(dir.ends_with("\nZebras\n* Zed: (zed).                   Striped horses.\n"));
  auto store = stage::Store::open(t.root + "/stage.stagedb", stage::Store::Access::ReadOnly);
  auto e = store->get("/usr/share/info/dir");
  REQUIRE(e);
  CHECK(e->type == stage::EntryType::File);
  CHECK(e->size == dir.size());
  CHECK(store->list_info().empty());
}

TEST_CASE("info_op: record mode leaves the dir file and records the entries", "[info_op]") {
  TempStage t;
  t.write("/usr/share/info/zed.info", kInfo);
  {
    stage::Session session(t.config(stage::InfoMode::Record));
    REQUIRE(stage::install_info(session, options("/usr/share/info/zed.info", "/usr/share/info/dir")));
    // Queued records are visible before the commit.
    auto queued = session.info_records();
    REQUIRE(queued.size() == 1);
    CHECK(queued[0].section == "Zebras");
    REQUIRE(session.finish() == 0);
  }
  CHECK_FALSE(t.exists("/usr/share/info/dir"));
  auto store = stage::Store::open(t.root + "/stage.stagedb", stage::Store::Access::ReadOnly);
  auto records = store->list_info();
  REQUIRE(records.size() == 1);
  CHECK(records[0].info_file == "/usr/share/info/zed.info");
  CHECK(records[0].dir_file == "/usr/share/info/dir");
  CHECK(records[0].section == "Zebras");
  CHECK(records[0].entry == "* Zed: (zed).                   Striped horses.\n");
  CHECK_FALSE(store->get("/usr/share/info/dir"));

  // --remove in a later run forgets them.
  {
    stage::Session session(t.config(stage::InfoMode::Record));
    auto o = options("zed", "/usr/share/info/dir");
    o.dir.remove = o.dir.remove_exactly = true;
    REQUIRE(stage::install_info(session, o));
    CHECK(session.info_records().empty());
    REQUIRE(session.finish() == 0);
  }
  CHECK(stage::Store::open(t.root + "/stage.stagedb", stage::Store::Access::ReadOnly)->list_info().empty());
}

TEST_CASE("info_op: a failed run writes and records nothing", "[info_op]") {
  TempStage t;
  t.write("/usr/share/info/open.info", "INFO-DIR-SECTION X\nSTART-INFO-DIR-ENTRY\n* Open: (open).  No end.\n");
  stage::Session session(t.config(stage::InfoMode::Dir));
  CHECK_FALSE(stage::install_info(session, options("/usr/share/info/open.info", "/usr/share/info/dir")));
  CHECK_FALSE(t.exists("/usr/share/info/dir"));
  CHECK_FALSE(session.lookup("/usr/share/info/dir"));
}

TEST_CASE("session: forget_info drops queued records and stored ones", "[session]") {
  TempStage t;
  stage::Session session(t.config(stage::InfoMode::Record));
  session.record_info({"/i/a.info", "/i/dir", "S", "* A: (a).  A.\n"});
  session.record_info({"/i/a.info", "/i/dir", "T", "* A: (a).  A.\n"});
  session.record_info({"/i/b.info", "/i/dir", "S", "* B: (b).  B.\n"});
  CHECK(session.info_records().size() == 3);
  session.forget_info("/i/a.info", "/i/dir");
  auto left = session.info_records();
  REQUIRE(left.size() == 1);
  CHECK(left[0].info_file == "/i/b.info");
}
