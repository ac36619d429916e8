// Unit tests of info_dir: texinfo 6.8's dir-file rules over text.
#include <catch2/catch.hpp>

#include <string>

#include "stage/info_dir.h"

using stage::InfoDirOptions;
using stage::InfoEntryArg;
using stage::update_info_dir;

namespace {

std::string dir_with(const std::string& menu) { return std::string(stage::info_dir_header()) + menu; }

const char* kAnimals =
    "\n"
    "Animals\n"
    "* Aardvark: (aardvark).         Medium-sized African mammal.\n"
    "* Zebra: (zebra).               Striped.\n"
    "\n"
    "Zoology\n"
    "* Zoo: (zoo).                   Zoos.\n";

const char* kGnuInfo =
    "INFO-DIR-SECTION Animals\n"
    "START-INFO-DIR-ENTRY\n"
    "* Gnu: (gnu).                    Wildebeest native to Africa.\n"
    "END-INFO-DIR-ENTRY\n"
    "\n\x1f\nFile: gnu,  Node: Top\n";

}  // namespace

TEST_CASE("info_dir: an entry goes alphabetically into its existing section", "[info_dir]") {
  auto r = update_info_dir(dir_with(kAnimals), kGnuInfo, "gnu.info", {});
  CHECK(r.text == dir_with("\n"
                           "Animals\n"
                           "* Aardvark: (aardvark).         Medium-sized African mammal.\n"
                           "* Gnu: (gnu).                   Wildebeest native to Africa.\n"
                           "* Zebra: (zebra).               Striped.\n"
                           "\n"
                           "Zoology\n"
                           "* Zoo: (zoo).                   Zoos.\n"));
  REQUIRE(r.entries.size() == 1);
  CHECK(r.entries[0].sections == std::vector<std::string>{"Animals"});
  CHECK(r.entries[0].text == "* Gnu: (gnu).                   Wildebeest native to Africa.\n");
}

TEST_CASE("info_dir: a missing section is added in alphabetical order in the Top node", "[info_dir]") {
  std::string info = "INFO-DIR-SECTION Birds\nSTART-INFO-DIR-ENTRY\n* Emu: (emu).  A bird.\nEND-INFO-DIR-ENTRY\n";
  auto r = update_info_dir(dir_with(kAnimals), info, "emu", {});
  CHECK(r.text == dir_with("\n"
                           "Animals\n"
                           "* Aardvark: (aardvark).         Medium-sized African mammal.\n"
                           "* Zebra: (zebra).               Striped.\n"
                           "\n"
                           "Birds\n"
                           "* Emu: (emu).                   A bird.\n"
                           "\n"
                           "Zoology\n"
                           "* Zoo: (zoo).                   Zoos.\n"));
}

TEST_CASE("info_dir: the new dir file header gets the first section at its end", "[info_dir]") {
  auto r = update_info_dir(stage::info_dir_header(), kGnuInfo, "gnu.info", {});
  CHECK(r.text == dir_with("\nAnimals\n* Gnu: (gnu).                   Wildebeest native to Africa.\n"));
}

TEST_CASE("info_dir: an entry of the same name is replaced, unless --keep-old", "[info_dir]") {
  std::string dir = dir_with("\nAnimals\n* Gnu: (gnu).   Old text\n   on two lines.\n* Zebra: (zebra).  Z.\n");
  auto r = update_info_dir(dir, kGnuInfo, "gnu", {});
  CHECK(r.text == dir_with("\nAnimals\n* Gnu: (gnu).                   Wildebeest native to Africa.\n"
                           "* Zebra: (zebra).  Z.\n"));
  InfoDirOptions keep;
  keep.keep_old = true;
  CHECK(update_info_dir(dir, kGnuInfo, "gnu", keep).text == dir);
}

TEST_CASE("info_dir: --remove deletes the entries and the sections they leave empty", "[info_dir]") {
  std::string dir = dir_with("\nAnimals\n* Gnu: (gnu).   Gnus\n   more.\n\nBirds\n* Emu: (emu).  E.\n");
  InfoDirOptions remove;
  remove.remove = true;
  auto r = update_info_dir(dir, kGnuInfo, "/usr/share/info/gnu.info.gz", remove);
  CHECK(r.text == dir_with("\nBirds\n* Emu: (emu).  E.\n"));
  CHECK_FALSE(r.nothing_deleted);

  remove.keep_old = true;
  CHECK(update_info_dir(dir, kGnuInfo, "gnu.info", remove).text == dir_with("\nAnimals\n\nBirds\n* Emu: (emu).  E.\n"));

  auto none = update_info_dir(dir, kGnuInfo, "yak.info", remove);
  CHECK(none.nothing_deleted);
  CHECK(none.text == dir);
}

