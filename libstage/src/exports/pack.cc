// pack: tar, .deb and pacman packages through libarchive.
#include "stage/pack.h"

#include "stage/file_ops.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <locale.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <system_error>

#include "stage/content.h"
#include "stage/file_caps.h"
#include "stage/pacman_export.h"
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

using ArchivePtr = std::unique_ptr<struct archive, ArchiveFree>;
using EntryPtr = std::unique_ptr<struct archive_entry, EntryFree>;

void check(struct archive* a, int rc, const std::string& what) {
  if (rc < ARCHIVE_WARN) {
    const char* msg = archive_error_string(a);
    throw PackError(what + ": " + (msg ? msg : "libarchive error"));
  }
}

void set_path(struct archive_entry* ae, const std::string& name) { archive_entry_copy_pathname(ae, name.c_str()); }
void set_symlink(struct archive_entry* ae, const std::string& target) { archive_entry_copy_symlink(ae, target.c_str()); }
void set_hardlink(struct archive_entry* ae, const std::string& target) { archive_entry_copy_hardlink(ae, target.c_str()); }
void set_names(struct archive_entry* ae, const std::string& uname, const std::string& gname) {
  if (!uname.empty()) archive_entry_copy_uname(ae, uname.c_str());
  if (!gname.empty()) archive_entry_copy_gname(ae, gname.c_str());
}

// The pax writer converts names from the locale's character set to UTF-8
// and writes `hdrcharset=BINARY` where that fails: in the C locale, for
// every non-ASCII name, and GNU tar warns about each. Names on disk are
// bytes, mostly UTF-8: read as UTF-8 (this thread only, while packing),
// only names that are not UTF-8 get hdrcharset=BINARY.
class Utf8Names {
 public:
  Utf8Names() {
    utf8_ = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (utf8_) old_ = ::uselocale(utf8_);
  }
  ~Utf8Names() {
    if (!utf8_) return;
    ::uselocale(old_);
    ::freelocale(utf8_);
  }
  Utf8Names(const Utf8Names&) = delete;
  Utf8Names& operator=(const Utf8Names&) = delete;

 private:
  locale_t utf8_{}, old_{};
};

// A new tar writer with `compression`: pax-restricted, or GNU's format
// (`gnu`) for dpkg, which refuses pax extended headers ("unsupported PAX
// tar header type 'x'") and reads GNU's long names, as dpkg-deb writes them.
ArchivePtr new_tar(Compression compression, bool gnu = false) {
  ArchivePtr a(archive_write_new());
  check(a.get(), gnu ? archive_write_set_format_gnutar(a.get()) : archive_write_set_format_pax_restricted(a.get()),
        "tar format");
  // Attributes (file capabilities) as SCHILY.xattr records only, which GNU
  // tar and bsdtar both read; libarchive's own LIBARCHIVE.xattr copy would
  // make GNU tar warn "Ignoring unknown extended header keyword".
  if (!gnu) check(a.get(), archive_write_set_format_option(a.get(), "pax", "xattrheader", "SCHILY"), "tar format");
  switch (compression) {
    case Compression::None: break;
    case Compression::Gzip:
      check(a.get(), archive_write_add_filter_gzip(a.get()), "gzip");
      // No time stamp in the gzip header: two packs must be identical.
      check(a.get(), archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr), "gzip");
      break;
    case Compression::Bzip2: check(a.get(), archive_write_add_filter_bzip2(a.get()), "bzip2"); break;
    case Compression::Xz: check(a.get(), archive_write_add_filter_xz(a.get()), "xz"); break;
    case Compression::Zstd: check(a.get(), archive_write_add_filter_zstd(a.get()), "zstd"); break;
  }
  // Whole blocks of 10240 bytes only for plain tar (as tar writes it);
  // compressed output ends where the data does.
  if (compression != Compression::None) archive_write_set_bytes_in_last_block(a.get(), 1);
  return a;
}

