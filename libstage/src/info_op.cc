// info_op: install-info's file handling (facts from texinfo 6.8's
// install-info.c: which names it tries, when it creates the dir file, its
// messages). Unlike texinfo, the dir file is never written in place: the new
// text is computed in full, written to a temporary file beside it and renamed
// over it, so a failure or a kill leaves the old file, never half of one.
#include "stage/info_op.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "stage/compress.h"
#include "stage/diag.h"
#include "stage/file_ops.h"
#include "stage/mode.h"
#include "stage/path_map.h"

namespace stage {
namespace {

/// Thrown after a fatal message was printed: unwinding removes temporaries.
struct Failed {};

[[noreturn]] void fail(std::string_view message) {
  diag::error(message);
  throw Failed{};
}

/// texinfo's pfatal_with_name form: "Permission denied for NAME".
[[noreturn]] void fail_errno(int err, const std::string& name) { fail(diag::errno_text(err) + " for " + name); }

void warning(std::string_view message) { diag::warn("warning: " + std::string(message)); }

// The names texinfo tries for a file, in its order.
constexpr const char* kSuffixes[] = {"", ".gz", ".xz", ".bz2", ".lz", ".lzma"};

int open_place(const Place& place) {
  if (place.error) {
    errno = place.error;
    return -1;
  }
  // Staged places were resolved inside the stage: never follow a link here.
  return ::openat(place.dirfd, place.name.c_str(), O_RDONLY | O_CLOEXEC | (place.staged ? O_NOFOLLOW : 0));
}

int read_all(int fd, std::string* out) {
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    out->append(buf, static_cast<size_t>(n));
  }
}

std::string decompressed(const std::string& data, Compression* format, const std::string& shown) {
  *format = detect_compression(data);
  try {
    return decompress(*format, data);
  } catch (const CompressError& e) {
    fail(shown + ": " + compression_name(*format) + ": " + e.what());
  }
}

/// A file install-info reads: which name it was found under and its text.
struct Found {
  Place place;
  std::string shown;  ///< the operand plus the suffix it was found with
  UniqueFd fd;
};

/// The Info file: the first name that opens, looked up in the stage first.
Found open_info_file(Session& session, const std::string& operand) {
  int first_error = ENOENT;
  for (int pass = session.active() ? 0 : 1; pass < 2; ++pass) {
    for (const char* suffix : kSuffixes) {
      std::string name = operand + suffix;
      Place place = session.source(name);
      if (pass == 0 && !place.staged) continue;  // the first pass only takes staged files
      int fd = open_place(place);
      if (fd >= 0) return Found{std::move(place), name, UniqueFd(fd)};
      // texinfo reports the error of its last try (.lzma), which hides a
      // "Permission denied" behind "No such file"; the plain name's is clearer.
      if (pass == 1 && !*suffix) first_error = errno;
    }
  }
  fail_errno(first_error, operand);
}

/// The dir file as read: where it is or will be, and its text.
class DirFile {
 public:
  enum class Use { Add, Remove, Record };
  DirFile() = default;
  DirFile(const DirFile&) = delete;
  DirFile& operator=(const DirFile&) = delete;

  /// Reads OPERAND (or OPERAND.gz, ...). Returns false when, removing, there
  /// is nothing to read (texinfo warns and succeeds). Fails as texinfo does.
  bool load(Session& session, const std::string& operand, Use use, bool test);

