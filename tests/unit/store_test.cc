// store_test: the SQLite database: schema, records, trees, versions, and
// many processes writing at once (make -j).
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "stage/store.h"

namespace {

struct ScratchDb {
  std::string dir, path;
  ScratchDb() {
    char tmpl[] = "/tmp/stage-unit.XXXXXX";
    dir = ::mkdtemp(tmpl);
    path = dir + "/stage.stagedb";
  }
  ~ScratchDb() { std::system(("rm -rf '" + dir + "'").c_str()); }
  /// One value from an SQL query, through SQLite directly.
  std::string query(const std::string& sql) const {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    sqlite3_stmt* st = nullptr;
    std::string out = "(error)";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_ROW) out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      else if (rc == SQLITE_DONE) out = "";
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
  }
};

stage::Entry file_entry(const std::string& path, uint32_t mode = 0644) {
  stage::Entry e;
  e.path = path;
  e.type = stage::EntryType::File;
  e.mode = mode;
  e.owner = {"root", 0};
  e.group = {"wheel", 0};
  e.size = 12;
  e.tool = "install";
  return e;
}

std::vector<std::string> paths(const std::vector<stage::Entry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.path);
  return out;
}

}  // namespace

TEST_CASE("store: creating makes a versioned WAL database", "[store]") {
  ScratchDb s;
  { auto store = stage::Store::open(s.path, stage::Store::Access::Create); }
  CHECK(s.query("PRAGMA user_version") == std::to_string(stage::kStoreSchemaVersion));
  CHECK(s.query("PRAGMA journal_mode") == "wal");
  CHECK(s.query("SELECT count(*) FROM entries") == "0");
  // Opening again keeps what is there.
  auto store = stage::Store::open(s.path, stage::Store::Access::Create);
  stage::Store::Batch b;
  b.put.push_back(file_entry("/a"));
  store->commit(b);
  auto again = stage::Store::open(s.path, stage::Store::Access::ReadWrite);
  CHECK(again->get("/a"));
}

TEST_CASE("store: every field of an entry comes back as put", "[store]") {
  ScratchDb s;
  auto store = stage::Store::open(s.path, stage::Store::Access::Create);
  stage::Entry e = file_entry("/usr/bin/su", 04755);
  e.owner = {"root", 0};
  e.group = {"pkgsvc", std::nullopt};
  e.sha256 = std::string(64, 'a');
  e.flags = "schg";
  e.disk = stage::DiskIdentity{11, 22, 33, 44, 12};
  stage::Entry link;
  link.path = "/usr/lib/libx.so";
  link.type = stage::EntryType::Symlink;
  link.mode = 0777;
  link.owner = {"", 123};
  link.group = {"", 456};
  link.target = "libx.so.1";
  link.tool = "ln";
  stage::Entry dev;
  dev.path = "/dev/null";
  dev.type = stage::EntryType::CharDevice;
  dev.mode = 0666;
  dev.rdev = 0x103;
  dev.tool = "mknod";
  stage::Store::Batch b;
  b.put = {e, link, dev};
  store->commit(b);

  auto got = store->get("/usr/bin/su");
  REQUIRE(got);
  CHECK(got->type == stage::EntryType::File);
  CHECK(got->mode == 04755u);
  CHECK(got->owner == stage::Principal{"root", 0});
  CHECK(got->group == stage::Principal{"pkgsvc", std::nullopt});
  CHECK(got->size == std::optional<uint64_t>(12));
  CHECK(got->sha256 == e.sha256);
  CHECK(got->flags == "schg");
  CHECK(got->tool == "install");
  REQUIRE(got->disk);
  CHECK(*got->disk == *e.disk);
  auto l = store->get("/usr/lib/libx.so");
  REQUIRE(l);
  CHECK(l->type == stage::EntryType::Symlink);
  CHECK(l->target == "libx.so.1");
  CHECK(l->owner == stage::Principal{"", 123});
  CHECK_FALSE(l->size);
  CHECK_FALSE(l->disk);
  auto d = store->get("/dev/null");
  REQUIRE(d);
  CHECK(d->rdev == 0x103u);
  CHECK(d->type == stage::EntryType::CharDevice);
  CHECK_FALSE(store->get("/nope"));
}

TEST_CASE("store: putting a path again replaces its record", "[store]") {
  ScratchDb s;
  auto store = stage::Store::open(s.path, stage::Store::Access::Create);
  stage::Store::Batch b;
  b.put = {file_entry("/x", 0644)};
  store->commit(b);
  b.put = {file_entry("/x", 0600)};
  store->commit(b);
  CHECK(store->get("/x")->mode == 0600u);
  CHECK(store->list_all().size() == 1);
}