// libarchive output into a std::string (control.tar.xz, .MTREE).
int append_to_string(struct archive*, void* client, const void* buf, size_t n) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
  return 0;
}
ssize_t write_to_string(struct archive* a, void* client, const void* buf, size_t n) {
  append_to_string(a, client, buf, n);
  return static_cast<ssize_t>(n);
}
void open_string(struct archive* a, std::string* out) {
  check(a, archive_write_open(a, out, nullptr, write_to_string, nullptr), "cannot write archive");
}

// A regular file from memory, owned by root (control files, .PKGINFO).
void add_memory_file(struct archive* a, const std::string& name, std::string_view bytes, mode_t mode, int64_t mtime) {
  EntryPtr ae(archive_entry_new());
  set_path(ae.get(), name);
  archive_entry_set_filetype(ae.get(), AE_IFREG);
  archive_entry_set_perm(ae.get(), mode);
  archive_entry_set_uid(ae.get(), 0);
  archive_entry_set_gid(ae.get(), 0);
  set_names(ae.get(), "root", "root");
  archive_entry_set_mtime(ae.get(), mtime, 0);
  archive_entry_set_size(ae.get(), static_cast<int64_t>(bytes.size()));
  check(a, archive_write_header(a, ae.get()), "'" + name + "'");
  if (!bytes.empty() && archive_write_data(a, bytes.data(), bytes.size()) < 0) check(a, ARCHIVE_FATAL, "'" + name + "'");
}

struct Chosen {
  const ListedEntry* le;
  std::string name;  // in the archive
};