  Place place;
  std::string shown;                  ///< texinfo's "opened" name
  bool on_disk = false;               ///< a file is there (maybe one texinfo would replace)
  Compression format = Compression::None;
  std::string text;                   ///< the text to update
  bool as_read = false;               ///< `text` is the file's content (not texinfo's new header)
  bool replace = false;               ///< texinfo would (re)create it on reading: missing or too short
  struct stat st {};                  ///< of the file on disk
  std::optional<TempFile> fresh;      ///< the new file, opened early when creating one
};

bool DirFile::load(Session& session, const std::string& operand, Use use, bool test) {
  int first_error = 0;
  UniqueFd fd;
  for (const char* suffix : kSuffixes) {
    Place candidate = session.place(operand + suffix, true);
    int f = open_place(candidate);
    if (f >= 0) {
      place = std::move(candidate);
      shown = operand + suffix;
      fd = UniqueFd(f);
      break;
    }
    if (!*suffix) {
      first_error = errno;
      place = std::move(candidate);
    }
  }

  if (!fd) {
    shown = operand;
    if (use == Use::Remove) {
      warning("Could not read " + operand + ".");
      return false;
    }
    text = std::string(info_dir_header());
    if (use == Use::Record) return true;
    // texinfo creates the missing file before anything else, in test mode
    // too; then fails to read it ("No such file...") in test mode.
    if (first_error != ENOENT || test) fail_errno(first_error, operand);
    fresh.emplace(place);
    replace = true;
    if (fresh->error())
      fail(operand + ": could not read (" + diag::errno_text(first_error) + ") and could not create (" +
           diag::errno_text(fresh->error()) + ")");
    return true;
  }

  on_disk = true;
  ::fstat(fd.get(), &st);
  std::string data;
  if (read_all(fd.get(), &data) != 0) {
    // texinfo reads nothing from it (a directory, say): --delete warns and
    // goes on, adding fails with "NAME: empty file", as texinfo does.
    if (use == Use::Remove) {
      warning("Could not read " + shown + ".");
      return false;
    }
    fail(shown + ": empty file");
  }
  if (data.size() < kCompressionMagicSize) {
    // texinfo removes a dir file too short to hold its magic number and
    // writes a new one; one it found under a suffix it cannot replace.
    if (use == Use::Remove) {
      warning("Could not read " + shown + ".");
      return false;
    }
    if (use == Use::Add && shown != operand) fail(shown + ": empty file");
    text = std::string(info_dir_header());
    // In test mode texinfo removes it and then fails to read it; we change
    // nothing and go on with the header.
    replace = use == Use::Add && !test;
    return true;
  }
  text = decompressed(data, &format, shown);
  as_read = true;
  return true;
}

/// A host dir file that is a symlink is written where the link points, as
/// texinfo's fopen() does; in the stage the session already resolved it.
Place write_place(const Place& place) {
  struct stat lst;
  if (place.staged || ::lstat(place.name.c_str(), &lst) != 0 || !S_ISLNK(lst.st_mode)) return place;
  char resolved[PATH_MAX];
  if (!::realpath(place.name.c_str(), resolved)) return place;
  Place p = place;
  p.name = resolved;
  return p;
}

int write_all(int fd, std::string_view data) {
  for (size_t off = 0; off < data.size();) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    off += static_cast<size_t>(n);
  }
  return 0;
}

/// Records the staged dir file as it is now; mode, owner and group stay
/// those already recorded, else those of a root run (0666 minus the umask).
void record_dir_file(Session& session, const Place& place, const DirFile& dir, const struct stat& now) {
  auto previous = session.lookup(place.logical);
  mode_t mode = previous ? previous->mode
                : dir.on_disk ? (dir.st.st_mode & 07777)
                              : (0666 & ~current_umask());
  // A new dir file in a setgid directory takes the directory's group.
  std::optional<Principal> inherited;
  if (!previous && !dir.on_disk) inherited = session.setgid_parent_group(place.logical);
  session.record(entry_for(place.logical, now, mode, previous ? previous->owner : session.default_owner(),
                           previous ? previous->group : inherited.value_or(session.default_group())));
}