TEST_CASE("store: list_under and remove_tree take whole components only", "[store]") {
  ScratchDb s;
  auto store = stage::Store::open(s.path, stage::Store::Access::Create);
  stage::Store::Batch b;
  for (const char* p : {"/usr", "/usr/bin", "/usr/bin/a", "/usr/bin/z", "/usr/bin2", "/usr/bin2/c", "/usr/bin-x",
                        "/usr/bin/sub/d", "/usr/binary", "/var"})
    b.put.push_back(file_entry(p));
  store->commit(b);
  CHECK(paths(store->list_under("/usr/bin")) ==
        std::vector<std::string>{"/usr/bin", "/usr/bin/a", "/usr/bin/sub/d", "/usr/bin/z"});
  CHECK(store->list_under("/").size() == 10);
  CHECK(paths(store->list_under("/var")) == std::vector<std::string>{"/var"});
  CHECK(store->list_under("/nothing").empty());
  CHECK(paths(store->list_all()).front() == "/usr");

  stage::Store::Batch rm;
  rm.remove_tree = {"/usr/bin"};
  rm.remove = {"/var", "/not-there"};
  store->commit(rm);
  CHECK(paths(store->list_all()) ==
        std::vector<std::string>{"/usr", "/usr/bin-x", "/usr/bin2", "/usr/bin2/c", "/usr/binary"});
}

TEST_CASE("store: a batch is applied removals first, then puts", "[store]") {
  ScratchDb s;
  auto store = stage::Store::open(s.path, stage::Store::Access::Create);
  stage::Store::Batch b;
  b.put = {file_entry("/d"), file_entry("/d/old")};
  store->commit(b);
  stage::Store::Batch again;
  again.remove_tree = {"/d"};
  again.put = {file_entry("/d/new")};
  store->commit(again);
  CHECK(paths(store->list_all()) == std::vector<std::string>{"/d/new"});
}

TEST_CASE("store: info records are replaced per info file and dir file", "[store]") {
  ScratchDb s;
  auto store = stage::Store::open(s.path, stage::Store::Access::Create);
  stage::Store::Batch b;
  b.info_put = {{"/info/a.info", "/info/dir", "Text", "* A: (a).  The A."},
                {"/info/a.info", "/info/dir", "Text", "* A2: (a)X.  More."},
                {"/info/b.info", "/info/dir", "Misc", "* B: (b)."}};
  store->commit(b);
  CHECK(store->list_info().size() == 3);
  stage::Store::Batch c;
  c.info_put = {{"/info/a.info", "/info/dir", "Text", "* A: (a).  New."}};
  c.info_remove = {{"/info/b.info", "/info/dir", "", ""}};
  store->commit(c);
  auto info = store->list_info();
  REQUIRE(info.size() == 1);
  CHECK(info[0].entry == "* A: (a).  New.");
}

TEST_CASE("store: a newer schema is refused, an older tool never writes it", "[store]") {
  ScratchDb s;
  { auto store = stage::Store::open(s.path, stage::Store::Access::Create); }
  s.query("PRAGMA user_version=" + std::to_string(stage::kStoreSchemaVersion + 1));
  for (auto access : {stage::Store::Access::Create, stage::Store::Access::ReadWrite, stage::Store::Access::ReadOnly}) {
    try {
      stage::Store::open(s.path, access);
      FAIL("a newer schema was accepted");
    } catch (const stage::StoreError& e) {
      CHECK_THAT(e.what(), Catch::Contains("newer"));
    }
  }
  CHECK(s.query("PRAGMA user_version") == std::to_string(stage::kStoreSchemaVersion + 1));
}

TEST_CASE("store: read-only opening needs an existing stage database", "[store]") {
  ScratchDb s;
  CHECK_THROWS_AS(stage::Store::open(s.path, stage::Store::Access::ReadOnly), stage::StoreError);
  CHECK_THROWS_AS(stage::Store::open(s.path, stage::Store::Access::ReadWrite), stage::StoreError);
  s.query("CREATE TABLE other(x)");  // creates a database that is not ours
  CHECK_THROWS_WITH(stage::Store::open(s.path, stage::Store::Access::ReadOnly), Catch::Contains("not a stage database"));
  CHECK_THROWS_AS(stage::Store::open(s.dir + "/no/such/dir/db", stage::Store::Access::Create), stage::StoreError);
}

namespace {
std::string file_bytes(const std::string& path) {
  std::string out;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
  }
  return out;
}
}  // namespace

