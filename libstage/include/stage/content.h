// content: the size and SHA-256 of staged files as they are now (SPEC "Current
// content wins"), reusing a recorded digest only while the file is unchanged.
// Only exports link this (OpenSSL); the drop-ins never hash.
#pragma once

#include <string>
#include <system_error>
#include <vector>

#include "stage/listing.h"
#include "stage/store.h"

namespace stage {

/// Opens a staged regular file for reading by logical path, relative to the
/// stage root `root_fd`, confined to it as every staged open is
/// (open_in_root(): no symlink at all through openat2; where openat2 is
/// missing or refused, symlinks on the way resolve inside the root, a final
/// one is not followed). Returns the descriptor, or -1 with errno set.
int open_staged_file(int root_fd, const std::string& logical);

/// The hex SHA-256 of everything readable from `fd` (from its current offset).
/// Throws std::system_error on a read error.
std::string sha256_of_fd(int fd);

/// The hex SHA-256 of a byte string.
std::string sha256_of(std::string_view bytes);

/// A digest computed over data as it is read for another purpose (stage-pack
/// hashes a file's content for a .deb's md5sums while archiving it).
class StreamDigest {
 public:
  enum class Kind { Md5, Sha256 };
  explicit StreamDigest(Kind kind);
  ~StreamDigest();
  StreamDigest(const StreamDigest&) = delete;
  StreamDigest& operator=(const StreamDigest&) = delete;
  void update(const void* data, size_t n);
  /// The hex digest of everything given to update(); call once.
  std::string finish();

 private:
  void* ctx_;  // EVP_MD_CTX, kept out of this header
};

/// The hex MD5 of `bytes` (dpkg's md5sums and pacman's md5digest want it).
std::string md5_of(std::string_view bytes);

/// The hex MD5 of everything readable from `fd`. Throws std::system_error
/// on a read error.
std::string md5_of_fd(int fd);

/// True when the entry's recorded digest still describes the file on disk:
/// a digest is recorded, and device, inode, size, mtime and ctime are those
/// recorded with it.
bool digest_is_current(const ListedEntry& le);

/// What refresh_content() did.
struct ContentRefresh {
  size_t reused = 0;   ///< digests taken from the records
  size_t hashed = 0;   ///< files read and hashed now
  /// Digests worth storing for the next export (tracked entries only: an
  /// untracked file has no record to keep them in).
  std::vector<Store::Digest> remember;
};

/// Gives every regular file among `entries` its current size and SHA-256,
/// reading it (relative to the stage root `root_fd`, never following a
/// symlink) unless digest_is_current(). Throws std::system_error naming the
/// logical path when a file cannot be read.
ContentRefresh refresh_content(int root_fd, std::vector<ListedEntry>& entries);

}  // namespace stage