// Writes the stage's entries into the tar `a`. With `md5sums`, every regular
// file's "MD5  NAME" line is appended (dpkg's md5sums, names without "./").
// With `caps`, a file's capability becomes a SCHILY.xattr.security.capability
// pax record (GNU tar's and bsdtar's --xattrs); dpkg's GNU-format data.tar
// has no place for it.
void write_entries(struct archive* a, const std::vector<Chosen>& chosen, ExportContext& ctx, const PackOptions& options,
                   PackResult& result, std::string* md5sums, bool caps) {
  std::map<std::pair<uint64_t, uint64_t>, std::pair<std::string, std::string>> first;  // inode -> name, md5
  std::vector<char> buf(1 << 17);
  size_t done = 0;
  for (const auto& c : chosen) {
    const ListedEntry* le = c.le;
    const Entry& e = le->entry;
    const std::string& name = c.name;
    mode_t fmt = export_type(*le);
    if (fmt == S_IFSOCK) {
      // As tar does ("socket ignored"): no archive format holds one.
      result.skipped.push_back(e.path);
      ++done;
      continue;
    }
    EntryPtr ae(archive_entry_new());
    set_path(ae.get(), name);
    archive_entry_set_perm(ae.get(), export_mode(*le));
    archive_entry_set_uid(ae.get(), user_id(ctx, e.owner).value_or(0));
    archive_entry_set_gid(ae.get(), group_id(ctx, e.group).value_or(0));
    set_names(ae.get(), user_name(ctx, e.owner), group_name(ctx, e.group));
    int64_t mtime = le->disk.st_mtim.tv_sec;
    if (options.clamp_mtime && mtime > *options.clamp_mtime) mtime = *options.clamp_mtime;
    archive_entry_set_mtime(ae.get(), mtime, 0);

    int fd = -1;
    UniqueFd owned;
    std::string* md5_slot = nullptr;
    if (fmt == S_IFREG) {
      std::pair<uint64_t, uint64_t> key(le->disk.st_dev, le->disk.st_ino);
      auto [it, is_first] = first.try_emplace(key, name, std::string());
      archive_entry_set_filetype(ae.get(), AE_IFREG);
      if (!is_first) {
        set_hardlink(ae.get(), it->second.first);
        archive_entry_set_size(ae.get(), 0);
        if (md5sums) *md5sums += it->second.second + "  " + (name.rfind("./", 0) == 0 ? name.substr(2) : name) + "\n";
      } else {
        fd = open_staged_file(ctx.root.get(), e.path);
        if (fd < 0) throw PackError("cannot read '" + e.path + "': " + std::strerror(errno));
        owned = UniqueFd(fd);
        struct stat st;
        ::fstat(fd, &st);
        archive_entry_set_size(ae.get(), st.st_size);
        md5_slot = &it->second.second;
        if (caps && e.caps)
          archive_entry_xattr_add_entry(ae.get(), std::string(kCapsXattrName).c_str(), e.caps->xattr.data(),
                                        e.caps->xattr.size());
      }
    } else if (fmt == S_IFDIR) {
      archive_entry_set_filetype(ae.get(), AE_IFDIR);
    } else if (fmt == S_IFLNK) {
      archive_entry_set_filetype(ae.get(), AE_IFLNK);
      set_symlink(ae.get(), e.target);
    } else if (fmt == S_IFIFO) {
      archive_entry_set_filetype(ae.get(), AE_IFIFO);
    } else if (fmt == S_IFCHR || fmt == S_IFBLK) {
      archive_entry_set_filetype(ae.get(), fmt == S_IFCHR ? AE_IFCHR : AE_IFBLK);
      archive_entry_set_rdev(ae.get(), e.rdev ? static_cast<dev_t>(e.rdev) : le->disk.st_rdev);
    } else {
      result.skipped.push_back(e.path);
      ++done;
      continue;
    }
    check(a, archive_write_header(a, ae.get()), "'" + e.path + "'");
    if (fd >= 0) {
      std::optional<StreamDigest> md5;
      if (md5sums) md5.emplace(StreamDigest::Kind::Md5);
      int64_t left = archive_entry_size(ae.get());
      while (left > 0) {
        ssize_t n = ::read(fd, buf.data(), static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(buf.size()))));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw PackError("cannot read '" + e.path + "': " + std::strerror(errno));
        if (n == 0) break;  // shrank meanwhile: libarchive pads the entry
        if (archive_write_data(a, buf.data(), static_cast<size_t>(n)) < 0) check(a, ARCHIVE_FATAL, "'" + e.path + "'");
        if (md5) md5->update(buf.data(), static_cast<size_t>(n));
        left -= n;
      }
      if (md5) {
        *md5_slot = md5->finish();
        *md5sums += *md5_slot + "  " + (name.rfind("./", 0) == 0 ? name.substr(2) : name) + "\n";
      }
    }
    ++result.written;
    result.untracked += le->untracked;
    ++done;
    if (options.progress) options.progress(done, chosen.size());
  }
}

// An unnamed temporary file in `dir` (O_TMPFILE: nothing survives a kill),
// else a named one unlinked at once.
UniqueFd temp_file_in(const std::string& output) {
  std::string dir = output.find('/') == std::string::npos ? "." : output.substr(0, output.rfind('/') + 1);
  if (dir.empty()) dir = "/";
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string name = (dir == "." ? std::string() : dir) + ".stage-pack.XXXXXX";
    std::vector<char> b(name.begin(), name.end());
    b.push_back('\0');
    fd = ::mkstemp(b.data());
    if (fd >= 0) ::unlink(b.data());
  }
  if (fd < 0) throw PackError("cannot create a temporary file beside '" + output + "': " + std::strerror(errno));
  return UniqueFd(fd);
}

