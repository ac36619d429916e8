// session_test: one tool run's queue of records: field-level changes that
// survive a concurrent tool, the simple verbs for other code, linear lookups.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "stage/chmod_op.h"
#include "stage/chown_op.h"
#include "stage/config.h"
#include "stage/diag.h"
#include "stage/mode.h"
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

namespace {

/// A stage with a bit of everything a -R walk meets: plain records, and the
/// rare cases that keep the per-entry path (hard links, a symlink, an
/// unrecorded file, a record whose type disagrees with the disk, flags, a
/// capability, a device over its placeholder), a set-id file, a digest the
/// disk no longer matches, a directory whose disk bits change.
void build_mixed_stage(const TempStage& t) {
  const std::string d = t.destdir();
  for (const char* dir : {"/t", "/t/sub", "/t/sub/deep", "/t/private", "/t.d"}) ::mkdir((d + dir).c_str(), 0755);
  ::chmod((d + "/t/private").c_str(), 0700);
  for (const char* f : {"/t/a", "/t/sub/b", "/t/sub/deep/c", "/t/h1", "/t/untracked", "/t/flags", "/t/caps",
                        "/t/stale", "/t/setuid", "/t/dev", "/t/private/p", "/t.d/outside"})
    std::ofstream(d + f) << "x";
  ::link((d + "/t/h1").c_str(), (d + "/t/sub/h2").c_str());
  ::symlink("a", (d + "/t/sym").c_str());
  ::mkfifo((d + "/t/fifo").c_str(), 0644);
  ::mkdir((d + "/t/mismatch").c_str(), 0755);  // recorded as a file below
  stage::Session s(t.config());
  auto rec = [&](const std::string& logical, mode_t mode) {
    struct stat st;
    REQUIRE(::lstat((d + logical).c_str(), &st) == 0);
    return stage::entry_for(logical, st, mode, {"root", 0}, {"root", 0});
  };
  for (const char* dir : {"/t", "/t/sub", "/t/sub/deep", "/t.d"}) s.record(rec(dir, 0755));
  s.record(rec("/t/private", 0700));
  for (const char* f : {"/t/a", "/t/sub/b", "/t/sub/deep/c", "/t/private/p", "/t.d/outside"}) s.record(rec(f, 0644));
  s.record(rec("/t/h1", 0644));
  stage::Entry h2 = rec("/t/sub/h2", 0644);
  h2.type = stage::EntryType::Hardlink;
  h2.target = "/t/h1";
  s.record(h2);
  stage::Entry sym = rec("/t/sym", 0777);
  sym.target = "a";
  s.record(sym);
  s.record(rec("/t/fifo", 0644));
  stage::Entry mismatch = rec("/t/mismatch", 0644);
  mismatch.type = stage::EntryType::File;
  s.record(mismatch);
  stage::Entry flags = rec("/t/flags", 0644);
  flags.flags = "uchg";
  s.record(flags);
  stage::Entry caps = rec("/t/caps", 0755);
  caps.caps = stage::FileCaps{std::string(20, '\1'), *caps.disk};
  s.record(caps);
  stage::Entry stale = rec("/t/stale", 0644);
  stale.disk->mtime_ns = 1;  // the file changed since it was hashed
  stale.sha256 = std::string(64, 'a');
  s.record(stale);
  stage::Entry fresh = rec("/t/a", 0644);
  fresh.sha256 = std::string(64, 'b');
  s.record(fresh);
  s.record(rec("/t/setuid", 04755));
  stage::Entry dev = rec("/t/dev", 0600);
  dev.type = stage::EntryType::CharDevice;
  dev.rdev = 0x0103;
  s.record(dev);
  s.finish();  // its status is the process's (diag), shared with other test cases
}

/// Every record, with its disk identity told only as "none", "the object
/// now on disk" or "another" (two stages never share inode numbers or times).
std::vector<std::string> normalized_records(const TempStage& t) {
  std::vector<std::string> out;
  for (const auto& e : stage::Store::open(t.db(), stage::Store::Access::ReadOnly)->list_all()) {
    std::string disk = "none";
    if (e.disk) {
      struct stat st;
      bool same = ::lstat((t.destdir() + e.path).c_str(), &st) == 0 && *e.disk == stage::disk_identity(st);
      disk = same ? "now" : "another";
    }
    char mode[16];
    std::snprintf(mode, sizeof mode, "%05o", e.mode);
    out.push_back(e.path + " " + stage::entry_type_name(e.type) + " " + mode + " " + e.owner.name + "/" +
                  std::to_string(e.owner.id.value_or(99999)) + ":" + e.group.name + "/" +
                  std::to_string(e.group.id.value_or(99999)) + " size=" +
                  (e.size ? std::to_string(*e.size) : "-") + " sha=" + e.sha256 + " target=" + e.target +
                  " flags=" + e.flags + " tool=" + e.tool + " rdev=" + std::to_string(e.rdev) +
                  " caps=" + (e.caps ? "yes" : "no") + " disk=" + disk);
  }
  return out;
}

/// The permission bits on disk of everything in the stage.
std::vector<std::string> disk_modes(const TempStage& t) {
  std::vector<std::string> out;
  std::string cmd = "cd '" + t.destdir() + "' && find . -exec stat -c '%n %a' {} + | sort";
  FILE* p = ::popen(cmd.c_str(), "r");
  char line[4096];
  while (p && std::fgets(line, sizeof line, p)) out.emplace_back(line);
  if (p) ::pclose(p);
  return out;
}

}  // namespace

