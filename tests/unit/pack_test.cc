// Unit tests of pack: tar archives of the stage through libarchive.
#include <catch2/catch.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>

#include <fstream>
#include <sstream>

#include "export_fixtures.h"
#include "stage/pack.h"

using fixtures::listed;
using fixtures::Scratch;

namespace {

struct Member {
  std::string name, uname, gname, hardlink, symlink, data;
  int64_t uid, gid, mtime, size;
  unsigned mode;
  unsigned type;
};

std::vector<Member> read_archive(const std::string& file) {
  std::vector<Member> out;
  struct archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_all(a);
  REQUIRE(archive_read_open_filename(a, file.c_str(), 10240) == ARCHIVE_OK);
  struct archive_entry* e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    Member m;
    m.name = archive_entry_pathname(e);
    m.uname = archive_entry_uname(e) ? archive_entry_uname(e) : "";
    m.gname = archive_entry_gname(e) ? archive_entry_gname(e) : "";
    m.hardlink = archive_entry_hardlink(e) ? archive_entry_hardlink(e) : "";
    m.symlink = archive_entry_symlink(e) ? archive_entry_symlink(e) : "";
    m.uid = archive_entry_uid(e);
    m.gid = archive_entry_gid(e);
    m.mtime = archive_entry_mtime(e);
    m.size = archive_entry_size(e);
    m.mode = archive_entry_perm(e);
    m.type = archive_entry_filetype(e);
    char buf[4096];
    ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) m.data.append(buf, n);
    out.push_back(m);
  }
  archive_read_free(a);
  return out;
}

std::string slurp(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Staged {
  Scratch s;
  std::vector<stage::ListedEntry> entries;
  Staged() {
    s.dir_("/usr");
    s.dir_("/usr/pkg");
    s.dir_("/usr/pkg/bin");
    s.file("/usr/pkg/bin/foo", "hello\n", 0755);
    ::link((s.root + "/usr/pkg/bin/foo").c_str(), (s.root + "/usr/pkg/bin/foo2").c_str());
    ::symlink("foo", (s.root + "/usr/pkg/bin/lnk").c_str());
    entries = {listed(s, "/usr", 0755), listed(s, "/usr/pkg", 0755), listed(s, "/usr/pkg/bin", 0755),
               listed(s, "/usr/pkg/bin/foo", 04755, "root", "games"), listed(s, "/usr/pkg/bin/foo2", 04755, "root", "games"),
               listed(s, "/usr/pkg/bin/lnk", 0777)};
  }
};

}  // namespace

TEST_CASE("pack: the suffix chooses the compression", "[pack]") {
  CHECK(stage::compression_for("x.tar") == stage::Compression::None);
  CHECK(stage::compression_for("x.tar.gz") == stage::Compression::Gzip);
  CHECK(stage::compression_for("x.tgz") == stage::Compression::Gzip);
  CHECK(stage::compression_for("x.tar.xz") == stage::Compression::Xz);
  CHECK(stage::compression_for("x.tar.zst") == stage::Compression::Zstd);
  CHECK(stage::compression_for("x.tar.bz2") == stage::Compression::Bzip2);
  CHECK_FALSE(stage::compression_for("x.zip"));
  CHECK_FALSE(stage::compression_for(".tar"));
}

TEST_CASE("pack: SOURCE_DATE_EPOCH is seconds or an error", "[pack]") {
  CHECK_FALSE(stage::parse_source_date_epoch(nullptr));
  CHECK_FALSE(stage::parse_source_date_epoch(""));
  CHECK(stage::parse_source_date_epoch("1700000000") == 1700000000);
  CHECK_THROWS_AS(stage::parse_source_date_epoch("yesterday"), stage::PackError);
  CHECK_THROWS_AS(stage::parse_source_date_epoch("-5"), stage::PackError);
}

