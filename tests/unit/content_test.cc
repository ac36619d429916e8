// Unit tests of content: SHA-256 and the reuse of recorded digests.
#include <catch2/catch.hpp>

#include <sys/time.h>

#include "export_fixtures.h"
#include "stage/content.h"
#include "stage/store.h"

using fixtures::listed;
using fixtures::Scratch;

TEST_CASE("content: SHA-256 of the FIPS 180-2 test vectors", "[content]") {
  CHECK(stage::sha256_of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(stage::sha256_of("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("content: a file is hashed when no digest is recorded, and remembered", "[content]") {
  Scratch s;
  s.file("/f", "abc");
  std::vector<stage::ListedEntry> entries{listed(s, "/f", 0644)};
  auto ctx = s.context();
  auto r = stage::refresh_content(ctx.root.get(), entries);
  CHECK(r.hashed == 1);
  CHECK(entries[0].entry.sha256 == stage::sha256_of("abc"));
  REQUIRE(r.remember.size() == 1);
  CHECK(r.remember[0].path == "/f");
  CHECK(r.remember[0].sha256 == stage::sha256_of("abc"));
}

TEST_CASE("content: a recorded digest is reused while inode, size, mtime and ctime are unchanged", "[content]") {
  Scratch s;
  s.file("/f", "abc");
  auto le = listed(s, "/f", 0644);
  le.entry.sha256 = "recorded";  // not the real digest: proves it was not recomputed
  std::vector<stage::ListedEntry> entries{le};
  auto ctx = s.context();
  auto r = stage::refresh_content(ctx.root.get(), entries);
  CHECK(r.reused == 1);
  CHECK(r.hashed == 0);
  CHECK(entries[0].entry.sha256 == "recorded");
}

TEST_CASE("content: current content wins once the file changed", "[content]") {
  Scratch s;
  s.file("/f", "abc");
  auto le = listed(s, "/f", 0644);
  le.entry.sha256 = "stale";
  // The package rewrote it (sed -i, ranlib): same size, other bytes, new times.
  s.file("/f", "xyz");
  struct timeval later[2] = {{2000000000, 0}, {2000000000, 0}};
  ::utimes((s.root + "/f").c_str(), later);
  le.disk = s.lstat_("/f");
  std::vector<stage::ListedEntry> entries{le};
  auto ctx = s.context();
  auto r = stage::refresh_content(ctx.root.get(), entries);
  CHECK(r.hashed == 1);
  CHECK(entries[0].entry.sha256 == stage::sha256_of("xyz"));
}

TEST_CASE("content: untracked files are hashed but have no record to remember it in", "[content]") {
  Scratch s;
  s.file("/u", "abc");
  auto le = listed(s, "/u", 0644);
  le.untracked = true;
  std::vector<stage::ListedEntry> entries{le};
  auto ctx = s.context();
  auto r = stage::refresh_content(ctx.root.get(), entries);
  CHECK(entries[0].entry.sha256 == stage::sha256_of("abc"));
  CHECK(r.remember.empty());
}

TEST_CASE("content: a renamed file's digest is remembered under the record's path", "[content]") {
  Scratch s;
  s.file("/new", "abc");
  auto le = listed(s, "/new", 0644);
  le.renamed = true;
  le.recorded_path = "/old";
  std::vector<stage::ListedEntry> entries{le};
  auto ctx = s.context();
  auto r = stage::refresh_content(ctx.root.get(), entries);
  REQUIRE(r.remember.size() == 1);
  CHECK(r.remember[0].path == "/old");
}

TEST_CASE("content: remembered digests land in the store without touching other columns", "[content][store]") {
  Scratch s;
  s.file("/f", "abc");
  std::string db = s.dir + "/stage.stagedb";
  auto rec = stage::entry_for("/f", s.lstat_("/f"), 04755, fixtures::named("games"), fixtures::named("games"));
  {
    auto store = stage::Store::open(db, stage::Store::Access::Create);
    stage::Store::Batch batch;
    batch.put.push_back(rec);
    store->commit(batch);
    stage::DiskIdentity id = *rec.disk;
    id.size = 3;
    store->remember_digests({{"/f", id, "d1g35t"}, {"/not-recorded", id, "x"}});
  }
  auto store = stage::Store::open(db, stage::Store::Access::ReadOnly);
  auto got = store->get("/f");
  REQUIRE(got);
  CHECK(got->sha256 == "d1g35t");
  CHECK(got->mode == 04755);
  CHECK(got->owner.name == "games");
  CHECK_FALSE(store->get("/not-recorded"));
}

TEST_CASE("content: a stage file is opened without following symlinks", "[content]") {
  Scratch s;
  s.file("/real", "abc");
  ::symlink("real", (s.root + "/link").c_str());
  s.dir_("/d");
  ::symlink("/", (s.root + "/d/up").c_str());
  auto ctx = s.context();
  CHECK(stage::open_staged_file(ctx.root.get(), "/link") < 0);
  CHECK(stage::open_staged_file(ctx.root.get(), "/d/up/real") < 0);
  int fd = stage::open_staged_file(ctx.root.get(), "/real");
  CHECK(fd >= 0);
  if (fd >= 0) ::close(fd);
}

TEST_CASE("content: where openat2 is refused (EPERM in containers) a staged open stays in the stage", "[content]") {
  // Outside the stage, a file the exports must never read.
  Scratch outside;
  outside.file("/secret", "outside");
  Scratch s;
  s.file("/real", "inside");
  s.dir_("/d");
  ::symlink("/", (s.root + "/d/up").c_str());                          // absolute: the stage's root
  ::symlink("../../../../../../../..", (s.root + "/d/dots").c_str());  // climbs no higher than the root
  ::symlink(outside.root.c_str(), (s.root + "/d/out").c_str());        // the host path, read in the stage
  ::symlink("real", (s.root + "/link").c_str());
  auto ctx = s.context();
  stage::simulate_openat2_refused(true);
  auto read_all = [](int fd) {
    std::string text(64, '\0');
    ssize_t n = ::read(fd, text.data(), text.size());
    ::close(fd);
    return text.substr(0, n < 0 ? 0 : static_cast<size_t>(n));
  };
  CHECK(stage::open_staged_file(ctx.root.get(), "/link") < 0);  // a final symlink is never followed
  int fd = stage::open_staged_file(ctx.root.get(), "/d/up/real");
  REQUIRE(fd >= 0);
  CHECK(read_all(fd) == "inside");
  fd = stage::open_staged_file(ctx.root.get(), "/d/dots/real");
  REQUIRE(fd >= 0);
  CHECK(read_all(fd) == "inside");
  // The host path of the other tree does not exist inside the stage.
  std::string via = "/d/out/secret";
  CHECK(stage::open_staged_file(ctx.root.get(), via) < 0);
  fd = stage::open_staged_file(ctx.root.get(), "/real");
  REQUIRE(fd >= 0);
  CHECK(read_all(fd) == "inside");
  stage::simulate_openat2_refused(false);
}
