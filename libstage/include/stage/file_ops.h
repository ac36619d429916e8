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

/// A temporary file beside a destination, removed unless committed: the
/// destination appears atomically, and a failure leaves nothing. Where the
/// filesystem offers O_TMPFILE the file has no name until commit(), so not
/// even SIGKILL leaves it behind; else (or when `named`, for a program that
/// needs a path, such as strip) it is `.stage-tmp.PID.RANDOM`, removed on
/// failure and on SIGTERM, SIGINT and SIGHUP.
class TempFile {
 public:
  /// Creates the file in `dest`'s directory. error() tells why not. An
  /// unnamed file gets the permission bits `mode` (less the umask, as
  /// open(2) gives them: nobody can open it before commit()), a named one
  /// 0600 until its owner changes it.
  explicit TempFile(const Place& dest, bool named = false, mode_t mode = 0600);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  int error() const { return error_; }
  int fd() const { return fd_.get(); }
  /// The temporary name relative to the destination's directory fd; empty
  /// for an unnamed (O_TMPFILE) file.
  const std::string& name() const { return name_; }
  /// Puts the file at the destination: replacing what is there (rename), or
  /// with `replace` false only when nothing is there (else EEXIST, and the
  /// temporary file stays uncommitted). Returns 0 or an errno.
  int commit(bool replace = true);
  /// Opens the temporary name again: a program run on it (strip) may have
  /// replaced the file rather than rewritten it. Returns 0 or an errno.
  int reopen();

 private:
  int link_unnamed(const std::string& name);
  const Place& dest_;
  std::string dir_, name_;
  UniqueFd fd_;
  int error_ = 0;
  bool done_ = false;
  int registered_ = -1;  // slot in the signal-time clean-up list
};

/// True for a name our temporary files use (`.stage-tmp.*`, `.stage-pack.*`):
/// listings and archives of the stage never show them.
bool is_stage_temporary(std::string_view leaf);

/// Registers a named temporary file (`dirfd` + `name`, dirfd AT_FDCWD for a
/// path) to be unlinked if SIGTERM, SIGINT or SIGHUP ends the process; the
/// signal then takes its default action. Returns a slot for
/// forget_temporary(), or -1 when the list is full.
int remember_temporary(int dirfd, const std::string& name);
/// Drops a registration (the file was renamed into place or removed).
void forget_temporary(int slot);

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
