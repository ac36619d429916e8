// pack: tar archives through libarchive.
#include "stage/pack.h"

#include "stage/file_ops.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <system_error>

#include "stage/path_map.h"

namespace stage {
namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct ArchiveFree {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(struct archive_entry* e) const { archive_entry_free(e); }
};

// The archive in the making: unnamed (O_TMPFILE) where the filesystem
// allows, so a killed stage-pack leaves nothing; else `.stage-pack.XXXXXX`,
// removed on failure and on SIGTERM, SIGINT and SIGHUP.
class TempOutput {
 public:
  explicit TempOutput(const std::string& output) : output_(output) {
    std::string dir = output.find('/') == std::string::npos ? "." : output.substr(0, output.rfind('/') + 1);
    if (dir.empty()) dir = "/";
    prefix_ = (dir == "." ? std::string() : dir) + ".stage-pack.XXXXXX";
    fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ >= 0) return;
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
      throw PackError("cannot create '" + output + "': " + std::strerror(errno));
    std::vector<char> buf(prefix_.begin(), prefix_.end());
    buf.push_back('\0');
    fd_ = ::mkstemp(buf.data());
    name_ = buf.data();
    if (fd_ < 0) throw PackError("cannot create '" + output + "': " + std::strerror(errno));
    slot_ = remember_temporary(AT_FDCWD, name_);
  }
  ~TempOutput() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !name_.empty()) ::unlink(name_.c_str());
    forget_temporary(slot_);
  }
  int fd() const { return fd_; }
  void commit() {
    // The archive gets the permissions a new file would (mkstemp makes 0600).
    mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd_, 0666 & ~mask);
    if (::fsync(fd_) != 0) throw PackError("cannot write '" + output_ + "': " + std::strerror(errno));
    if (name_.empty()) {
      // Give it a name only for the instant before the rename.
      std::string proc = "/proc/self/fd/" + std::to_string(fd_);
      static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
      unsigned seed = static_cast<unsigned>(::getpid()) * 2654435761u ^ static_cast<unsigned>(::time(nullptr));
      for (int attempt = 0;; ++attempt) {
        std::string name = prefix_.substr(0, prefix_.size() - 6);
        for (int i = 0; i < 6; ++i) name += kChars[(seed = seed * 1103515245u + 12345u) / 65536 % 62];
        if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0 ||
            (errno == ENOENT && ::linkat(fd_, "", AT_FDCWD, name.c_str(), AT_EMPTY_PATH) == 0)) {
          name_ = name;
          break;
        }
        if (errno != EEXIST || attempt == 100)
          throw PackError("cannot create '" + output_ + "': " + std::strerror(errno));
      }
      slot_ = remember_temporary(AT_FDCWD, name_);
    }
    int close_rc = ::close(fd_);
    fd_ = -1;
    if (close_rc != 0) throw PackError("cannot write '" + output_ + "': " + std::strerror(errno));
    if (::rename(name_.c_str(), output_.c_str()) != 0)
      throw PackError("cannot create '" + output_ + "': " + std::strerror(errno));
    committed_ = true;
  }

 private:
  std::string output_, prefix_, name_;
  int fd_ = -1;
  int slot_ = -1;
  bool committed_ = false;
};

std::string archive_name(const std::string& path, const std::string& prefix) {
  if (prefix.empty() || prefix == "/") return path.substr(1);
  return path.substr(prefix.size() + 1);
}

}  // namespace

std::optional<Compression> compression_for(const std::string& output) {
  if (ends_with(output, ".tar")) return Compression::None;
  if (ends_with(output, ".tar.gz") || ends_with(output, ".tgz")) return Compression::Gzip;
  if (ends_with(output, ".tar.bz2") || ends_with(output, ".tbz2")) return Compression::Bzip2;
  if (ends_with(output, ".tar.xz") || ends_with(output, ".txz")) return Compression::Xz;
  if (ends_with(output, ".tar.zst") || ends_with(output, ".tzst")) return Compression::Zstd;
  return std::nullopt;
}

std::optional<int64_t> parse_source_date_epoch(const char* value) {
  if (value == nullptr || *value == '\0') return std::nullopt;
  int64_t v = 0;
  for (const char* p = value; *p; ++p) {
    if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10)
      throw PackError(std::string("SOURCE_DATE_EPOCH must be a number of seconds, not '") + value + "'");
    v = v * 10 + (*p - '0');
  }
  return v;
}

