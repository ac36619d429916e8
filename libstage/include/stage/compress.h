// compress: the compressed formats texinfo's install-info reads and writes back
// (gzip, xz, bzip2, lzma, lzip), through zlib, liblzma and libbz2.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace stage {

/// A compression format, as texinfo 6.8 tells them apart.
enum class Compression { None, Gzip, Xz, Bzip2, Bzip, Lzip, Lzma };

/// The number of leading bytes detect_compression() looks at (texinfo reads 13).
constexpr size_t kCompressionMagicSize = 13;

/// The format of data that starts with `head` (at least kCompressionMagicSize
/// bytes), by the magic numbers texinfo 6.8 checks, in its order.
Compression detect_compression(std::string_view head);

/// The program texinfo would run for the format ("gzip", "xz", ...); "" for None.
const char* compression_name(Compression format);

/// Data could not be (de)compressed; what() is the reason, without a file name.
struct CompressError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Decompresses all of `data` (concatenated streams included). Throws
/// CompressError for corrupt, truncated or unsupported data.
std::string decompress(Compression format, std::string_view data);

/// Compresses `data` the way the format's program does by default (gzip -6,
/// xz -6, bzip2 -9, lzma -6; lzip through the `lzip` program). Throws CompressError.
std::string compress(Compression format, std::string_view data);

}  // namespace stage