TEST_CASE("store: a foreign SQLite file is refused untouched, the message naming it", "[store]") {
  ScratchDb s;
  s.query("CREATE TABLE other(x)");  // rollback journal mode, not ours
  s.query("INSERT INTO other VALUES(1)");
  std::string before = file_bytes(s.path);
  REQUIRE(before.size() > 100);
  for (auto access : {stage::Store::Access::Create, stage::Store::Access::ReadWrite, stage::Store::Access::ReadOnly}) {
    try {
      stage::Store::open(s.path, access);
      FAIL("a foreign database was accepted");
    } catch (const stage::StoreError& e) {
      CHECK_THAT(e.what(), Catch::Contains("'" + s.path + "'") && Catch::Contains("not a stage database"));
    }
  }
  CHECK(file_bytes(s.path) == before);
  CHECK(s.query("PRAGMA journal_mode") == "delete");
}

TEST_CASE("store: an emptied (0-byte) database is refused, never restarted", "[store]") {
  ScratchDb s;
  { std::FILE* f = std::fopen(s.path.c_str(), "w"); std::fclose(f); }
  for (auto access : {stage::Store::Access::Create, stage::Store::Access::ReadWrite, stage::Store::Access::ReadOnly}) {
    try {
      stage::Store::open(s.path, access);
      FAIL("an empty database was accepted");
    } catch (const stage::StoreError& e) {
      CHECK_THAT(e.what(), Catch::Contains("'" + s.path + "'") && Catch::Contains("empty"));
    }
  }
  CHECK(file_bytes(s.path).empty());
}

TEST_CASE("store: a file that is not a database is refused, the message naming it", "[store]") {
  ScratchDb s;
  { std::FILE* f = std::fopen(s.path.c_str(), "w"); std::fputs("hello, not sqlite at all\n", f); std::fclose(f); }
  CHECK_THROWS_WITH(stage::Store::open(s.path, stage::Store::Access::Create), Catch::Contains("'" + s.path + "'"));
  CHECK(file_bytes(s.path) == "hello, not sqlite at all\n");
}

TEST_CASE("store: creating leaves no temporary file beside the database", "[store]") {
  ScratchDb s;
  { auto store = stage::Store::open(s.path, stage::Store::Access::Create); }
  std::string listing;
  FILE* ls = ::popen(("ls -A '" + s.dir + "'").c_str(), "r");
  char buf[256];
  while (std::fgets(buf, sizeof buf, ls)) listing += buf;
  ::pclose(ls);
  CHECK(listing.find("stage-tmp") == std::string::npos);
}

TEST_CASE("store: a field-level change keeps the fields another tool changed meanwhile", "[store]") {
  ScratchDb s;
  auto store = stage::Store::open(s.path, stage::Store::Access::Create);
  stage::Store::Batch b;
  b.put = {file_entry("/f", 0644)};
  store->commit(b);
  // chmod -R read the record (root:wheel 0644) long ago; chown commits games meanwhile.
  stage::Entry seen_by_chmod = *store->get("/f");
  auto other = stage::Store::open(s.path, stage::Store::Access::ReadWrite);
  stage::Entry chowned = *other->get("/f");
  chowned.owner = {"games", 5};
  chowned.tool = "chown";
  stage::Store::Batch c;
  c.change = {{chowned, stage::Store::kOwner}};
  other->commit(c);
  seen_by_chmod.mode = 0755;
  seen_by_chmod.tool = "chmod";
  stage::Store::Batch m;
  m.change = {{seen_by_chmod, stage::Store::kMode}};
  store->commit(m);
  auto now = store->get("/f");
  REQUIRE(now);
  CHECK(now->mode == 0755u);
  CHECK(now->owner == stage::Principal{"games", 5});
  CHECK(now->group == stage::Principal{"wheel", 0});
  CHECK(now->tool == "chmod");
  // A change of a path with no record records the entry whole.
  stage::Entry fresh = file_entry("/new", 0600);
  stage::Store::Batch n;
  n.change = {{fresh, stage::Store::kMode}};
  store->commit(n);
  REQUIRE(store->get("/new"));
  CHECK(store->get("/new")->owner == stage::Principal{"root", 0});
}