std::string line_of(const std::vector<std::string>& records, const std::string& path) {
  for (const auto& r : records)
    if (r.compare(0, path.size() + 1, path + " ") == 0) return r;
  return {};
}

TEST_CASE("session: a -R walk's bulk path records what the per-entry path records, rare cases mixed in",
          "[session]") {
  using Op = std::function<void(stage::Session&, const std::string&)>;
  auto chmod_r = [](const char* mode, std::vector<std::string> operands = {"/t"}) {
    return Op([=](stage::Session& s, const std::string& destdir) {
      stage::ChmodOptions o;
      o.change = *stage::parse_mode(mode);
      o.recurse = true;
      o.force_silent = true;
      for (const auto& operand : operands) stage::change_mode(s, o, destdir + operand);
    });
  };
  auto chown_r = [](std::optional<stage::Principal> user, std::optional<stage::Principal> group,
                    std::optional<stage::Principal> from = std::nullopt) {
    return Op([=](stage::Session& s, const std::string& destdir) {
      stage::ChownOptions o;
      o.user = user;
      o.group = group;
      o.required_user = from;
      o.recurse = true;
      o.dereference = false;
      o.force_silent = true;
      stage::change_owner(s, o, destdir + "/t");
    });
  };
  // Each sequence runs in one session (one tool run); the two paths run on two stages built alike.
  std::vector<std::pair<std::string, std::vector<Op>>> sequences = {
      {"chmod -R g+w", {chmod_r("g+w")}},
      {"chmod -R 755 (disk bits change)", {chmod_r("755")}},
      {"chmod -R u=rwX,go=rX twice", {chmod_r("u=rwX,go=rX"), chmod_r("u=rwX,go=rX")}},
      {"chmod -R a-x then g+s", {chmod_r("a-x"), chmod_r("g+s")}},
      {"chmod -R o+w over t/sub, t, t/sub/deep", {chmod_r("o+w", {"/t/sub", "/t", "/t/sub/deep"})}},
      {"chmod -R g-r over t, t/sub, t.d", {chmod_r("g-r", {"/t", "/t/sub", "/t.d"})}},
      {"chown -R games:mail", {chown_r(stage::Principal{"games", 5}, stage::Principal{"mail", 8})}},
      {"chgrp -R by name only", {chown_r(std::nullopt, stage::Principal{"builders", std::nullopt})}},
      {"chown -R --from=root bin", {chown_r(stage::Principal{"bin", 2}, std::nullopt, stage::Principal{"root", 0})}},
      {"chmod -R then chown -R", {chmod_r("o-r"), chown_r(stage::Principal{"daemon", 1}, std::nullopt)}},
  };
  for (const auto& [name, ops] : sequences) {
    SECTION(name) {
      TempStage bulk, per_entry, untouched;
      for (auto* t : {&bulk, &per_entry, &untouched}) build_mixed_stage(*t);
      auto before = normalized_records(untouched);
      REQUIRE(normalized_records(bulk) == before);
      for (auto* t : {&bulk, &per_entry}) {
        stage::Session s(t->config());
        s.set_bulk_walks(t == &bulk);
        for (const auto& op : ops) op(s, t->destdir());
        s.finish();  // its status is the process's (diag), shared with other test cases
      }
      auto records = normalized_records(bulk);
      CHECK(records == normalized_records(per_entry));
      CHECK(disk_modes(bulk) == disk_modes(per_entry));
      CHECK(records != before);  // something changed
      if (name.find("t.d") == std::string::npos) CHECK(line_of(records, "/t.d/outside") == line_of(before, "/t.d/outside"));
    }
  }
}

TEST_CASE("session: a setgid directory made by chmod -R's bulk path is known to the next install", "[session]") {
  TempStage t;
  for (const char* dir : {"/t", "/t/sub"}) ::mkdir((t.destdir() + dir).c_str(), 0755);
  {
    stage::Session s(t.config());
    for (const char* dir : {"/t", "/t/sub"}) {
      struct stat st;
      REQUIRE(::lstat((t.destdir() + dir).c_str(), &st) == 0);
      s.record(stage::entry_for(dir, st, 0755, {"root", 0}, {"root", 0}));
    }
    s.finish();  // its status is the process's (diag), shared with other test cases
  }
  t.file("/t/sub/f");
  {
    stage::Session s(t.config());
    REQUIRE_FALSE(s.setgid_parent_group("/t/sub/new"));
  }
  {
    stage::Session s(t.config());
    stage::ChmodOptions o;
    o.change = *stage::parse_mode("g+s");
    o.recurse = true;
    o.force_silent = true;
    stage::change_mode(s, o, t.destdir() + "/t");
    s.finish();  // its status is the process's (diag), shared with other test cases
  }
  stage::Session s(t.config());
  auto group = s.setgid_parent_group("/t/sub/new");  // the database's header flag, then the record
  REQUIRE(group);
  CHECK(*group == stage::Principal{"root", 0});
}
