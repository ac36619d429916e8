// Unit tests of json_export: JSON Lines with every recorded field.
#include <catch2/catch.hpp>

#include "export_fixtures.h"
#include "stage/json_export.h"

using fixtures::listed;
using fixtures::Scratch;

TEST_CASE("json: strings escape quotes, backslashes and controls, and keep UTF-8", "[json]") {
  CHECK(stage::json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(stage::json_string("l\ni\tn\x01") == "\"l\\ni\\tn\\u0001\"");
  CHECK(stage::json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
}

TEST_CASE("json: bytes that are not UTF-8 become lone surrogates U+DC80..U+DCFF", "[json]") {
  CHECK(stage::json_string("a\xff") == "\"a\\udcff\"");
  CHECK(stage::json_string("\xc3") == "\"\\udcc3\"");          // truncated sequence
  CHECK(stage::json_string("\xc0\xaf") == "\"\\udcc0\\udcaf\"");  // overlong '/'
  CHECK(stage::json_string("\xed\xa0\x80") == "\"\\udced\\udca0\\udc80\"");  // encoded surrogate
}

TEST_CASE("json: one object per line with every recorded field", "[json]") {
  Scratch s;
  s.file("/f", "abc");
  auto ctx = s.context();
  auto le = listed(s, "/f", 04755, "root", "games");
  le.entry.sha256 = "00ff";
  le.entry.flags = "uchg";
  le.entry.tool = "install";
  auto out = stage::format_json({le}, ctx);
  CHECK(out.back() == '\n');
  CHECK(out.find('\n') == out.size() - 1);
  for (const char* field : {"\"path\":\"/f\"", "\"status\":\"tracked\"", "\"type\":\"file\"", "\"mode\":\"04755\"",
                            "\"uname\":\"root\"", "\"uid\":0", "\"gname\":\"games\"", "\"gid\":13", "\"size\":3",
                            "\"sha256\":\"00ff\"", "\"target\":null", "\"flags\":\"uchg\"", "\"caps\":null", "\"rdev\":null",
                            "\"tool\":\"install\"", "\"recorded_path\":null", "\"disk\":{\"dev\":"})
    CHECK(out.find(field) != std::string::npos);
}

TEST_CASE("json: untracked, renamed and missing entries say so", "[json]") {
  Scratch s;
  s.file("/u", "");
  auto ctx = s.context();
  auto u = listed(s, "/u", 0644);
  u.untracked = true;
  auto r = listed(s, "/u", 0644);
  r.renamed = true;
  r.recorded_path = "/old";
  auto out = stage::format_json({u, r}, ctx);
  CHECK(out.find("\"status\":\"untracked\"") != std::string::npos);
  CHECK(out.find("\"status\":\"renamed\"") != std::string::npos);
  CHECK(out.find("\"recorded_path\":\"/old\"") != std::string::npos);
  stage::Entry gone;
  gone.path = "/gone";
  gone.mode = 0644;
  auto missing = stage::format_json_missing({gone}, ctx);
  CHECK(missing.find("\"status\":\"missing\"") != std::string::npos);
  CHECK(missing.find("\"disk\":null") != std::string::npos);
}
