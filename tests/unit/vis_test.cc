// Unit tests of vis: the strsvis(3) VIS_OCTAL encoding of mtree names.
#include <catch2/catch.hpp>

#include "stage/vis.h"

using stage::mtree_unvis;
using stage::mtree_vis;

TEST_CASE("vis: plain names stay as they are", "[vis]") {
  CHECK(mtree_vis("/usr/pkg/bin/foo-1.2_x+y=z,a@b") == "/usr/pkg/bin/foo-1.2_x+y=z,a@b");
}

TEST_CASE("vis: blanks, '#', backslash and glob characters become octal escapes", "[vis]") {
  CHECK(mtree_vis("a b") == "a\\040b");
  CHECK(mtree_vis("a\tb") == "a\\011b");
  CHECK(mtree_vis("a\nb") == "a\\012b");
  CHECK(mtree_vis("a#b") == "a\\043b");
  CHECK(mtree_vis("a\\b") == "a\\134b");
  CHECK(mtree_vis("*?[") == "\\052\\077\\133");
  // ']' and other punctuation are not glob-special alone: NetBSD leaves them.
  CHECK(mtree_vis("a]b{c}") == "a]b{c}");
}

TEST_CASE("vis: control and non-ASCII bytes are octal whatever the locale", "[vis]") {
  CHECK(mtree_vis("\x01") == "\\001");
  CHECK(mtree_vis("\x7f") == "\\177");
  CHECK(mtree_vis("caf\xc3\xa9") == "caf\\303\\251");
}

TEST_CASE("vis: the encoding is one mtree word and decodes back, for every byte", "[vis]") {
  std::string all;
  for (int c = 1; c < 256; ++c) all += static_cast<char>(c);
  std::string encoded = mtree_vis(all);
  CHECK(encoded.find_first_of(" \t\n#") == std::string::npos);
  CHECK(mtree_unvis(encoded) == all);
}

TEST_CASE("vis: unvis also reads the C-style escapes other mtree writers use", "[vis]") {
  CHECK(mtree_unvis("a\\sb\\tc\\nd\\\\e") == "a b\tc\nd\\e");
  CHECK(mtree_unvis("\\#x") == "\\#x");  // not an escape: kept
}