TEST_CASE("pack: recorded owners and modes, sorted names, hard links, symlinks, clamped times", "[pack]") {
  Staged st;
  auto ctx = st.s.context();
  stage::PackOptions o;
  o.output = st.s.dir + "/out.tar";
  o.clamp_mtime = 1000;
  stage::write_pack(st.entries, ctx, o);
  auto m = read_archive(o.output);
  REQUIRE(m.size() == 6);
  CHECK(m[0].name == "usr/");
  CHECK(m[3].name == "usr/pkg/bin/foo");
  CHECK(m[3].mode == 04755);
  CHECK(m[3].uname == "root");
  CHECK(m[3].gname == "games");
  CHECK(m[3].uid == 0);
  CHECK(m[3].gid == 13);
  CHECK(m[3].data == "hello\n");
  CHECK(m[4].name == "usr/pkg/bin/foo2");
  CHECK(m[4].hardlink == "usr/pkg/bin/foo");
  CHECK(m[5].type == AE_IFLNK);
  CHECK(m[5].symlink == "foo");
  for (const auto& x : m) CHECK(x.mtime == 1000);
}

TEST_CASE("pack: two packs of the same stage are byte-identical, compressed too", "[pack]") {
  Staged st;
  auto ctx = st.s.context();
  for (const char* suffix : {".tar", ".tar.gz", ".tar.xz", ".tar.zst", ".tar.bz2"}) {
    stage::PackOptions o;
    o.output = st.s.dir + "/one" + suffix;
    stage::write_pack(st.entries, ctx, o);
    o.output = st.s.dir + "/two" + suffix;
    stage::write_pack(st.entries, ctx, o);
    INFO(suffix);
    CHECK(slurp(st.s.dir + "/one" + suffix) == slurp(st.s.dir + "/two" + suffix));
  }
}

TEST_CASE("pack: --prefix packs what lies below it, named relative to it", "[pack]") {
  Staged st;
  auto ctx = st.s.context();
  stage::PackOptions o;
  o.output = st.s.dir + "/p.tar";
  o.prefix = "/usr/pkg";
  stage::write_pack(st.entries, ctx, o);
  auto m = read_archive(o.output);
  REQUIRE(m.size() == 4);
  CHECK(m[0].name == "bin/");
  CHECK(m[2].hardlink == "bin/foo");
}

TEST_CASE("pack: on error nothing is left behind", "[pack]") {
  Staged st;
  auto ctx = st.s.context();
  st.entries.push_back(listed(st.s, "/usr/pkg/bin/foo", 0644, "nobody-knows-me"));
  stage::PackOptions o;
  o.output = st.s.dir + "/fail.tar";
  ctx.strict_ids = true;
  CHECK_THROWS_AS(stage::write_pack(st.entries, ctx, o), stage::ExportError);
  ctx.strict_ids = false;
  // A file that vanished after listing.
  st.entries.pop_back();
  st.s.file("/usr/pkg/bin/vanished", "x");
  st.entries.push_back(listed(st.s, "/usr/pkg/bin/vanished", 0644));
  ::unlink((st.s.root + "/usr/pkg/bin/vanished").c_str());
  CHECK_THROWS_AS(stage::write_pack(st.entries, ctx, o), stage::PackError);
  std::vector<std::string> left;
  DIR* d = ::opendir(st.s.dir.c_str());
  while (auto* e = ::readdir(d))
    if (std::string(e->d_name) != "." && std::string(e->d_name) != ".." && std::string(e->d_name) != "stage" &&
        std::string(e->d_name) != "passwd" && std::string(e->d_name) != "group")
      left.push_back(e->d_name);
  ::closedir(d);
  CHECK(left.empty());
}

TEST_CASE("pack: the kind of package follows the output's name", "[pack]") {
  CHECK(stage::pack_kind_for("x.tar.gz") == stage::PackKind::Tar);
  CHECK(stage::pack_kind_for("hello_1.0_all.deb") == stage::PackKind::Deb);
  CHECK(stage::pack_kind_for("hello-1.0-1-any.pkg.tar.zst") == stage::PackKind::Pacman);
  CHECK(stage::pack_kind_for("hello-1.0-1-any.pkg.tar.xz") == stage::PackKind::Pacman);
  CHECK_FALSE(stage::pack_kind_for("x.zip"));
  CHECK_FALSE(stage::pack_kind_for(".deb"));
}