namespace {
/// Every field of a record, as text (Entry has no operator==).
std::string describe(const stage::Entry& e) {
  auto opt = [](const auto& v) { return v ? std::to_string(*v) : std::string("-"); };
  std::string out = e.path + " " + stage::entry_type_name(e.type) + " " + std::to_string(e.mode) + " " + e.owner.name +
                    ":" + opt(e.owner.id) + " " + e.group.name + ":" + opt(e.group.id) + " " + opt(e.size) + " " +
                    e.sha256 + " " + e.target + " " + e.flags + " " + e.tool + " " + std::to_string(e.rdev);
  if (e.disk)
    out += " disk " + std::to_string(e.disk->dev) + "," + std::to_string(e.disk->ino) + "," +
           std::to_string(e.disk->mtime_ns) + "," + std::to_string(e.disk->ctime_ns) + "," + std::to_string(e.disk->size);
  if (e.caps) out += " caps " + e.caps->xattr + "," + std::to_string(e.caps->disk.ino);
  return out;
}
}  // namespace

TEST_CASE("store: many field-level changes in one batch (one range UPDATE) write what single changes write",
          "[store]") {
  // A batch of chmod -R's size takes the bulk path; the same changes one
  // batch each take the single UPDATE: the databases must end alike.
  ScratchDb bulk_db, single_db;
  auto bulk = stage::Store::open(bulk_db.path, stage::Store::Access::Create);
  auto single = stage::Store::open(single_db.path, stage::Store::Access::Create);
  stage::Store::Batch start;
  for (int i = 0; i < 400; ++i) {
    stage::Entry e = file_entry("/t/f" + std::to_string(1000 + i), 0644);
    e.owner = {"u" + std::to_string(i), static_cast<uint32_t>(i)};
    e.sha256 = std::string(64, 'a');
    e.flags = i % 7 ? "" : "uchg";
    e.disk = stage::DiskIdentity{1, static_cast<uint64_t>(i), 10, 20, 12};
    if (i % 5 == 0) e.caps = stage::FileCaps{"capbytes", *e.disk};
    if (i % 9 == 0) {  // never changed, inside the range
      e.type = stage::EntryType::Symlink;
      e.target = "elsewhere";
    }
    start.put.push_back(e);
  }
  start.put.push_back(file_entry("/t", 0755));
  start.put.push_back(file_entry("/u", 0600));  // outside the range
  bulk->commit(start);
  single->commit(start);

  std::vector<stage::Store::Change> changes;
  for (int i = 0; i < 400; ++i) {
    if (i % 9 == 0) continue;
    // What the tool read, with fields it does not change set wrong: only
    // the changed fields may reach the record.
    stage::Entry e = file_entry("/t/f" + std::to_string(1000 + i), 0);
    e.owner = {"wrong", 999};
    e.flags = "wrong";
    e.sha256.clear();
    e.tool = i % 11 ? "chmod" : "chown";
    unsigned fields;
    if (i % 4 == 0) {
      fields = stage::Store::kMode | stage::Store::kDisk;
      e.mode = 0700;
      e.size = 99;
      e.disk = stage::DiskIdentity{2, static_cast<uint64_t>(i), 30, 40, 99};
    } else if (i % 4 == 1) {
      fields = stage::Store::kOwner | stage::Store::kGroup | stage::Store::kCaps;
      e.owner = {"", static_cast<uint32_t>(5000 + i)};
      e.group = {"staff", std::nullopt};
      e.caps.reset();
    } else if (i == 2) {
      fields = stage::Store::kFlags;  // a combination with one change
      e.flags = "";
    } else {
      fields = stage::Store::kMode;
      e.mode = 02755;
    }
    changes.push_back({e, fields});
  }
  for (int i = 0; i < 3; ++i)  // no record yet: recorded whole
    changes.push_back({file_entry("/t/new" + std::to_string(i), 0640), stage::Store::kMode});
  REQUIRE(changes.size() > 300);

  stage::Store::Batch all;
  all.change = changes;
  bulk->commit(all);
  for (const auto& c : changes) {
    stage::Store::Batch one;
    one.change = {c};
    single->commit(one);
  }
  std::vector<std::string> a, b;
  for (const auto& e : bulk->list_all()) a.push_back(describe(e));
  for (const auto& e : single->list_all()) b.push_back(describe(e));
  CHECK(a.size() == 405);
  CHECK(a == b);
  // Spot checks against the expectation itself, not only the other path.
  CHECK(bulk->get("/t/f1003")->mode == 02755u);
  CHECK(bulk->get("/t/f1003")->owner == stage::Principal{"u3", 3});
  CHECK(bulk->get("/t/f1003")->flags == "");
  CHECK(bulk->get("/t/f1000")->mode == 0644u);  // i=0: a symlink, not changed
  CHECK(bulk->get("/t/f1004")->disk->dev == 2u);
  CHECK(bulk->get("/t/f1004")->sha256.empty());
  CHECK(bulk->get("/t/f1005")->owner == stage::Principal{"", 5005});
  CHECK_FALSE(bulk->get("/t/f1005")->caps);
  CHECK(bulk->get("/t/f1022")->tool == "chown");
  CHECK(bulk->get("/t/new1")->mode == 0640u);
  CHECK(bulk->list_inode(2, 4).size() == 1);  // the inode index follows the disk change
  CHECK(bulk->list_inode(1, 4).empty());
  CHECK(bulk_db.query("PRAGMA integrity_check") == "ok");
}

