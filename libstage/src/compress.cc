// compress: gzip, xz, lzma and lzip through zlib and liblzma, bzip2 through
// libbz2, all linked statically into the drop-in. Only writing lzip needs a
// program (liblzma decodes lzip but has no lzip encoder), run as texinfo does.
#include "stage/compress.h"

#include <bzlib.h>
#include <fcntl.h>
#include <lzma.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace stage {
namespace {

constexpr size_t kChunk = 1 << 16;

bool starts_with(std::string_view data, std::string_view magic) {
  return data.size() >= magic.size() && data.substr(0, magic.size()) == magic;
}

std::string gunzip(std::string_view in) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) throw CompressError("cannot initialise zlib");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[kChunk];
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    int rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_STREAM_END) {
      // gzip -d reads concatenated members; anything else after a member is
      // trailing garbage it ignores (with a warning), and so do we.
      std::string_view rest(reinterpret_cast<const char*>(z.next_in), z.avail_in);
      if (!starts_with(rest, "\x1f\x8b")) break;
      inflateReset(&z);
      continue;
    }
    if (rc == Z_OK) continue;
    std::string reason = rc == Z_BUF_ERROR ? "unexpected end of file" : z.msg ? z.msg : "invalid compressed data";
    inflateEnd(&z);
    throw CompressError(reason);
  }
  inflateEnd(&z);
  return out;
}

std::string gzip(std::string_view in) {
  z_stream z{};
  // gzip's defaults: level 6, 32K window, memLevel 8.
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw CompressError("cannot initialise zlib");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[kChunk];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = deflate(&z, Z_FINISH);
    out.append(buf, sizeof buf - z.avail_out);
  } while (rc == Z_OK || rc == Z_BUF_ERROR);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw CompressError("gzip compression failed");
  return out;
}

const char* lzma_reason(lzma_ret rc) {
  switch (rc) {
    case LZMA_FORMAT_ERROR: return "file format not recognized";
    case LZMA_DATA_ERROR: return "compressed data is corrupt";
    case LZMA_BUF_ERROR: return "unexpected end of input";
    case LZMA_MEM_ERROR: return "cannot allocate memory";
    case LZMA_OPTIONS_ERROR: return "unsupported options";
    case LZMA_UNSUPPORTED_CHECK: return "unsupported integrity check";
    default: return "liblzma error";
  }
}

/// Runs a liblzma coder that was initialised on `s` over all of `in`.
std::string run_lzma(lzma_stream& s, lzma_ret init, std::string_view in) {
  if (init != LZMA_OK) throw CompressError(lzma_reason(init));
  s.next_in = reinterpret_cast<const uint8_t*>(in.data());
  s.avail_in = in.size();
  std::string out;
  uint8_t buf[kChunk];
  for (;;) {
    s.next_out = buf;
    s.avail_out = sizeof buf;
    lzma_ret rc = lzma_code(&s, LZMA_FINISH);
    out.append(reinterpret_cast<char*>(buf), sizeof buf - s.avail_out);
    if (rc == LZMA_STREAM_END) break;
    if (rc != LZMA_OK) {
      lzma_end(&s);
      throw CompressError(lzma_reason(rc));
    }
  }
  lzma_end(&s);
  return out;
}

std::string bunzip2(std::string_view in) {
  std::string out;
  char buf[kChunk];
  size_t offset = 0;
  do {
    bz_stream s{};
    if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK) throw CompressError("cannot initialise libbz2");
    s.next_in = const_cast<char*>(in.data() + offset);
    s.avail_in = static_cast<unsigned>(in.size() - offset);
    int rc;
    for (;;) {
      s.next_out = buf;
      s.avail_out = sizeof buf;
      unsigned before_in = s.avail_in;
      rc = BZ2_bzDecompress(&s);
      out.append(buf, sizeof buf - s.avail_out);
      if (rc == BZ_STREAM_END) break;
      if (rc != BZ_OK || (s.avail_in == 0 && before_in == 0 && s.avail_out == sizeof buf)) {
        BZ2_bzDecompressEnd(&s);
        throw CompressError(rc == BZ_DATA_ERROR_MAGIC ? "not bzip2 data"
                            : rc == BZ_DATA_ERROR   ? "data integrity error"
                            : rc == BZ_OK           ? "unexpected end of file"
                                                    : "libbz2 error");
      }
    }
    offset = in.size() - s.avail_in;
    BZ2_bzDecompressEnd(&s);
    // bzip2 -d reads concatenated streams, and ignores trailing garbage.
  } while (starts_with(in.substr(offset), "BZh"));
  return out;
}

std::string bzip2(std::string_view in) {
  bz_stream s{};
  if (BZ2_bzCompressInit(&s, 9, 0, 0) != BZ_OK) throw CompressError("cannot initialise libbz2");
  s.next_in = const_cast<char*>(in.data());
  s.avail_in = static_cast<unsigned>(in.size());
  std::string out;
  char buf[kChunk];
  int rc;
  do {
    s.next_out = buf;
    s.avail_out = sizeof buf;
    rc = BZ2_bzCompress(&s, BZ_FINISH);
    out.append(buf, sizeof buf - s.avail_out);
  } while (rc == BZ_FINISH_OK);
  BZ2_bzCompressEnd(&s);
  if (rc != BZ_STREAM_END) throw CompressError("bzip2 compression failed");
  return out;
}

