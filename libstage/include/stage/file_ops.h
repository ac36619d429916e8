// file_ops: the file operations drop-ins share, on a Place (host or stage):
// atomic file creation, content copy, backups, stat helpers.
#pragma once

#include <sys/stat.h>

#include <optional>
#include <string>
#include <string_view>

#include "stage/root_fs.h"

namespace stage {

/// stat() of a place; `follow` follows a final symlink (host places only:
/// staged places were resolved by the session and are never followed here).
int stat_place(const Place& place, struct stat* st, bool follow);

/// A uniquely named temporary file beside a destination, removed unless
/// committed: the destination appears atomically, and a failure leaves nothing.
class TempFile {
 public:
  /// Creates the file in `dest`'s directory with mode 0600. error() tells why not.
  explicit TempFile(const Place& dest);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  int error() const { return error_; }
  int fd() const { return fd_.get(); }
  /// The temporary name relative to the destination's directory fd.
  const std::string& name() const { return name_; }
  /// Renames the temporary file onto the destination. Returns 0 or an errno.
  int commit();
  /// Opens the temporary name again: a program run on it (strip) may have
  /// replaced the file rather than rewritten it. Returns 0 or an errno.
  int reopen();

 private:
  const Place& dest_;
  std::string name_;
  UniqueFd fd_;
  int error_ = 0;
  bool done_ = false;
};

/// Copies all of `in` to `out` (copy_file_range, falling back to read/write). 0 or errno.
int copy_contents(int in, int out);

/// True when two open files have the same content.
bool same_contents(int a, int b);

/// Backup types of GNU's --backup.
enum class BackupType { None, Simple, Numbered, Existing };

/// Parses a --backup CONTROL word (none/off, simple/never, existing/nil,
/// numbered/t, or an unambiguous prefix); nullopt when invalid.
/// `ambiguous`, when given, tells an ambiguous prefix ("n") from an unknown word.
std::optional<BackupType> parse_backup_type(std::string_view word, bool* ambiguous = nullptr);

/// The backup name for `leaf` in directory `dirfd` ("name~", "name.~3~").
std::string backup_name(int dirfd, const std::string& leaf, BackupType type, const std::string& suffix);

/// Exits with GNU's message when a --backup argument is invalid; `context`
/// is what it was given for ("backup type", "$VERSION_CONTROL").
[[noreturn]] void invalid_backup_type(std::string_view word, std::string_view context = "backup type",
                                      bool ambiguous = false);

/// Resolves the backup settings of -b/--backup[=CONTROL]/-S as GNU does,
/// VERSION_CONTROL and SIMPLE_BACKUP_SUFFIX included.
struct BackupSettings {
  BackupType type = BackupType::None;
  std::string suffix = "~";
};
BackupSettings backup_settings(bool make_backups, const char* control, const char* suffix);

}  // namespace stage
