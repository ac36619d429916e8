// Fixtures for the export unit tests: a scratch stage directory on disk,
// target passwd/group files, and entries built without the drop-ins.
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "stage/exports.h"
#include "stage/session.h"

namespace fixtures {

/// A temporary directory holding `stage/` (the root), `passwd` and `group`; removed at the end.
struct Scratch {
  std::string dir, root;
  Scratch() {
    char tmpl[] = "/tmp/stage-unit.XXXXXX";
    dir = ::mkdtemp(tmpl);
    root = dir + "/stage";
    ::mkdir(root.c_str(), 0755);
    write(dir + "/passwd", "root:x:0:0:root:/root:/bin/sh\ngames:x:12:13::/:/bin/sh\n");
    write(dir + "/group", "wheel:x:0:\ngames:x:13:\nroot:x:0:\n");
  }
  ~Scratch() { std::system(("rm -rf '" + dir + "'").c_str()); }
  static void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
  /// Creates a file in the stage (logical path) with `content` and on-disk mode `mode`.
  void file(const std::string& logical, const std::string& content, mode_t mode = 0644) const {
    write(root + logical, content);
    ::chmod((root + logical).c_str(), mode);
  }
  void dir_(const std::string& logical) const { ::mkdir((root + logical).c_str(), 0755); }
  struct stat lstat_(const std::string& logical) const {
    struct stat st {};
    ::lstat((root + logical).c_str(), &st);
    return st;
  }
  /// An export context over the stage with the scratch passwd/group and defaults root:wheel.
  stage::ExportContext context() const {
    stage::Config config;
    config.passwd_file = dir + "/passwd";
    config.group_file = dir + "/group";
    config.owner = "root";
    config.group = "wheel";
    return stage::make_export_context(root, config);
  }
};

inline stage::Principal named(const std::string& name, std::optional<uint32_t> id = std::nullopt) {
  return stage::Principal{name, id};
}

/// A listed entry for a logical path that exists in `s`, recorded with `mode`, owner and group.
inline stage::ListedEntry listed(const Scratch& s, const std::string& logical, uint32_t mode,
                                 const std::string& owner = "root", const std::string& group = "wheel") {
  stage::ListedEntry le;
  le.disk = s.lstat_(logical);
  le.entry = stage::entry_for(logical, le.disk, mode, named(owner), named(group));
  if (S_ISLNK(le.disk.st_mode)) {
    char buf[4096];
    ssize_t n = ::readlink((s.root + logical).c_str(), buf, sizeof buf);
    le.entry.target.assign(buf, n > 0 ? static_cast<size_t>(n) : 0);
  }
  return le;
}

}  // namespace fixtures