TEST_CASE("info_dir: --remove-exactly matches the name as given, directory and all", "[info_dir]") {
  std::string dir = dir_with("\nAnimals\n* Gnu: (gnu).  G.\n* Emu: (emu.info).  E.\n* Yak: (zoo/yak).  Y.\n");
  InfoDirOptions exact;
  exact.remove = exact.remove_exactly = true;
  CHECK(update_info_dir(dir, "", "gnu", exact).text == dir_with("\nAnimals\n* Emu: (emu.info).  E.\n* Yak: (zoo/yak).  Y.\n"));
  CHECK(update_info_dir(dir, "", "yak", exact).nothing_deleted);
  CHECK(update_info_dir(dir, "", "zoo/yak", exact).text == dir_with("\nAnimals\n* Gnu: (gnu).  G.\n* Emu: (emu.info).  E.\n"));
  // Without it, the entry's directory is ignored.
  InfoDirOptions remove;
  remove.remove = true;
  CHECK(update_info_dir(dir, "", "yak.info", remove).text == dir_with("\nAnimals\n* Gnu: (gnu).  G.\n* Emu: (emu.info).  E.\n"));
}

TEST_CASE("info_dir: an Info file without entries changes nothing", "[info_dir]") {
  auto r = update_info_dir(dir_with(kAnimals), "Just text.\n", "plain.info", {});
  CHECK(r.no_entries);
  CHECK(r.text == dir_with(kAnimals));
}

TEST_CASE("info_dir: an unmatched START-INFO-DIR-ENTRY is an error, a stray END is not", "[info_dir]") {
  std::string open = "INFO-DIR-SECTION X\nSTART-INFO-DIR-ENTRY\n* A: (a).  A.\n";
  CHECK_THROWS_WITH(update_info_dir(dir_with(kAnimals), open, "a", {}),
                    "START-INFO-DIR-ENTRY without matching END-INFO-DIR-ENTRY");
  CHECK_THROWS_AS(update_info_dir(dir_with(kAnimals), open + "START-INFO-DIR-ENTRY\n", "a", {}), stage::InfoDirError);
  std::string stray = "INFO-DIR-SECTION Zoology\nSTART-INFO-DIR-ENTRY\n* A: (a).  A.\nEND-INFO-DIR-ENTRY\nEND-INFO-DIR-ENTRY\n";
  CHECK_FALSE(update_info_dir(dir_with(kAnimals), stray, "a", {}).no_entries);
}

TEST_CASE("info_dir: entries are aligned and wrapped as texinfo formats them", "[info_dir]") {
  CHECK(stage::format_info_entry("* Gnu: (gnu).  Gnus.\n", {"Animals"}, -1, -1, -1) ==
        "* Gnu: (gnu).                   Gnus.\n");
  CHECK(stage::format_info_entry("* ls: (coreutils)ls invocation.  List files.\n", {"Individual utilities"}, -1, -1,
                                 -1) == "* ls: (coreutils)ls invocation." + std::string(17, ' ') + "List files.\n");
  // A long description wraps at column 79 and continues at column 34.
  CHECK(stage::format_info_entry("* Gnu: (gnu).  Large hooved animal native to the African savannah.\n", {"A"}, -1,
                                 -1, -1) ==
        "* Gnu: (gnu).                   Large hooved animal native to the African \n"
        "                                  savannah.\n");
  // Description lines are joined; a sentence's end gets two spaces.
  CHECK(stage::format_info_entry("* A: (a).  One.\n  Two\n  three.\n", {"A"}, 12, 14, -1) ==
        "* A: (a).  One.  Two three.\n");
  // A name too long for the column puts the description on the next line.
  CHECK(stage::format_info_entry("* A very long name: (file)Some node.  Desc.\n", {"A"}, 20, 22, -1) ==
        "* A very long name: (file)Some node.\n" + std::string(19, ' ') + "Desc.\n");
  // Without a ". " there is no description: texinfo leaves a dangling pointer, we keep the text.
  CHECK(stage::format_info_entry("* A: (a)\n", {"A"}, -1, -1, -1) == "* A: (a)\n");
}

TEST_CASE("info_dir: --no-indent keeps the entry text as written", "[info_dir]") {
  InfoDirOptions o;
  o.indent = false;
  auto r = update_info_dir(dir_with(kAnimals), kGnuInfo, "gnu.info", o);
  REQUIRE(r.entries.size() == 1);
  CHECK(r.entries[0].text == "* Gnu: (gnu).                    Wildebeest native to Africa.\n");
}

TEST_CASE("info_dir: --name and --description build an entry, the basename fills in", "[info_dir]") {
  InfoDirOptions o;
  o.entry_args = {{InfoEntryArg::Kind::Name, "Wildebeest"}, {InfoEntryArg::Kind::Description, "Gnus."}};
  o.sections = {"Zoology"};
  auto r = update_info_dir(dir_with(kAnimals), "no entries\n", "dir/gnu.info.xz", o);
  REQUIRE(r.entries.size() == 1);
  CHECK(r.entries[0].text == "* Wildebeest: (gnu).            Gnus.\n");
  CHECK(r.entries[0].sections == std::vector<std::string>{"Zoology"});

  // A lone --description gets the name from the Info file's entry.
  InfoDirOptions d;
  d.entry_args = {{InfoEntryArg::Kind::Description, "New words."}};
  auto r2 = update_info_dir(dir_with(kAnimals), kGnuInfo, "gnu.info", d);
  REQUIRE(r2.entries.size() == 1);
  CHECK(r2.entries[0].text == "* Gnu: (gnu).                   New words.\n");
}