void write_pack(const std::vector<ListedEntry>& all, ExportContext& ctx, const PackOptions& options) {
  auto compression = compression_for(options.output);
  if (!compression)
    throw PackError("cannot tell the format of '" + options.output +
                    "': name it .tar, .tar.gz, .tar.bz2, .tar.xz or .tar.zst");
  std::string prefix = options.prefix.empty() ? "" : lexical_fold(options.prefix);
  std::vector<const ListedEntry*> entries;
  for (const auto& le : all)
    if (prefix.empty() || prefix == "/" || (le.entry.path != prefix && path_within(le.entry.path, prefix)))
      entries.push_back(&le);
  {
    std::vector<ListedEntry> chosen;
    for (const auto* le : entries) chosen.push_back(*le);
    require_ids(ctx, chosen);
  }

  TempOutput out(options.output);
  std::unique_ptr<struct archive, ArchiveFree> a(archive_write_new());
  auto check = [&](int rc, const char* what) {
    if (rc < ARCHIVE_WARN) {
      const char* msg = archive_error_string(a.get());
      throw PackError(std::string(what) + ": " + (msg ? msg : "libarchive error"));
    }
  };
  check(archive_write_set_format_pax_restricted(a.get()), "tar format");
  switch (*compression) {
    case Compression::None: break;
    case Compression::Gzip:
      check(archive_write_add_filter_gzip(a.get()), "gzip");
      // No time stamp in the gzip header: two packs must be identical.
      check(archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr), "gzip");
      break;
    case Compression::Bzip2: check(archive_write_add_filter_bzip2(a.get()), "bzip2"); break;
    case Compression::Xz: check(archive_write_add_filter_xz(a.get()), "xz"); break;
    case Compression::Zstd: check(archive_write_add_filter_zstd(a.get()), "zstd"); break;
  }
  check(archive_write_open_fd(a.get(), out.fd()), "cannot write archive");

  std::map<std::pair<uint64_t, uint64_t>, std::string> first_name;  // inode -> archive name
  std::vector<char> buf(1 << 17);
  size_t done = 0;
  for (const auto* le : entries) {
    const Entry& e = le->entry;
    std::unique_ptr<struct archive_entry, EntryFree> ae(archive_entry_new());
    std::string name = archive_name(e.path, prefix);
    archive_entry_copy_pathname(ae.get(), name.c_str());
    archive_entry_set_perm(ae.get(), export_mode(*le));
    archive_entry_set_uid(ae.get(), *user_id(ctx, e.owner));
    archive_entry_set_gid(ae.get(), *group_id(ctx, e.group));
    std::string uname = user_name(ctx, e.owner), gname = group_name(ctx, e.group);
    if (!uname.empty()) archive_entry_copy_uname(ae.get(), uname.c_str());
    if (!gname.empty()) archive_entry_copy_gname(ae.get(), gname.c_str());
    int64_t mtime = le->disk.st_mtim.tv_sec;
    if (options.clamp_mtime && mtime > *options.clamp_mtime) mtime = *options.clamp_mtime;
    archive_entry_set_mtime(ae.get(), mtime, 0);

    int fd = -1;
    UniqueFd owned;
    mode_t fmt = le->disk.st_mode & S_IFMT;
    // A device recorded over --root's placeholder file is packed as the device.
    if (e.type == EntryType::CharDevice) fmt = S_IFCHR;
    if (e.type == EntryType::BlockDevice) fmt = S_IFBLK;
    if (fmt == S_IFREG) {
      std::pair<uint64_t, uint64_t> key(le->disk.st_dev, le->disk.st_ino);
      auto [it, first] = first_name.try_emplace(key, name);
      archive_entry_set_filetype(ae.get(), AE_IFREG);
      if (!first) {
        archive_entry_copy_hardlink(ae.get(), it->second.c_str());
        archive_entry_set_size(ae.get(), 0);
      } else {
        fd = open_staged_file(ctx.root.get(), e.path);
        if (fd < 0) throw PackError("cannot read '" + e.path + "': " + std::strerror(errno));
        owned = UniqueFd(fd);
        struct stat st;
        ::fstat(fd, &st);
        archive_entry_set_size(ae.get(), st.st_size);
      }
    } else if (fmt == S_IFDIR) {
      archive_entry_set_filetype(ae.get(), AE_IFDIR);
    } else if (fmt == S_IFLNK) {
      archive_entry_set_filetype(ae.get(), AE_IFLNK);
      archive_entry_copy_symlink(ae.get(), e.target.c_str());
    } else if (fmt == S_IFIFO) {
      archive_entry_set_filetype(ae.get(), AE_IFIFO);
    } else if (fmt == S_IFCHR || fmt == S_IFBLK) {
      archive_entry_set_filetype(ae.get(), fmt == S_IFCHR ? AE_IFCHR : AE_IFBLK);
      archive_entry_set_rdev(ae.get(), e.rdev ? static_cast<dev_t>(e.rdev) : le->disk.st_rdev);
    } else {
      continue;  // sockets and the like have no place in a package
    }
    check(archive_write_header(a.get(), ae.get()), ("'" + e.path + "'").c_str());
    if (fd >= 0) {
      int64_t left = archive_entry_size(ae.get());
      while (left > 0) {
        ssize_t n = ::read(fd, buf.data(), static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(buf.size()))));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw PackError("cannot read '" + e.path + "': " + std::strerror(errno));
        if (n == 0) break;  // shrank meanwhile: libarchive pads the entry
        if (archive_write_data(a.get(), buf.data(), static_cast<size_t>(n)) < 0)
          check(ARCHIVE_FATAL, ("'" + e.path + "'").c_str());
        left -= n;
      }
    }
    ++done;
    if (options.progress) options.progress(done, entries.size());
  }
  check(archive_write_close(a.get()), "cannot finish archive");
  out.commit();
}

}  // namespace stage
