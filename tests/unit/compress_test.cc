// Unit tests of compress: texinfo's magic-number detection and round trips
// through zlib, liblzma and libbz2.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <string>

#include "stage/compress.h"

using stage::Compression;

namespace {
std::string sample() {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "* Entry " + std::to_string(i) + ": (file).   Some words.\n";
  return text;
}
bool have_program(const char* name) {
  std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}
}  // namespace

TEST_CASE("compress: every format round-trips and is detected by its magic", "[compress]") {
  std::string text = sample();
  for (Compression c : {Compression::Gzip, Compression::Xz, Compression::Bzip2, Compression::Lzma}) {
    INFO(stage::compression_name(c));
    std::string packed = stage::compress(c, text);
    CHECK(packed.size() < text.size());
    CHECK(stage::detect_compression(packed) == c);
    CHECK(stage::decompress(c, packed) == text);
  }
}

TEST_CASE("compress: lzip is written by the lzip program and read in-process", "[compress]") {
  if (!have_program("lzip")) {
    WARN("lzip not installed: skipped");
    return;
  }
  std::string text = sample();
  std::string packed = stage::compress(Compression::Lzip, text);
  CHECK(stage::detect_compression(packed) == Compression::Lzip);
  CHECK(stage::decompress(Compression::Lzip, packed) == text);
}

TEST_CASE("compress: plain text is not taken for compressed data", "[compress]") {
  CHECK(stage::detect_compression("This is the file .../info/dir") == Compression::None);
  CHECK(stage::detect_compression("\x1f\x8b") == Compression::None);  // shorter than texinfo's 13 bytes
  CHECK(stage::decompress(Compression::None, "abc") == "abc");
}

TEST_CASE("compress: concatenated gzip members are read whole, as gzip -d does", "[compress]") {
  std::string a = stage::compress(Compression::Gzip, "first\n");
  std::string b = stage::compress(Compression::Gzip, "second\n");
  CHECK(stage::decompress(Compression::Gzip, a + b) == "first\nsecond\n");
}

TEST_CASE("compress: corrupt or truncated data is an error, not a short text", "[compress]") {
  std::string gz = stage::compress(Compression::Gzip, sample());
  CHECK_THROWS_AS(stage::decompress(Compression::Gzip, gz.substr(0, gz.size() / 2)), stage::CompressError);
  CHECK_THROWS_WITH(stage::decompress(Compression::Gzip, gz.substr(0, gz.size() / 2)), "unexpected end of file");
  std::string bad = gz;
  bad[12] ^= 0x55;
  bad[13] ^= 0x55;
  CHECK_THROWS_AS(stage::decompress(Compression::Gzip, bad), stage::CompressError);
  std::string xz = stage::compress(Compression::Xz, sample());
  CHECK_THROWS_AS(stage::decompress(Compression::Xz, xz.substr(0, xz.size() - 10)), stage::CompressError);
  std::string bz = stage::compress(Compression::Bzip2, sample());
  CHECK_THROWS_AS(stage::decompress(Compression::Bzip2, bz.substr(0, bz.size() - 10)), stage::CompressError);
  CHECK_THROWS_AS(stage::decompress(Compression::Bzip, "BZ0xxxxxxxxxxxxx"), stage::CompressError);
}