TEST_CASE("store: entry type names round-trip", "[store]") {
  using T = stage::EntryType;
  for (T t : {T::File, T::Dir, T::Symlink, T::Hardlink, T::Fifo, T::CharDevice, T::BlockDevice})
    CHECK(stage::entry_type_from_name(stage::entry_type_name(t)) == t);
  CHECK(std::string(stage::entry_type_name(T::Symlink)) == "link");
  CHECK_FALSE(stage::entry_type_from_name("socket"));
}

namespace {
/// Forks `n` processes that each run `work(i)` once all are forked (a pipe
/// is the gate: then all at once); returns how many failed (threw, or died).
template <typename Work>
int failures_at_once(int n, Work work) {
  int gate[2];
  REQUIRE(::pipe(gate) == 0);
  std::vector<pid_t> children;
  for (int i = 0; i < n; ++i) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(gate[1]);
      char c;
      (void)!::read(gate[0], &c, 1);
      int status = 0;
      try {
        work(i);
      } catch (...) {
        status = 1;
      }
      ::_exit(status);
    }
    children.push_back(pid);
  }
  ::close(gate[0]);
  ::close(gate[1]);  // release them all
  int failed = 0;
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
  }
  return failed;
}
}  // namespace

TEST_CASE("store: 32 processes committing at once into a new database lose no record", "[store][parallel]") {
  ScratchDb s;
  constexpr int kProcesses = 32, kCommits = 10, kPerCommit = 5;
  CHECK(failures_at_once(kProcesses, [&](int p) {
          // Each opens (and may be the one creating) the database, as drop-ins do.
          auto store = stage::Store::open(s.path, stage::Store::Access::Create);
          for (int i = 0; i < kCommits; ++i) {
            stage::Store::Batch b;
            for (int j = 0; j < kPerCommit; ++j)
              b.put.push_back(file_entry("/p" + std::to_string(p) + "/" + std::to_string(i * kPerCommit + j)));
            store->commit(b);
          }
        }) == 0);
  auto store = stage::Store::open(s.path, stage::Store::Access::ReadOnly);
  auto all = store->list_all();
  CHECK(all.size() == static_cast<size_t>(kProcesses * kCommits * kPerCommit));
  for (int p = 0; p < kProcesses; ++p)
    CHECK(store->list_under("/p" + std::to_string(p)).size() == static_cast<size_t>(kCommits * kPerCommit));
  CHECK(s.query("PRAGMA integrity_check") == "ok");
}

TEST_CASE("store: a damaged database whose header reads is refused without leaking its connection (fuzz finding)",
          "[store]") {
  // fuzz/corpus/store_open/finding-leak-malformed-schema-page: the version
  // in the header reads, the schema page is garbage; the PRAGMAs after the
  // version check failed inside the constructor and the connection was
  // never closed (one leaked per refused open).
  ScratchDb db;
  { auto s = stage::Store::open(db.path, stage::Store::Access::Create); }
  FILE* f = std::fopen(db.path.c_str(), "r+b");
  REQUIRE(f != nullptr);
  std::vector<char> garbage(4096 - 100, '\xff');
  REQUIRE(std::fseek(f, 100, SEEK_SET) == 0);
  REQUIRE(std::fwrite(garbage.data(), 1, garbage.size(), f) == garbage.size());
  std::fclose(f);
  for (auto access : {stage::Store::Access::ReadOnly, stage::Store::Access::ReadWrite}) {
    sqlite3_int64 before = sqlite3_memory_used();
    CHECK_THROWS_AS(stage::Store::open(db.path, access), stage::StoreError);
    CHECK(sqlite3_memory_used() == before);
  }
}