TEST_CASE("info_dir: --entry goes into every section, --defsection only without one", "[info_dir]") {
  InfoDirOptions o;
  o.entry_args = {{InfoEntryArg::Kind::Entry, "* Foo: (foo).  Foo."}};
  o.default_section = "Zoology";
  auto r = update_info_dir(dir_with(kAnimals), "nothing\n", "foo", o);
  REQUIRE(r.entries.size() == 1);
  CHECK(r.entries[0].sections == std::vector<std::string>{"Zoology"});
  auto r2 = update_info_dir(dir_with(kAnimals), kGnuInfo, "foo", o);
  CHECK(r2.entries[0].sections == std::vector<std::string>{"Animals"});
}

TEST_CASE("info_dir: --regex adds the entries to the matching existing sections", "[info_dir]") {
  InfoDirOptions o;
  o.regex = "^z";
  auto r = update_info_dir(dir_with(kAnimals), kGnuInfo, "gnu", o);
  REQUIRE(r.entries.size() == 1);
  CHECK(r.entries[0].sections == std::vector<std::string>{"Zoology"});
  CHECK(r.text.find("Zoology\n* Gnu: (gnu).") != std::string::npos);
  CHECK(stage::info_regex_error("[").has_value());
  CHECK_FALSE(stage::info_regex_error("^A.*s$").has_value());
}

TEST_CASE("info_dir: --add-once never truncates the dir file (texinfo 6.8 does)", "[info_dir]") {
  // The legacy `--section '^Animals$' Birds`: the entry goes into Animals; the
  // second, new section is not added, and the rest of the file stays.
  InfoDirOptions o;
  o.regex = "^Animals$";
  o.sections = {"Birds"};
  o.add_once = true;
  auto r = update_info_dir(dir_with(kAnimals), kGnuInfo, "gnu", o);
  CHECK(r.text == dir_with("\n"
                           "Animals\n"
                           "* Aardvark: (aardvark).         Medium-sized African mammal.\n"
                           "* Gnu: (gnu).                   Wildebeest native to Africa.\n"
                           "* Zebra: (zebra).               Striped.\n"
                           "\n"
                           "Zoology\n"
                           "* Zoo: (zoo).                   Zoos.\n"));
}

TEST_CASE("info_dir: a dir file without a final newline gets one", "[info_dir]") {
  std::string dir = dir_with("\nAnimals\n* Zebra: (zebra).  Z.");
  auto r = update_info_dir(dir, kGnuInfo, "gnu", {});
  CHECK(r.text == dir_with("\nAnimals\n* Gnu: (gnu).                   Wildebeest native to Africa.\n"
                           "* Zebra: (zebra).  Z.\n"));
}

TEST_CASE("info_dir: the match name drops the directory and Info and compression suffixes", "[info_dir]") {
  CHECK(stage::info_match_name("/usr/share/info/gnu.info.gz", false) == "gnu");
  CHECK(stage::info_match_name("emacs.inf", false) == "emacs");
  CHECK(stage::info_match_name("lilypond/lilypond.info.xz", false) == "lilypond");
  CHECK(stage::info_match_name("a.info.lzma", false) == "a");
  CHECK(stage::info_match_name("/x/gnu.info", true) == "/x/gnu.info");
}

TEST_CASE("info_dir: Debian's --section REGEX TITLE becomes --regex, --section, --add-once", "[info_dir]") {
  auto no_file = [](const std::string&) { return false; };
  auto m = stage::munge_legacy_section({"install-info", "--section", "^Ani", "Animals", "gnu.info", "dir"}, no_file);
  REQUIRE(m);
  CHECK(*m == std::vector<std::string>{"install-info", "--regex=^Ani", "--section=Animals", "--add-once", "gnu.info",
                                       "dir"});
  // A TITLE that is an option or an existing file is not the legacy form.
  CHECK_FALSE(stage::munge_legacy_section({"ii", "--section", "Animals", "--quiet", "x"}, no_file));
  auto is_info = [](const std::string& s) { return s == "gnu.info"; };
  CHECK_FALSE(stage::munge_legacy_section({"ii", "--section", "Animals", "gnu.info", "dir"}, is_info));
  CHECK_FALSE(stage::munge_legacy_section({"ii", "--section=Animals", "gnu.info", "dir"}, no_file));
  CHECK_FALSE(stage::munge_legacy_section({"ii", "gnu.info", "--section", "x"}, no_file));
}
