// content: SHA-256 through OpenSSL's EVP interface, with digest reuse.
#include "stage/content.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "stage/root_fs.h"
#include "stage/session.h"

namespace stage {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

MdCtx new_digest(const EVP_MD* md, const char* name) {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1)
    throw std::system_error(ENOMEM, std::generic_category(), name);
  return ctx;
}

MdCtx new_sha256() { return new_digest(EVP_sha256(), "SHA-256"); }

std::string digest_of_fd(MdCtx ctx, int fd);

std::string finish_hex(EVP_MD_CTX* ctx) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  static const char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex += digits[md[i] >> 4];
    hex += digits[md[i] & 0xf];
  }
  return hex;
}

}  // namespace

int open_staged_file(int root_fd, const std::string& logical) {
  return open_in_root(root_fd, logical, O_RDONLY | O_NOCTTY);
}

std::string sha256_of_fd(int fd) { return digest_of_fd(new_sha256(), fd); }

std::string md5_of_fd(int fd) { return digest_of_fd(new_digest(EVP_md5(), "MD5"), fd); }

StreamDigest::StreamDigest(Kind kind)
    : ctx_(new_digest(kind == Kind::Md5 ? EVP_md5() : EVP_sha256(), kind == Kind::Md5 ? "MD5" : "SHA-256").release()) {}

StreamDigest::~StreamDigest() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void StreamDigest::update(const void* data, size_t n) { EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data, n); }

std::string StreamDigest::finish() { return finish_hex(static_cast<EVP_MD_CTX*>(ctx_)); }

std::string md5_of(std::string_view bytes) {
  MdCtx ctx = new_digest(EVP_md5(), "MD5");
  EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size());
  return finish_hex(ctx.get());
}

namespace {

std::string digest_of_fd(MdCtx ctx, int fd) {
  std::vector<char> buf(1 << 17);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "read");
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(n));
  }
  return finish_hex(ctx.get());
}

}  // namespace

std::string sha256_of(std::string_view bytes) {
  MdCtx ctx = new_sha256();
  EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size());
  return finish_hex(ctx.get());
}

bool digest_is_current(const ListedEntry& le) {
  if (le.entry.sha256.empty() || !le.entry.disk) return false;
  return *le.entry.disk == disk_identity(le.disk);
}

ContentRefresh refresh_content(int root_fd, std::vector<ListedEntry>& entries) {
  ContentRefresh out;
  for (auto& le : entries) {
    if (!S_ISREG(le.disk.st_mode)) continue;
    if (digest_is_current(le)) {
      ++out.reused;
      continue;
    }
    const std::string& path = le.entry.path;
    int fd = open_staged_file(root_fd, path);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), path);
    UniqueFd owned(fd);
    struct stat before;
    if (::fstat(fd, &before) != 0) throw std::system_error(errno, std::generic_category(), path);
    std::string digest;
    try {
      digest = sha256_of_fd(fd);
    } catch (const std::system_error& e) {
      throw std::system_error(e.code(), path);
    }
    struct stat after;
    ::fstat(fd, &after);
    le.entry.sha256 = digest;
    le.entry.size = static_cast<uint64_t>(after.st_size);
    le.disk = after;
    ++out.hashed;
    // A file written to while it was read gets no stored digest: the next
    // export sees a changed identity and reads it again.
    DiskIdentity id = disk_identity(after);
    if (!le.untracked && id == disk_identity(before)) {
      le.entry.disk = id;
      out.remember.push_back({le.renamed ? le.recorded_path : le.entry.path, id, digest});
    }
  }
  return out;
}

}  // namespace stage