TEST_CASE("store: a schema 2 database is read as it is, and upgraded to file capabilities when written", "[store]") {
  ScratchDb s;
  stage::Store::open(s.path, stage::Store::Access::Create)->commit({{file_entry("/old")}, {}, {}, {}, {}, {}});
  // What a schema 2 stage wrote: no caps columns.
  for (const char* col : {"caps", "caps_dev", "caps_ino", "caps_mtime_ns", "caps_size"})
    s.query(std::string("ALTER TABLE entries DROP COLUMN ") + col);
  s.query("DROP TABLE deletions");  // schema 4
  s.query("PRAGMA user_version=2");
  {
    auto ro = stage::Store::open(s.path, stage::Store::Access::ReadOnly);
    auto e = ro->get("/old");
    REQUIRE(e);
    CHECK_FALSE(e->caps);
    CHECK(ro->list_all().size() == 1);
  }
  CHECK(s.query("PRAGMA user_version") == "2");  // a reader changes nothing
  auto rw = stage::Store::open(s.path, stage::Store::Access::ReadWrite);
  CHECK(s.query("PRAGMA user_version") == std::to_string(stage::kStoreSchemaVersion));
  stage::Entry e = file_entry("/old");
  e.caps = stage::FileCaps{std::string("\x01\x00\x00\x02\x00\x20\x00\x00\0\0\0\0\0\0\0\0\0\0\0\0", 20), {1, 2, 3, 4, 5}};
  stage::Store::Change change{e, stage::Store::kCaps};
  rw->commit({{}, {change}, {}, {}, {}, {}});
  auto back = rw->get("/old");
  REQUIRE(back);
  REQUIRE(back->caps);
  CHECK(back->caps->xattr == e.caps->xattr);
  CHECK(back->caps->disk.ino == 2);
  CHECK(back->caps->disk.mtime_ns == 3);
  CHECK(back->caps->disk.size == 5);
  // A record replaced whole (install over the file) has none.
  rw->commit({{file_entry("/old")}, {}, {}, {}, {}, {}});
  CHECK_FALSE(rw->get("/old")->caps);
}

TEST_CASE("store: union capture's deletions are replaced per prefix, listed in order, and count as content", "[store]") {
  ScratchDb s;
  auto store = stage::Store::open(s.path, stage::Store::Access::Create);
  CHECK(store->list_deletions().empty());
  CHECK_FALSE(store->holds_anything());
  store->set_deletions("/usr/pkg", {"/usr/pkg/bin/old", "/usr/pkg/bin/keep"});
  store->set_deletions("/opt/x", {"/opt/x/a"});
  CHECK(store->list_deletions() == std::vector<std::string>{"/opt/x/a", "/usr/pkg/bin/keep", "/usr/pkg/bin/old"});
  CHECK(store->holds_anything());
  // A later run below /usr/pkg replaces that prefix's deletions only; a
  // sibling sharing the prefix's spelling ("/usr/pkg2") is not below it.
  store->set_deletions("/usr/pkg2", {"/usr/pkg2/z"});
  store->set_deletions("/usr/pkg", {"/usr/pkg/bin/old"});
  CHECK(store->list_deletions() == std::vector<std::string>{"/opt/x/a", "/usr/pkg/bin/old", "/usr/pkg2/z"});
  store->set_deletions("/usr/pkg", {});
  CHECK(store->list_deletions() == std::vector<std::string>{"/opt/x/a", "/usr/pkg2/z"});
}

TEST_CASE("store: a schema 3 database has no deletions read-only, and gains the table when written", "[store]") {
  ScratchDb s;
  stage::Store::open(s.path, stage::Store::Access::Create);
  s.query("DROP TABLE deletions");
  s.query("PRAGMA user_version=3");
  CHECK(stage::Store::open(s.path, stage::Store::Access::ReadOnly)->list_deletions().empty());
  CHECK(s.query("PRAGMA user_version") == "3");
  auto rw = stage::Store::open(s.path, stage::Store::Access::ReadWrite);
  CHECK(s.query("PRAGMA user_version") == std::to_string(stage::kStoreSchemaVersion));
  rw->set_deletions("/p", {"/p/x"});
  CHECK(rw->list_deletions() == std::vector<std::string>{"/p/x"});
}

