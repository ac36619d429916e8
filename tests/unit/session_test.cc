// session_test: one tool run's queue of records: field-level changes that
// survive a concurrent tool, the simple verbs for other code, linear lookups.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

#include "stage/config.h"
#include "stage/diag.h"
#include "stage/session.h"
#include "stage/store.h"

namespace {

struct TempStage {
  std::string root;
  TempStage() {
    char tmpl[] = "/tmp/stage-session.XXXXXX";
    root = ::mkdtemp(tmpl);
    ::mkdir((root + "/stage").c_str(), 0755);
  }
  ~TempStage() { std::system(("rm -rf '" + root + "'").c_str()); }
  std::string destdir() const { return root + "/stage"; }
  std::string db() const { return root + "/stage.stagedb"; }
  stage::Config config() const {
    stage::Config c;
    c.active = true;
    c.destdir = destdir();
    c.db = db();
    c.map = {"/"};
    c.passthrough = {"/tmp", "/dev", "/proc"};
    return c;
  }
  /// A staged file, recorded as install would (0644 root:root).
  void file(const std::string& logical) const {
    std::ofstream(destdir() + logical) << "x";
    stage::Session s(config());
    struct stat st;
    REQUIRE(::lstat((destdir() + logical).c_str(), &st) == 0);
    s.record(stage::entry_for(logical, st, 0644, {"root", 0}, {"root", 0}));
    s.finish();  // its status is the process's (diag), shared with other test cases
  }
  std::optional<stage::Entry> get(const std::string& logical) const {
    return stage::Store::open(db(), stage::Store::Access::ReadOnly)->get(logical);
  }
};

}  // namespace

TEST_CASE("session: a mode change and an owner change from two runs at once both stay", "[session]") {
  TempStage t;
  t.file("/f");
  stage::Session chmod_run(t.config());
  stage::Session chown_run(t.config());
  // chmod -R read the record first (as its walk does), chown commits meanwhile.
  auto seen = chmod_run.lookup("/f");
  REQUIRE(seen);
  REQUIRE(chown_run.set_owner("/f", stage::Principal{"games", 5}, std::nullopt) == 0);
  chown_run.finish();  // its status is the process's (diag), shared with other test cases
  REQUIRE(chmod_run.set_mode("/f", 04755) == 0);
  chmod_run.finish();  // its status is the process's (diag), shared with other test cases
  auto now = t.get("/f");
  REQUIRE(now);
  CHECK(now->mode == 04755u);
  CHECK(now->owner == stage::Principal{"games", 5});
  CHECK(now->group == stage::Principal{"root", 0});
}

TEST_CASE("session: record_change without fields writes only what differs", "[session]") {
  TempStage t;
  t.file("/f");
  stage::Session a(t.config());
  stage::Session b(t.config());
  stage::Entry old = *a.lookup("/f");
  REQUIRE(b.set_mode("/f", 0600) == 0);
  b.finish();  // its status is the process's (diag), shared with other test cases
  // a changes the group of its (stale) copy: the mode b wrote stays.
  old.group = {"wheel", 0};
  a.record_change(old);
  CHECK(a.lookup("/f")->group == stage::Principal{"wheel", 0});  // its own change, seen at once
  a.finish();  // its status is the process's (diag), shared with other test cases
  auto now = t.get("/f");
  CHECK(now->mode == 0600u);
  CHECK(now->group == stage::Principal{"wheel", 0});
}

TEST_CASE("session: the simple verbs on an untracked object record it whole; nothing staged is ENOENT", "[session]") {
  TempStage t;
  std::ofstream(t.destdir() + "/cp-made") << "y";
  ::chmod((t.destdir() + "/cp-made").c_str(), 0640);
  stage::Session s(t.config());
  CHECK(s.set_owner("/cp-made", std::nullopt, stage::Principal{"mail", 8}) == 0);
  CHECK(s.set_mode("/missing", 0644) == ENOENT);
  s.finish();  // its status is the process's (diag), shared with other test cases
  auto e = t.get("/cp-made");
  REQUIRE(e);
  CHECK(e->mode == 0640u);  // its on-disk mode
  CHECK(e->group == stage::Principal{"mail", 8});
  CHECK(e->owner.name == "root");  // the default owner
}

TEST_CASE("session: 100,000 queued records and lookups stay fast (indexed, not scanned)", "[session]") {
  TempStage t;
  stage::Session s(t.config());
  struct stat st {};
  st.st_mode = S_IFREG | 0644;
  for (int i = 0; i < 100000; ++i) {
    st.st_ino = 1000 + i;
    s.record(stage::entry_for("/d/f" + std::to_string(i), st, 0644, {"root", 0}, {"root", 0}));
  }
  // Quadratic queues took minutes here; the assertion is on the result only.
  for (int i = 0; i < 100000; i += 7) CHECK(s.lookup("/d/f" + std::to_string(i)));
  s.forget("/d/f5");
  CHECK_FALSE(s.lookup("/d/f5"));
  CHECK(s.lookup("/d/f6"));
  s.finish();  // its status is the process's (diag), shared with other test cases
  CHECK(stage::Store::open(t.db(), stage::Store::Access::ReadOnly)->list_all().size() == 99999u);
}

TEST_CASE("session: a prefetched tree answers lookups below it as the database does; others still ask it",
          "[session]") {
  TempStage t;
  ::mkdir((t.destdir() + "/t").c_str(), 0755);
  ::mkdir((t.destdir() + "/t/sub").c_str(), 0755);
  ::mkdir((t.destdir() + "/t.d").c_str(), 0755);
  for (const char* f : {"/t/a", "/t/sub/b", "/t.d/c", "/t-c", "/u"}) t.file(f);
  stage::Session s(t.config());
  s.prefetch_tree("/t");
  // Below /t: from the prefetched records (the recorded ones, and none for an unrecorded name).
  REQUIRE(s.lookup("/t/a"));
  CHECK(s.lookup("/t/a")->mode == 0644u);
  CHECK(s.lookup("/t/sub/b"));
  CHECK_FALSE(s.lookup("/t/sub"));  // a directory nothing recorded
  CHECK_FALSE(s.lookup("/t/missing"));
  // Names that only begin like /t, and others, are not in the tree: still found.
  CHECK(s.lookup("/t.d/c"));
  CHECK(s.lookup("/t-c"));
  CHECK(s.lookup("/u"));
  // This run's own changes still come first.
  REQUIRE(s.set_mode("/t/a", 0600) == 0);
  CHECK(s.lookup("/t/a")->mode == 0600u);
  CHECK(s.lookup("/t/a")->owner == stage::Principal{"root", 0});  // the rest from the prefetched record
  s.forget("/t/sub/b");
  CHECK_FALSE(s.lookup("/t/sub/b"));
  s.finish();  // its status is the process's (diag), shared with other test cases
  CHECK(t.get("/t/a")->mode == 0600u);
  CHECK_FALSE(t.get("/t/sub/b"));
  CHECK(t.get("/t.d/c"));
}