/// Runs PROGRAM ARGS with `in` on its standard input and returns its standard
/// output. Memory files on both sides, so no pipe can fill up and deadlock.
std::string run_filter(const char* const* argv, std::string_view in) {
  int in_fd = ::memfd_create("stage-in", MFD_CLOEXEC);
  int out_fd = ::memfd_create("stage-out", MFD_CLOEXEC);
  if (in_fd < 0 || out_fd < 0) throw CompressError(std::string("cannot create a memory file: ") + std::strerror(errno));
  struct Closer {
    int a, b;
    ~Closer() { ::close(a), ::close(b); }
  } closer{in_fd, out_fd};
  for (size_t off = 0; off < in.size();) {
    ssize_t n = ::write(in_fd, in.data() + off, in.size() - off);
    if (n < 0) throw CompressError(std::string("cannot write a memory file: ") + std::strerror(errno));
    off += static_cast<size_t>(n);
  }
  ::lseek(in_fd, 0, SEEK_SET);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  pid_t pid;
  int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw CompressError(std::string("cannot run ") + argv[0] + ": " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw CompressError(std::string(argv[0]) + " failed");
  std::string out;
  char buf[kChunk];
  ::lseek(out_fd, 0, SEEK_SET);
  for (ssize_t n; (n = ::read(out_fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace

Compression detect_compression(std::string_view head) {
  if (head.size() < kCompressionMagicSize) return Compression::None;
  auto b = [&](size_t i) { return static_cast<unsigned char>(head[i]); };
  if (b(0) == 0x1f && b(1) == 0x8b) return Compression::Gzip;
  if (starts_with(head, std::string_view("\xFD" "7zXZ\0", 6))) return Compression::Xz;
  if (starts_with(head, "BZh")) return Compression::Bzip2;
  if (starts_with(head, "BZ0")) return Compression::Bzip;
  if (starts_with(head, std::string_view("LZIP\x01", 5))) return Compression::Lzip;
  // texinfo's lzma test: the old header-less format (a zero 64-bit size or an
  // unknown size of all ones) and the lzma-utils "\xFFLZMA\0" header.
  bool zero_size = b(9) == 0 && b(10) == 0 && b(11) == 0 && b(12) == 0;
  bool unknown_size = true;
  for (size_t i = 5; i <= 12; ++i) unknown_size = unknown_size && b(i) == 0xFF;
  if (zero_size || unknown_size || starts_with(head, std::string_view("\xFFLZMA\0", 6))) return Compression::Lzma;
  return Compression::None;
}

const char* compression_name(Compression format) {
  switch (format) {
    case Compression::None: return "";
    case Compression::Gzip: return "gzip";
    case Compression::Xz: return "xz";
    case Compression::Bzip2: return "bzip2";
    case Compression::Bzip: return "bzip";
    case Compression::Lzip: return "lzip";
    case Compression::Lzma: return "lzma";
  }
  return "";
}

std::string decompress(Compression format, std::string_view data) {
  lzma_stream s = LZMA_STREAM_INIT;
  switch (format) {
    case Compression::None: return std::string(data);
    case Compression::Gzip: return gunzip(data);
    case Compression::Xz: return run_lzma(s, lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED), data);
    case Compression::Lzma: return run_lzma(s, lzma_alone_decoder(&s, UINT64_MAX), data);
    case Compression::Lzip:
#if LZMA_VERSION >= 50040000
      return run_lzma(s, lzma_lzip_decoder(&s, UINT64_MAX, LZMA_CONCATENATED), data);
#else
      {
        const char* argv[] = {"lzip", "-dc", nullptr};
        return run_filter(argv, data);
      }
#endif
    case Compression::Bzip2: return bunzip2(data);
    case Compression::Bzip: break;
  }
  throw CompressError("bzip (BZ0) compressed data is not supported");
}

std::string compress(Compression format, std::string_view data) {
  lzma_stream s = LZMA_STREAM_INIT;
  switch (format) {
    case Compression::None: return std::string(data);
    case Compression::Gzip: return gzip(data);
    case Compression::Xz: return run_lzma(s, lzma_easy_encoder(&s, 6, LZMA_CHECK_CRC64), data);
    case Compression::Lzma: {
      lzma_options_lzma options;
      if (lzma_lzma_preset(&options, 6)) throw CompressError("unsupported options");
      return run_lzma(s, lzma_alone_encoder(&s, &options), data);
    }
    case Compression::Lzip: {
      const char* argv[] = {"lzip", "-c", nullptr};
      return run_filter(argv, data);
    }
    case Compression::Bzip2: return bzip2(data);
    case Compression::Bzip: break;
  }
  throw CompressError("bzip (BZ0) compression is not supported");
}

}  // namespace stage