TEST_CASE("store: a schema 4 database keeps its info, runs and deletions, in order, when upgraded to the lean tables", "[store]") {
  ScratchDb s;
  stage::Store::open(s.path, stage::Store::Access::Create)->commit({{file_entry("/f")}, {}, {}, {}, {}, {}});
  // What schema 2 to 4 declared: types, NOT NULL, an index of info.
  s.query("DROP TABLE info");
  s.query("DROP TABLE runs");
  s.query("DROP TABLE deletions");
  s.query("CREATE TABLE info (info_file TEXT NOT NULL, dir_file TEXT NOT NULL, section TEXT NOT NULL, entry TEXT NOT NULL)");
  s.query("CREATE INDEX info_file ON info(info_file, dir_file)");
  s.query("CREATE TABLE runs (command TEXT NOT NULL, user TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL, "
          "status INTEGER NOT NULL, sandbox TEXT NOT NULL, denials TEXT NOT NULL)");
  s.query("CREATE TABLE deletions (path TEXT PRIMARY KEY NOT NULL)");
  // Rows whose order is not the order of their text: list_runs() and, per
  // info file, list_info() give them in the order they were written.
  s.query("INSERT INTO info VALUES('/i/b.info','/i/dir','S','* Z: (b).'),('/i/b.info','/i/dir','S','* B: (b).'),"
          "('/i/a.info','/i/dir','S','* A: (a).')");
  s.query("INSERT INTO runs VALUES('make install','nobody','2026-12-01T02:00:00Z','2026-12-01T02:01:00Z',2,'off','')");
  s.query("INSERT INTO runs VALUES('true','root','2026-12-01T01:00:00Z','2026-12-01T01:00:01Z',0,'strict','')");
  s.query("INSERT INTO deletions VALUES('/p/z'),('/p/a')");
  s.query("PRAGMA user_version=4");
  auto check_rows = [](stage::Store& store) {
    auto info = store.list_info();
    REQUIRE(info.size() == 3);
    CHECK(info[0].entry == "* A: (a).");
    CHECK(info[1].entry == "* Z: (b).");
    CHECK(info[2].entry == "* B: (b).");
    auto runs = store.list_runs();
    REQUIRE(runs.size() == 2);
    CHECK(runs[0].command == "make install");
    CHECK(runs[0].status == 2);
    CHECK(runs[1].sandbox == "strict");
    CHECK(store.list_deletions() == std::vector<std::string>{"/p/a", "/p/z"});
    CHECK(store.get("/f"));
  };
  check_rows(*stage::Store::open(s.path, stage::Store::Access::ReadOnly));
  CHECK(s.query("PRAGMA user_version") == "4");  // a reader changes nothing
  auto rw = stage::Store::open(s.path, stage::Store::Access::ReadWrite);
  CHECK(s.query("PRAGMA user_version") == "5");
  check_rows(*rw);
  CHECK(s.query("SELECT sql FROM sqlite_schema WHERE name='runs'") ==
        "CREATE TABLE runs(command,user,start,end,status,sandbox,denials)");
  CHECK(s.query("SELECT count(*) FROM sqlite_schema WHERE name LIKE '%v4%' OR name='info_file'") == "0");
  CHECK(s.query("PRAGMA integrity_check") == "ok");
  // Written again: each table takes new rows after the copied ones.
  rw->commit({{}, {}, {}, {}, {{"/i/c.info", "/i/dir", "S", "* C: (c)."}}, {}});
  rw->append_run({"ls", "root", "2026-12-01T03:00:00Z", "2026-12-01T03:00:01Z", 1, "off", ""});
  rw->set_deletions("/q", {"/q/x"});
  CHECK(rw->list_info().back().info_file == "/i/c.info");
  CHECK(rw->list_runs().back().status == 1);
  CHECK(rw->list_deletions() == std::vector<std::string>{"/p/a", "/p/z", "/q/x"});
}

TEST_CASE("store: a new database declares the lean tables, as an upgraded one does", "[store]") {
  ScratchDb s;
  stage::Store::open(s.path, stage::Store::Access::Create);
  CHECK(s.query("SELECT sql FROM sqlite_schema WHERE name='info'") == "CREATE TABLE info(info_file,dir_file,section,entry)");
  CHECK(s.query("SELECT sql FROM sqlite_schema WHERE name='deletions'") ==
        "CREATE TABLE deletions(path TEXT PRIMARY KEY) WITHOUT ROWID");
  // entries and its index, and nothing else but the three tables.
  CHECK(s.query("SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema ORDER BY name)") ==
        "deletions entries entries_inode info runs");
}

