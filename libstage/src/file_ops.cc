// file_ops: atomic creation, copying and backups on host or staged places.
#include "stage/file_ops.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

#include "stage/diag.h"

namespace stage {

int stat_place(const Place& place, struct stat* st, bool follow) {
  if (place.error) return place.error;
  int flags = (follow && !place.staged) ? 0 : AT_SYMLINK_NOFOLLOW;
  return ::fstatat(place.dirfd, place.name.c_str(), st, flags) == 0 ? 0 : errno;
}

namespace {
std::string dir_part(const std::string& name) {
  auto slash = name.find_last_of('/');
  if (slash == std::string::npos) return {};
  return name.substr(0, slash + 1);
}
}  // namespace

TempFile::TempFile(const Place& dest) : dest_(dest) {
  if (dest.error) {
    error_ = dest.error;
    return;
  }
  // The temporary lives beside the destination so that rename() is atomic.
  std::string prefix = dir_part(dest.name);
  static std::minstd_rand rng(static_cast<unsigned>(::getpid()) ^ static_cast<unsigned>(::time(nullptr)));
  for (int attempt = 0; attempt < 100; ++attempt) {
    char tail[32];
    std::snprintf(tail, sizeof tail, ".stage-tmp.%d.%08x", static_cast<int>(::getpid()), static_cast<unsigned>(rng()));
    name_ = prefix + tail;
    int fd = ::openat(dest.dirfd, name_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
      fd_ = UniqueFd(fd);
      return;
    }
    if (errno != EEXIST) {
      error_ = errno;
      return;
    }
  }
  error_ = EEXIST;
}

TempFile::~TempFile() {
  if (fd_ && !done_) ::unlinkat(dest_.dirfd, name_.c_str(), 0);
}

int TempFile::commit() {
  if (::renameat(dest_.dirfd, name_.c_str(), dest_.dirfd, dest_.name.c_str()) != 0) return errno;
  done_ = true;
  return 0;
}

int TempFile::reopen() {
  int fd = ::openat(dest_.dirfd, name_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno;
  fd_ = UniqueFd(fd);
  return 0;
}

int copy_contents(int in, int out) {
  for (;;) {
    ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, 1 << 30, 0);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP || errno == EBADF) break;
      return errno;
    }
  }
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(in, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    for (ssize_t off = 0; off < n;) {
      ssize_t w = ::write(out, buf + off, n - off);
      if (w < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      off += w;
    }
  }
}

bool same_contents(int a, int b) {
  char x[1 << 15], y[1 << 15];
  ::lseek(a, 0, SEEK_SET);
  ::lseek(b, 0, SEEK_SET);
  for (;;) {
    ssize_t n = ::read(a, x, sizeof x);
    ssize_t m = n > 0 ? ::read(b, y, n) : ::read(b, y, 1);
    if (n < 0 || m < 0) return false;
    if (n == 0) return m == 0;
    if (m != n || std::memcmp(x, y, n) != 0) return false;
  }
}

std::optional<BackupType> parse_backup_type(std::string_view word, bool* ambiguous) {
  if (ambiguous) *ambiguous = false;
  struct Name {
    const char* word;
    BackupType type;
  };
  static const Name names[] = {{"none", BackupType::None},         {"off", BackupType::None},
                               {"simple", BackupType::Simple},     {"never", BackupType::Simple},
                               {"existing", BackupType::Existing}, {"nil", BackupType::Existing},
                               {"numbered", BackupType::Numbered}, {"t", BackupType::Numbered}};
  std::optional<BackupType> found;
  for (const auto& n : names) {
    std::string_view w(n.word);
    if (w == word) return n.type;
    if (w.starts_with(word) && !word.empty()) {
      if (found && *found != n.type) {
        if (ambiguous) *ambiguous = true;
        return std::nullopt;
      }
      found = n.type;
    }
  }
  return found;
}

void invalid_backup_type(std::string_view word, std::string_view context, bool ambiguous) {
  diag::warn(std::string(ambiguous ? "ambiguous" : "invalid") + " argument " + diag::quote(word) + " for " +
             diag::quote(context));
  std::string text =
      "Valid arguments are:\n  - 'none', 'off'\n  - 'simple', 'never'\n  - 'existing', 'nil'\n  - 'numbered', 't'\n";
  ssize_t ignored = ::write(STDERR_FILENO, text.data(), text.size());
  (void)ignored;
  diag::usage_error();
}

BackupSettings backup_settings(bool make_backups, const char* control, const char* suffix) {
  BackupSettings s;
  // gnulib's set_simple_backup_suffix: -S, else SIMPLE_BACKUP_SUFFIX, used
  // only when non-empty and a single file name component; else "~".
  const char* wanted = suffix ? suffix : std::getenv("SIMPLE_BACKUP_SUFFIX");
  auto single_component = [](std::string_view v) {
    size_t slash = v.find('/');
    return slash == std::string_view::npos || v.find_first_not_of('/', slash) == std::string_view::npos;
  };
  if (wanted && *wanted && wanted[0] != '/' && single_component(wanted)) s.suffix = wanted;
  if (!make_backups) return s;
  // xget_version: an empty --backup= argument defers to VERSION_CONTROL.
  std::string_view context = "backup type";
  if (!control || !*control) {
    control = std::getenv("VERSION_CONTROL");
    context = "$VERSION_CONTROL";
    if (!control || !*control) {
      s.type = BackupType::Existing;
      return s;
    }
  }
  bool ambiguous = false;
  auto type = parse_backup_type(control, &ambiguous);
  if (!type) invalid_backup_type(control, context, ambiguous);
  s.type = *type;
  return s;
}

std::string backup_name(int dirfd, const std::string& leaf, BackupType type, const std::string& suffix) {
  std::string base = leaf, dir;
  if (auto slash = leaf.find_last_of('/'); slash != std::string::npos) {
    dir = leaf.substr(0, slash + 1);
    base = leaf.substr(slash + 1);
  }
  if (type == BackupType::Simple) return leaf + suffix;
  // Find the highest existing "base.~N~".
  int highest = 0;
  int fd = ::openat(dirfd, dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    if (DIR* d = ::fdopendir(fd)) {
      std::string stem = base + ".~";
      while (struct dirent* ent = ::readdir(d)) {
        std::string_view n(ent->d_name);
        if (!n.starts_with(stem) || !n.ends_with("~") || n.size() <= stem.size() + 1) continue;
        std::string_view digits = n.substr(stem.size(), n.size() - stem.size() - 1);
        if (digits.find_first_not_of("0123456789") != std::string_view::npos || digits[0] == '0') continue;
        highest = std::max(highest, std::atoi(std::string(digits).c_str()));
      }
      ::closedir(d);
    } else {
      ::close(fd);
    }
  }
  if (type == BackupType::Existing && highest == 0) return leaf + suffix;
  return dir + base + ".~" + std::to_string(highest + 1) + "~";
}

}  // namespace stage
