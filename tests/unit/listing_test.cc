// Unit tests of listing: reconciliation of the stage on disk with its records.
#include <catch2/catch.hpp>

#include <cstdio>

#include "export_fixtures.h"
#include "stage/listing.h"

using fixtures::named;
using fixtures::Scratch;

namespace {

stage::Entry record(const Scratch& s, const std::string& logical, uint32_t mode, const std::string& owner = "root") {
  return stage::entry_for(logical, s.lstat_(logical), mode, named(owner), named("wheel"));
}

std::vector<std::string> paths(const stage::Listing& l) {
  std::vector<std::string> out;
  for (const auto& le : l.entries) out.push_back(le.entry.path);
  return out;
}

}  // namespace

TEST_CASE("listing: entries come in whole-path order, not directory by directory", "[listing]") {
  Scratch s;
  s.dir_("/a");
  s.file("/a/x", "");
  s.file("/a-b", "");
  s.file("/a b", "");
  s.file("/a0", "");
  s.dir_("/a/y");
  s.file("/a/y/z", "");
  auto l = stage::reconcile(s.root, {}, named("root"), named("wheel"));
  std::vector<std::string> want{"/a", "/a b", "/a-b", "/a/x", "/a/y", "/a/y/z", "/a0"};
  CHECK(paths(l) == want);
}

TEST_CASE("listing: a recorded file keeps its record; its size is the one on disk now", "[listing]") {
  Scratch s;
  s.file("/f", "12345");
  auto rec = record(s, "/f", 04755, "games");
  rec.size = 1;
  auto l = stage::reconcile(s.root, {rec}, named("root"), named("wheel"));
  REQUIRE(l.entries.size() == 1);
  CHECK_FALSE(l.entries[0].untracked);
  CHECK(l.entries[0].entry.mode == 04755);
  CHECK(l.entries[0].entry.owner.name == "games");
  CHECK(l.entries[0].entry.size == 5u);
}

TEST_CASE("listing: a file renamed by mv keeps its record, found by device and inode", "[listing]") {
  Scratch s;
  s.file("/old", "x");
  auto rec = record(s, "/old", 0600, "games");
  std::rename((s.root + "/old").c_str(), (s.root + "/new").c_str());
  auto l = stage::reconcile(s.root, {rec}, named("root"), named("wheel"));
  REQUIRE(l.entries.size() == 1);
  const auto& le = l.entries[0];
  CHECK(le.entry.path == "/new");
  CHECK(le.renamed);
  CHECK(le.recorded_path == "/old");
  CHECK(le.entry.owner.name == "games");
  CHECK(le.entry.mode == 0600);
  CHECK(l.missing.empty());
  // The record's identity is kept: mv changed the ctime, a digest is not trusted.
  CHECK(le.entry.disk == rec.disk);
  // The updates move the record.
  REQUIRE(l.updates.put.size() == 1);
  CHECK(l.updates.put[0].path == "/new");
  CHECK(l.updates.remove == std::vector<std::string>{"/old"});
}

TEST_CASE("listing: a recorded file that is gone is missing, not listed", "[listing]") {
  Scratch s;
  s.file("/gone", "x");
  auto rec = record(s, "/gone", 0644);
  ::unlink((s.root + "/gone").c_str());
  auto l = stage::reconcile(s.root, {rec}, named("root"), named("wheel"));
  CHECK(l.entries.empty());
  REQUIRE(l.missing.size() == 1);
  CHECK(l.missing[0].path == "/gone");
}

TEST_CASE("listing: an unrecorded file is untracked, with the default owner and its on-disk mode", "[listing]") {
  Scratch s;
  s.file("/cp", "x", 0640);
  ::symlink("target text", (s.root + "/ln").c_str());
  auto l = stage::reconcile(s.root, {}, named("root"), named("wheel"));
  REQUIRE(l.entries.size() == 2);
  const auto& f = l.entries[0];
  CHECK(f.entry.path == "/cp");
  CHECK(f.untracked);
  CHECK(f.entry.mode == 0640);
  CHECK(f.entry.owner.name == "root");
  CHECK(f.entry.group.name == "wheel");
  const auto& link = l.entries[1];
  CHECK(link.untracked);
  CHECK(link.entry.type == stage::EntryType::Symlink);
  CHECK(link.entry.target == "target text");
}

TEST_CASE("listing: a recorded file replaced by another kind of object is untracked, its record missing", "[listing]") {
  Scratch s;
  s.file("/x", "x");
  auto rec = record(s, "/x", 04755);
  ::unlink((s.root + "/x").c_str());
  ::symlink("elsewhere", (s.root + "/x").c_str());
  auto l = stage::reconcile(s.root, {rec}, named("root"), named("wheel"));
  REQUIRE(l.entries.size() == 1);
  CHECK(l.entries[0].untracked);
  CHECK(l.entries[0].entry.type == stage::EntryType::Symlink);
  REQUIRE(l.missing.size() == 1);
  CHECK(l.missing[0].mode == 04755);
}

TEST_CASE("listing: a hard-link record matches the regular file on disk, also when moved", "[listing]") {
  Scratch s;
  s.file("/a", "x");
  ::link((s.root + "/a").c_str(), (s.root + "/b").c_str());
  auto a = record(s, "/a", 0755);
  auto b = record(s, "/b", 0755);
  b.type = stage::EntryType::Hardlink;
  b.target = "/a";
  std::rename((s.root + "/b").c_str(), (s.root + "/c").c_str());
  auto l = stage::reconcile(s.root, {a, b}, named("root"), named("wheel"));
  REQUIRE(l.entries.size() == 2);
  CHECK_FALSE(l.entries[0].untracked);
  CHECK(l.entries[1].entry.path == "/c");
  CHECK(l.entries[1].renamed);
  CHECK(l.entries[1].entry.type == stage::EntryType::Hardlink);
  CHECK(l.missing.empty());
}

TEST_CASE("listing: records given out of order are joined all the same", "[listing]") {
  Scratch s;
  s.file("/b", "");
  s.file("/a", "");
  auto l = stage::reconcile(s.root, {record(s, "/b", 0600), record(s, "/a", 0700)}, named("root"), named("wheel"));
  REQUIRE(l.entries.size() == 2);
  CHECK(l.entries[0].entry.mode == 0700);
  CHECK(l.entries[1].entry.mode == 0600);
  CHECK_FALSE(l.entries[0].untracked);
  CHECK_FALSE(l.entries[1].untracked);
}

TEST_CASE("listing: the ls format keeps every entry on one line, escaping as ls -b", "[listing]") {
  stage::ListedEntry file;
  file.entry.path = "/usr/share/a\nb\\c\td";
  file.entry.type = stage::EntryType::File;
  file.entry.mode = 0644;
  file.entry.owner = {"root", 0};
  file.entry.group = {"wheel", 0};
  file.entry.size = 3;
  stage::ListedEntry link;
  link.entry.path = "/usr/share/l";
  link.entry.type = stage::EntryType::Symlink;
  link.entry.mode = 0777;
  link.entry.owner = {"root", 0};
  link.entry.group = {"wheel", 0};
  link.entry.target = std::string("x\x01y");
  std::string out = stage::format_ls({file, link});
  CHECK(out ==
        "-rw-r--r-- root wheel 3 /usr/share/a\\nb\\\\c\\td\n"
        "lrwxrwxrwx root wheel 0 /usr/share/l -> x\\001y\n");
}