void write_dir_file(Session& session, DirFile& dir, const std::string& text) {
  if (dir.as_read && text == dir.text) {
    // Nothing changed: leave the file (and its compressed bytes) alone.
    if (dir.place.staged) record_dir_file(session, dir.place, dir, dir.st);
    return;
  }
  std::string bytes;
  try {
    bytes = compress(dir.format, text);
  } catch (const CompressError& e) {
    fail(dir.shown + ": " + compression_name(dir.format) + ": " + e.what());
  }
  Place target = write_place(dir.place);
  std::optional<TempFile> own;
  TempFile* tmp = dir.fresh ? &*dir.fresh : &own.emplace(target);
  if (tmp->error()) {
    int err = tmp->error();
    if (!target.staged && dir.on_disk && (err == EACCES || err == EPERM)) {
      // A writable dir file in a directory we may not write: texinfo
      // rewrites it in place, and so must we (the text is complete already).
      int fd = ::open(target.name.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
      if (fd < 0) fail(dir.shown + ": " + diag::errno_text(errno));
      UniqueFd owned(fd);
      if (int werr = write_all(fd, bytes)) fail(dir.shown + ": " + diag::errno_text(werr));
      return;
    }
    fail(dir.shown + ": " + diag::errno_text(err));
  }
  if (int err = write_all(tmp->fd(), bytes)) fail(dir.shown + ": " + diag::errno_text(err));

  mode_t recorded = dir.on_disk ? (dir.st.st_mode & 07777) : (0666 & ~current_umask());
  if (target.staged) {
    if (auto previous = session.lookup(target.logical)) recorded = previous->mode;
    ::fchmod(tmp->fd(), disk_mode_for(recorded, false));
  } else {
    ::fchmod(tmp->fd(), recorded);
    // texinfo rewrites the file in place, so it keeps its owner; as root we can too.
    if (dir.on_disk && (dir.st.st_uid != ::geteuid() || dir.st.st_gid != ::getegid()))
      if (::fchown(tmp->fd(), dir.st.st_uid, dir.st.st_gid) != 0) {
        // Not permitted: the file becomes ours, as any rewrite by us would.
      }
  }
  // What a failed commit must put back: the dir file this replaces.
  int old_fd = target.staged && dir.on_disk ? ::openat(target.dirfd, target.name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
  UniqueFd old_owned(old_fd);
  if (int err = tmp->commit()) fail(dir.shown + ": " + diag::errno_text(err));
  if (target.staged) {
    struct stat now;
    ::fstat(tmp->fd(), &now);
    if (old_fd >= 0) session.undo_replacement(target, now, old_owned.release(), dir.st);
    else if (!dir.on_disk) session.undo_creation(target, now);
    record_dir_file(session, target, dir, now);
  }
}

std::string host_absolute(const Place& place) {
  return place.staged ? place.logical : lexical_absolute(place.name, current_directory());
}

bool same_name_ignoring_case(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool run(Session& session, const InstallInfoOptions& options) {
  const InfoDirOptions& dopt = options.dir;
  if (options.debug) std::printf("debug: reading dir file %s\n", options.dir_file.c_str());

  Place dir_operand = session.place(options.dir_file, true);
  bool record_mode = dir_operand.staged && session.config().info == InfoMode::Record;
  DirFile dir;
  DirFile::Use use = record_mode ? DirFile::Use::Record : dopt.remove ? DirFile::Use::Remove : DirFile::Use::Add;
  if (!dir.load(session, options.dir_file, use, options.test)) return true;

  std::string info_text, info_logical;
  if (!dopt.remove_exactly) {
    if (options.debug) std::printf("debug: reading input file %s\n", options.info_file.c_str());
    Found info = open_info_file(session, options.info_file);
    std::string data;
    if (int err = read_all(info.fd.get(), &data)) fail_errno(err, info.shown);
    if (data.size() < kCompressionMagicSize) fail(info.shown + ": empty file");
    Compression format;
    info_text = decompressed(data, &format, info.shown);
    info_logical = host_absolute(info.place);
  }

  InfoDirUpdate update;
  try {
    update = update_info_dir(dir.text, info_text, options.info_file, dopt);
  } catch (const InfoDirError& e) {
    fail(e.what());
  }

  if (update.no_entries) {
    if (!options.quiet) warning("no info dir entry in `" + options.info_file + "'");
    // texinfo had (re)created the missing or too short dir file already.
    if (dir.replace) write_dir_file(session, dir, dir.text);
    return true;
  }

  if (record_mode) {
    // pkgsrc-style: the dir file stays as it is; the database says what the
    // package's Info files would add, for whoever installs the package.
    std::string dir_logical = dir_operand.logical;
    if (dopt.remove) {
      std::string name = info_match_name(options.info_file, dopt.remove_exactly);
      std::string given = lexical_absolute(options.info_file, current_directory());
      bool removed = false;
      for (const InfoRecord& r : session.info_records()) {
        if (r.dir_file != dir_logical) continue;
        bool match = dopt.remove_exactly ? (r.info_file == given || info_match_name(r.info_file, false) == name)
                                         : same_name_ignoring_case(info_match_name(r.info_file, false), name);
        if (!match) continue;
        if (!options.test) session.forget_info(r.info_file, r.dir_file);
        removed = true;
      }
      if (!removed && !options.quiet) warning("no entries found for `" + options.info_file + "'; nothing deleted");
    }
    if (options.test) {
      std::printf("test mode, not updating dir file %s\n", dir.shown.c_str());
      return true;
    }
    if (!dopt.remove)
      for (const InfoDirEntry& e : update.entries)
        for (const std::string& section : e.sections)
          session.record_info(InfoRecord{info_logical, dir_logical, section, e.text});
    return true;
  }

  if (dopt.remove && update.nothing_deleted && !options.quiet)
    warning("no entries found for `" + options.info_file + "'; nothing deleted");
  if (options.debug) std::printf("debug: writing dir file %s\n", dir.shown.c_str());
  if (options.test) {
    std::printf("test mode, not updating dir file %s\n", dir.shown.c_str());
    return true;
  }
  write_dir_file(session, dir, update.text);
  return true;
}

}  // namespace

bool install_info(Session& session, const InstallInfoOptions& options) {
  try {
    return run(session, options);
  } catch (const Failed&) {
    return false;
  }
}

bool info_operand_exists(Session& session, std::string_view operand) {
  int fd = open_place(session.source(operand));
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

void info_usage_error() {
  std::fflush(stdout);
  std::fprintf(stderr, "\tTry `%s --help' for a complete list of options.\n", diag::program().c_str());
  std::exit(1);
}

}  // namespace stage
