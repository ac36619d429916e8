// file_ops: atomic creation, copying and backups on host or staged places.
#include "stage/file_ops.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <signal.h>

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

namespace {
// Named temporaries to remove when a signal ends the process. Plain arrays:
// the handler may only use async-signal-safe calls.
constexpr int kTempSlots = 16;
struct TempSlot {
  volatile sig_atomic_t used;
  int dirfd;
  char name[512];
};
TempSlot temp_slots[kTempSlots];

void remove_temporaries(int sig) {
  for (auto& slot : temp_slots)
    if (slot.used) ::unlinkat(slot.dirfd, slot.name, 0);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

bool is_digits(std::string_view s, bool hex) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(c >= '0' && c <= '9') && !(hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))))
      return false;
  return true;
}
}  // namespace

int remember_temporary(int dirfd, const std::string& name) {
  // Checked each time (named temporaries are rare): a program may have
  // set its own handlers since.
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
    struct sigaction old {};
    ::sigaction(sig, nullptr, &old);
    if (old.sa_handler == SIG_IGN || old.sa_handler == remove_temporaries) continue;  // nohup: stay ignored
    struct sigaction sa {};
    sa.sa_handler = remove_temporaries;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, nullptr);
  }
  if (name.size() >= sizeof temp_slots[0].name) return -1;
  for (int i = 0; i < kTempSlots; ++i) {
    if (temp_slots[i].used) continue;
    temp_slots[i].dirfd = dirfd;
    std::memcpy(temp_slots[i].name, name.c_str(), name.size() + 1);
    temp_slots[i].used = 1;
    return i;
  }
  return -1;
}

void forget_temporary(int slot) {
  if (slot >= 0 && slot < kTempSlots) temp_slots[slot].used = 0;
}

bool is_stage_temporary(std::string_view leaf) {
  for (std::string_view prefix : {std::string_view(".stage-tmp."), std::string_view(".stage-pack.")}) {
    if (!leaf.starts_with(prefix)) continue;
    std::string_view tail = leaf.substr(prefix.size());
    if (prefix == ".stage-pack.") return tail.size() == 6 && is_digits(tail, true);
    auto dot = tail.find('.');
    return dot != std::string_view::npos && is_digits(tail.substr(0, dot), false) && is_digits(tail.substr(dot + 1), true);
  }
  return false;
}

TempFile::TempFile(const Place& dest, bool named, mode_t mode) : dest_(dest) {
  if (dest.error) {
    error_ = dest.error;
    return;
  }
  // The temporary lives beside the destination so that rename() is atomic.
  dir_ = dir_part(dest.name);
  if (!named) {
    int fd = ::openat(dest.dirfd, dir_.empty() ? "." : dir_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, mode & 0777);
    if (fd >= 0) {
      fd_ = UniqueFd(fd);
      return;
    }
    // Not every filesystem has O_TMPFILE: fall back to a name.
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
      error_ = errno;
      return;
    }
  }
  static std::minstd_rand rng(static_cast<unsigned>(::getpid()) ^ static_cast<unsigned>(::time(nullptr)));
  for (int attempt = 0; attempt < 100; ++attempt) {
    char tail[32];
    std::snprintf(tail, sizeof tail, ".stage-tmp.%d.%08x", static_cast<int>(::getpid()), static_cast<unsigned>(rng()));
    name_ = dir_ + tail;
    int fd = ::openat(dest.dirfd, name_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
      fd_ = UniqueFd(fd);
      registered_ = remember_temporary(dest.dirfd, name_);
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
  if (fd_ && !done_ && !name_.empty()) ::unlinkat(dest_.dirfd, name_.c_str(), 0);
  forget_temporary(registered_);
}

int TempFile::link_unnamed(const std::string& name) {
  // /proc/self/fd works for any user; AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH.
  char proc[64];
  std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd_.get());
  if (::linkat(AT_FDCWD, proc, dest_.dirfd, name.c_str(), AT_SYMLINK_FOLLOW) == 0) return 0;
  int err = errno;
  if (err == ENOENT && ::linkat(fd_.get(), "", dest_.dirfd, name.c_str(), AT_EMPTY_PATH) == 0) return 0;
  return err == ENOENT ? errno : err;
}

int TempFile::commit(bool replace) {
  if (name_.empty()) {
    // Unnamed: link straight to the destination when nothing is there;
    // replacing goes through a name for the instant between link and rename.
    int err = link_unnamed(dest_.name);
    if (err == 0) {
      done_ = true;
      return 0;
    }
    if (err != EEXIST || !replace) return err;
    // Replacing needs a name for the instant between link and rename: the
    // kernel cannot rename an unnamed file over another. Those two calls run
    // in a vfork()ed child, which a signal killing this process does not
    // stop, so even SIGKILL cannot leave the name behind.
    static std::minstd_rand rng(static_cast<unsigned>(::getpid()) ^ static_cast<unsigned>(::time(nullptr)));
    char tail[32];
    std::snprintf(tail, sizeof tail, ".stage-tmp.%d.%08x", static_cast<int>(::getpid()), static_cast<unsigned>(rng()));
    std::string tmp = dir_ + tail;
    char proc[64];
    std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd_.get());
    const char* tmp_c = tmp.c_str();
    const char* dest_c = dest_.name.c_str();
    int dirfd = dest_.dirfd, fd = fd_.get();
    pid_t pid = ::vfork();
    if (pid == 0) {
      // Only system calls here (vfork: the parent's memory, the parent waits).
      int rc = ::linkat(AT_FDCWD, proc, dirfd, tmp_c, AT_SYMLINK_FOLLOW);
      if (rc != 0 && errno == ENOENT) rc = ::linkat(fd, "", dirfd, tmp_c, AT_EMPTY_PATH);
      if (rc != 0) ::_exit(errno & 0xff);
      if (::renameat(dirfd, tmp_c, dirfd, dest_c) != 0) {
        int e = errno;
        ::unlinkat(dirfd, tmp_c, 0);
        ::_exit(e & 0xff);
      }
      ::_exit(0);
    }
    if (pid < 0) return errno;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
      if (errno == EINTR) continue;
      // SIGCHLD ignored (inherited): the child was reaped unseen; the
      // destination tells whether it is ours now.
      struct stat mine, there;
      if (errno == ECHILD && ::fstat(fd, &mine) == 0 &&
          ::fstatat(dirfd, dest_c, &there, AT_SYMLINK_NOFOLLOW) == 0 && mine.st_ino == there.st_ino &&
          mine.st_dev == there.st_dev) {
        done_ = true;
        return 0;
      }
      return errno == ECHILD ? EIO : errno;
    }
    if (!WIFEXITED(status)) return EIO;
    if (WEXITSTATUS(status) != 0) return WEXITSTATUS(status);
    done_ = true;
    return 0;
  }
  if (replace) {
    if (::renameat(dest_.dirfd, name_.c_str(), dest_.dirfd, dest_.name.c_str()) != 0) return errno;
  } else {
    // link(), not rename(): an existing destination stays and gives EEXIST.
    if (::linkat(dest_.dirfd, name_.c_str(), dest_.dirfd, dest_.name.c_str(), 0) != 0) return errno;
    ::unlinkat(dest_.dirfd, name_.c_str(), 0);
  }
  done_ = true;
  forget_temporary(registered_);
  registered_ = -1;
  return 0;
}

int TempFile::reopen() {
  if (name_.empty()) return 0;  // unnamed: nothing can have replaced it
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