TEST_CASE("store: 16 processes opening a schema 4 database at once: one upgrades it, each commits, rows kept",
          "[store][parallel]") {
  ScratchDb s;
  stage::Store::open(s.path, stage::Store::Access::Create)->commit({{file_entry("/old")}, {}, {}, {}, {}, {}});
  s.query("DROP TABLE runs");
  s.query("CREATE TABLE runs (command TEXT NOT NULL, user TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL, "
          "status INTEGER NOT NULL, sandbox TEXT NOT NULL, denials TEXT NOT NULL)");
  s.query("INSERT INTO runs VALUES('make install','nobody','a','b',0,'off','')");
  s.query("PRAGMA user_version=4");
  constexpr int kProcesses = 16;
  // All at once, as make -j's drop-ins after a new stage is installed.
  CHECK(failures_at_once(kProcesses, [&](int p) {
          auto store = stage::Store::open(s.path, stage::Store::Access::ReadWrite);
          store->commit({{file_entry("/p" + std::to_string(p))}, {}, {}, {}, {}, {}});
        }) == 0);
  CHECK(s.query("PRAGMA user_version") == std::to_string(stage::kStoreSchemaVersion));
  CHECK(s.query("SELECT count(*) FROM runs") == "1");
  CHECK(s.query("SELECT count(*) FROM sqlite_schema WHERE name LIKE '%v4%'") == "0");
  CHECK(stage::Store::open(s.path, stage::Store::Access::ReadOnly)->list_all().size() == kProcesses + 1);
  CHECK(s.query("PRAGMA integrity_check") == "ok");
}

namespace {
stage::Entry dir_entry(const std::string& path, uint32_t mode, const std::string& group = "games") {
  stage::Entry e = file_entry(path, mode);
  e.type = stage::EntryType::Dir;
  e.size.reset();
  e.group = {group, 60};
  e.tool = "mkdir";
  return e;
}
}  // namespace

TEST_CASE("store: the header flags a recorded setgid directory, and setgid_dir_group() trusts it", "[store]") {
  ScratchDb s;
  auto store = stage::Store::open(s.path, stage::Store::Access::Create);
  CHECK(s.query("PRAGMA application_id") == "0");
  store->commit({{dir_entry("/plain", 0755), file_entry("/f", 02755)}, {}, {}, {}, {}, {}});
  CHECK(s.query("PRAGMA application_id") == "0");  // a setgid file is not a setgid directory
  CHECK_FALSE(store->setgid_dir_group("/plain"));
  // The record whole (mkdir -m 2775) ...
  store->commit({{dir_entry("/s", 02775)}, {}, {}, {}, {}, {}});
  CHECK(s.query("PRAGMA application_id") == "1");
  auto group = store->setgid_dir_group("/s");
  REQUIRE(group);
  CHECK(group->name == "games");
  CHECK_FALSE(store->setgid_dir_group("/plain"));
  // ... or a mode change (chmod g+s), in a database that had none.
  ScratchDb t;
  auto other = stage::Store::open(t.path, stage::Store::Access::Create);
  other->commit({{dir_entry("/d", 0755)}, {}, {}, {}, {}, {}});
  CHECK(t.query("PRAGMA application_id") == "0");
  other->commit({{}, {stage::Store::Change{dir_entry("/d", 02755), stage::Store::kMode}}, {}, {}, {}, {}});
  CHECK(t.query("PRAGMA application_id") == "1");
  REQUIRE(other->setgid_dir_group("/d"));
  CHECK(other->setgid_dir_group("/d")->name == "games");
}

TEST_CASE("store: a schema 4 database with a setgid directory gains the header flag when upgraded", "[store]") {
  ScratchDb s;
  stage::Store::open(s.path, stage::Store::Access::Create)
      ->commit({{dir_entry("/s", 02775), dir_entry("/p", 0755)}, {}, {}, {}, {}, {}});
  // Schema 4 kept no flag.
  s.query("PRAGMA application_id=0");
  s.query("PRAGMA user_version=4");
  {
    // Read as it is, the flag is not trusted: the record answers.
    auto ro = stage::Store::open(s.path, stage::Store::Access::ReadOnly);
    REQUIRE(ro->setgid_dir_group("/s"));
  }
  CHECK(s.query("PRAGMA application_id") == "0");
  auto rw = stage::Store::open(s.path, stage::Store::Access::ReadWrite);
  CHECK(s.query("PRAGMA user_version") == "5");
  CHECK(s.query("PRAGMA application_id") == "1");
  REQUIRE(rw->setgid_dir_group("/s"));
  CHECK(rw->setgid_dir_group("/s")->name == "games");
  CHECK_FALSE(rw->setgid_dir_group("/p"));
  // Without one, the flag stays clear.
  ScratchDb t;
  stage::Store::open(t.path, stage::Store::Access::Create)->commit({{dir_entry("/p", 0755)}, {}, {}, {}, {}, {}});
  t.query("PRAGMA user_version=4");
  stage::Store::open(t.path, stage::Store::Access::ReadWrite);
  CHECK(t.query("PRAGMA user_version") == "5");
  CHECK(t.query("PRAGMA application_id") == "0");
}