// An ar member from memory or from a file descriptor (read from its start).
void add_ar_member(struct archive* a, const std::string& name, int64_t mtime, std::string_view bytes, int fd = -1) {
  EntryPtr ae(archive_entry_new());
  archive_entry_copy_pathname(ae.get(), name.c_str());
  archive_entry_set_filetype(ae.get(), AE_IFREG);
  archive_entry_set_perm(ae.get(), 0644);
  archive_entry_set_uid(ae.get(), 0);
  archive_entry_set_gid(ae.get(), 0);
  archive_entry_set_mtime(ae.get(), mtime, 0);
  int64_t size = static_cast<int64_t>(bytes.size());
  if (fd >= 0) {
    struct stat st;
    ::fstat(fd, &st);
    size = st.st_size;
    ::lseek(fd, 0, SEEK_SET);
  }
  archive_entry_set_size(ae.get(), size);
  check(a, archive_write_header(a, ae.get()), name);
  if (fd < 0) {
    if (!bytes.empty() && archive_write_data(a, bytes.data(), bytes.size()) < 0) check(a, ARCHIVE_FATAL, name);
    return;
  }
  std::vector<char> buf(1 << 17);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw PackError(name + ": " + std::strerror(errno));
    if (n == 0) break;
    if (archive_write_data(a, buf.data(), static_cast<size_t>(n)) < 0) check(a, ARCHIVE_FATAL, name);
  }
}

std::string read_whole_file(const std::string& path, const char* what) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw PackError(std::string(what) + " '" + path + "': " + std::strerror(errno));
  UniqueFd owned(fd);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw PackError(std::string(what) + " '" + path + "': " + std::strerror(errno));
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// The date of members that are not staged files: SOURCE_DATE_EPOCH, else
// the newest entry's, so that two packs of the same stage are identical.
int64_t package_date(const std::vector<Chosen>& chosen, const PackOptions& options) {
  if (options.clamp_mtime) return *options.clamp_mtime;
  int64_t newest = 0;
  for (const auto& c : chosen) newest = std::max<int64_t>(newest, c.le->disk.st_mtim.tv_sec);
  return newest;
}

void write_deb(const std::vector<Chosen>& chosen, ExportContext& ctx, const PackOptions& options, PackResult& result,
               int out_fd) {
  if (options.deb_control.empty()) throw PackError("a .deb needs --deb-control DIR (the control file and maintainer scripts)");
  // The control files: every regular file of DIR, as dpkg-deb takes them.
  std::vector<std::pair<std::string, std::string>> control;  // name, content
  std::vector<mode_t> control_modes;
  {
    DIR* d = ::opendir(options.deb_control.c_str());
    if (!d) throw PackError("--deb-control '" + options.deb_control + "': " + std::strerror(errno));
    std::vector<std::string> names;
    while (struct dirent* ent = ::readdir(d)) {
      std::string n = ent->d_name;
      if (n == "." || n == ".." || n == "md5sums") continue;
      names.push_back(n);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      std::string path = options.deb_control + "/" + n;
      struct stat st;
      if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      control.emplace_back(n, read_whole_file(path, "--deb-control"));
      control_modes.push_back((st.st_mode & 0111) ? 0755 : 0644);
    }
    bool has_control = false;
    for (const auto& c : control) has_control |= c.first == "control";
    if (!has_control) throw PackError("--deb-control '" + options.deb_control + "': no 'control' file in it");
  }
  int64_t date = package_date(chosen, options);

  // data.tar.xz first, into a temporary file: md5sums come from its content
  // and the control archive precedes it.
  UniqueFd data = temp_file_in(options.output);
  std::string md5sums;
  {
    ArchivePtr a = new_tar(Compression::Xz, /*gnu=*/true);
    check(a.get(), archive_write_open_fd(a.get(), data.get()), "cannot write archive");
    // The root, as dpkg-deb writes it.
    EntryPtr root(archive_entry_new());
    archive_entry_copy_pathname(root.get(), "./");
    archive_entry_set_filetype(root.get(), AE_IFDIR);
    archive_entry_set_perm(root.get(), 0755);
    archive_entry_set_uid(root.get(), user_id(ctx, ctx.default_owner).value_or(0));
    archive_entry_set_gid(root.get(), group_id(ctx, ctx.default_group).value_or(0));
    set_names(root.get(), user_name(ctx, ctx.default_owner), group_name(ctx, ctx.default_group));
    archive_entry_set_mtime(root.get(), date, 0);
    check(a.get(), archive_write_header(a.get(), root.get()), "'./'");
    write_entries(a.get(), chosen, ctx, options, result, &md5sums, /*caps=*/false);
    check(a.get(), archive_write_close(a.get()), "cannot finish data.tar.xz");
  }
  std::string control_tar;
  {
    ArchivePtr a = new_tar(Compression::Xz, /*gnu=*/true);
    open_string(a.get(), &control_tar);
    EntryPtr root(archive_entry_new());
    archive_entry_copy_pathname(root.get(), "./");
    archive_entry_set_filetype(root.get(), AE_IFDIR);
    archive_entry_set_perm(root.get(), 0755);
    set_names(root.get(), "root", "root");
    archive_entry_set_mtime(root.get(), date, 0);
    check(a.get(), archive_write_header(a.get(), root.get()), "'./'");
    control.emplace_back("md5sums", md5sums);
    control_modes.push_back(0644);
    std::vector<size_t> order(control.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return control[x].first < control[y].first; });
    for (size_t i : order) add_memory_file(a.get(), "./" + control[i].first, control[i].second, control_modes[i], date);
    check(a.get(), archive_write_close(a.get()), "cannot finish control.tar.xz");
  }
  ArchivePtr ar(archive_write_new());
  check(ar.get(), archive_write_set_format_ar_bsd(ar.get()), "ar format");
  archive_write_set_bytes_per_block(ar.get(), 0);
  check(ar.get(), archive_write_open_fd(ar.get(), out_fd), "cannot write archive");
  add_ar_member(ar.get(), "debian-binary", date, "2.0\n");
  add_ar_member(ar.get(), "control.tar.xz", date, control_tar);
  add_ar_member(ar.get(), "data.tar.xz", date, {}, data.get());
  check(ar.get(), archive_write_close(ar.get()), "cannot finish the .deb");
}

void write_pacman(const std::vector<Chosen>& chosen, ExportContext& ctx, const PackOptions& options, PackResult& result,
                  Compression compression, int out_fd) {
  if (options.pkginfo.empty()) throw PackError("a pacman package needs --pkginfo FILE (its .PKGINFO)");
  std::string pkginfo = read_whole_file(options.pkginfo, "--pkginfo");
  int64_t date = package_date(chosen, options);
  std::vector<ListedEntry> listed;
  listed.reserve(chosen.size());
  for (const auto& c : chosen) {
    listed.push_back(*c.le);
    listed.back().entry.path = "/" + (c.name.back() == '/' ? c.name.substr(0, c.name.size() - 1) : c.name);
  }
  // md5digest: pacman -Qkk checks it; one read of each inode before packing.
  std::vector<std::string> md5(chosen.size());
  std::map<std::pair<uint64_t, uint64_t>, std::string> by_inode;
  for (size_t i = 0; i < chosen.size(); ++i) {
    const ListedEntry& le = *chosen[i].le;
    if (!S_ISREG(le.disk.st_mode)) continue;
    auto [it, is_first] = by_inode.try_emplace({le.disk.st_dev, le.disk.st_ino});
    if (is_first) {
      int fd = open_staged_file(ctx.root.get(), le.entry.path);
      if (fd < 0) throw PackError("cannot read '" + le.entry.path + "': " + std::strerror(errno));
      UniqueFd owned(fd);
      try {
        it->second = md5_of_fd(fd);
      } catch (const std::system_error& e) {
        throw PackError("cannot read '" + le.entry.path + "': " + e.code().message());
      }
    }
    md5[i] = it->second;
  }
  PacmanMtreeOptions mopts;
  mopts.md5 = &md5;
  mopts.clamp_mtime = options.clamp_mtime;
  mopts.pkginfo = pkginfo;
  mopts.pkginfo_mtime = date;
  std::string mtree = format_pacman_mtree(listed, ctx, mopts);
  // gzip -n, through libarchive's raw format.
  std::string mtree_gz;
  {
    ArchivePtr a(archive_write_new());
    check(a.get(), archive_write_set_format_raw(a.get()), "raw format");
    check(a.get(), archive_write_add_filter_gzip(a.get()), "gzip");
    check(a.get(), archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr), "gzip");
    archive_write_set_bytes_in_last_block(a.get(), 1);
    open_string(a.get(), &mtree_gz);
    EntryPtr ae(archive_entry_new());
    archive_entry_copy_pathname(ae.get(), ".MTREE");
    archive_entry_set_filetype(ae.get(), AE_IFREG);
    archive_entry_set_size(ae.get(), static_cast<int64_t>(mtree.size()));
    check(a.get(), archive_write_header(a.get(), ae.get()), ".MTREE");
    if (archive_write_data(a.get(), mtree.data(), mtree.size()) < 0) check(a.get(), ARCHIVE_FATAL, ".MTREE");
    check(a.get(), archive_write_close(a.get()), ".MTREE");
  }
  ArchivePtr a = new_tar(compression);
  check(a.get(), archive_write_open_fd(a.get(), out_fd), "cannot write archive");
  add_memory_file(a.get(), ".PKGINFO", pkginfo, 0644, date);
  add_memory_file(a.get(), ".MTREE", mtree_gz, 0644, date);
  write_entries(a.get(), chosen, ctx, options, result, nullptr, /*caps=*/true);
  check(a.get(), archive_write_close(a.get()), "cannot finish archive");
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

std::optional<PackKind> pack_kind_for(const std::string& output) {
  if (ends_with(output, ".deb")) return PackKind::Deb;
  if (ends_with(output, ".pkg.tar.zst") || ends_with(output, ".pkg.tar.xz") || ends_with(output, ".pkg.tar.gz"))
    return PackKind::Pacman;
  if (compression_for(output)) return PackKind::Tar;
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

PackResult write_pack(const std::vector<ListedEntry>& all, ExportContext& ctx, const PackOptions& options) {
  auto kind = pack_kind_for(options.output);
  if (!kind)
    throw PackError("cannot tell the format of '" + options.output +
                    "': name it .tar, .tar.gz, .tar.bz2, .tar.xz, .tar.zst, .deb or .pkg.tar.zst");
  std::string prefix = options.prefix.empty() ? "" : lexical_fold(options.prefix);
  std::vector<Chosen> chosen;
  {
    std::vector<ListedEntry> selected;
    for (const auto& le : all)
      if (prefix.empty() || prefix == "/" || (le.entry.path != prefix && path_within(le.entry.path, prefix))) {
        std::string name = archive_name(le.entry.path, prefix);
        if (S_ISDIR(le.disk.st_mode)) name += '/';
        if (*kind == PackKind::Deb) name = "./" + name;
        chosen.push_back({&le, std::move(name)});
        selected.push_back(le);
      }
    prepare_ids(ctx, selected, IdUse::Numeric);
  }

  PackResult result;
  Utf8Names utf8_names;
  TempOutput out(options.output);
  switch (*kind) {
    case PackKind::Tar: {
      ArchivePtr a = new_tar(*compression_for(options.output));
      check(a.get(), archive_write_open_fd(a.get(), out.fd()), "cannot write archive");
      write_entries(a.get(), chosen, ctx, options, result, nullptr, /*caps=*/true);
      check(a.get(), archive_write_close(a.get()), "cannot finish archive");
      break;
    }
    case PackKind::Deb: write_deb(chosen, ctx, options, result, out.fd()); break;
    case PackKind::Pacman: write_pacman(chosen, ctx, options, result, *compression_for(options.output), out.fd()); break;
  }
  out.commit();
  return result;
}

}  // namespace stage
