// sh_export: chown/chmod/setcap commands that apply the recorded metadata.
#include "stage/sh_export.h"

#include <sys/sysmacros.h>

#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "stage/file_caps.h"
#include "stage/run_env.h"

namespace stage {
namespace {

// Commands of one verb: an argument list per key (owner or mode), each
// written as lines of at most kShBatchBytes.
class Batches {
 public:
  explicit Batches(std::string command) : command_(std::move(command)) {}
  void add(const std::string& key, std::string word) { args_[key].push_back(std::move(word)); }
  void write(std::string& out) const {
    for (const auto& [key, words] : args_) {
      std::string head = command_ + ' ' + key + " --";
      std::string line = head;
      for (const auto& w : words) {
        if (line.size() > head.size() && line.size() + 1 + w.size() > kShBatchBytes) {
          out += line + '\n';
          line = head;
        }
        line += ' ' + w;
      }
      out += line + '\n';
    }
  }

 private:
  std::string command_;
  // Keys in byte order ("0:0" before "12:13"; modes as four octal digits),
  // so the script is the same for the same stage.
  std::map<std::string, std::vector<std::string>> args_;
};

std::string owner_key(ExportContext& ctx, const Principal& owner, const Principal& group) {
  return std::to_string(*user_id(ctx, owner)) + ':' + std::to_string(*group_id(ctx, group));
}

std::string mode_key(uint32_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

}  // namespace

std::string format_sh(const std::vector<ListedEntry>& entries, ExportContext& ctx) {
  prepare_ids(ctx, entries, IdUse::Numeric);
  // `command -p`: the system's own chown and chmod, never a drop-in first on
  // PATH (a static binary, which fakeroot's LD_PRELOAD cannot fake).
  Batches chown("command -p chown -h"), chmod("command -p chmod");
  std::string devices, caps;
  chown.add(owner_key(ctx, ctx.default_owner, ctx.default_group), ".");
  chmod.add(mode_key(0755), ".");
  std::set<std::pair<uint64_t, uint64_t>> seen;
  seen.insert({ctx.root_stat.st_dev, ctx.root_stat.st_ino});
  for (const auto& le : entries) {
    if (!seen.insert({le.disk.st_dev, le.disk.st_ino}).second) continue;
    const Entry& e = le.entry;
    std::string word = shell_word("." + e.path);
    mode_t type = export_type(le);
    if ((S_ISCHR(type) || S_ISBLK(type)) && (le.disk.st_mode & S_IFMT) != type) {
      uint64_t rdev = e.rdev ? e.rdev : le.disk.st_rdev;
      // Two simple commands, not `rm && mknod`: set -e ignores a failure
      // on the left of &&.
      devices += "command -p rm -f -- " + word + "\ncommand -p mknod " + word + (S_ISCHR(type) ? " c " : " b ") +
                 std::to_string(major(rdev)) + ' ' + std::to_string(minor(rdev)) + '\n';
    }
    chown.add(owner_key(ctx, e.owner, e.group), word);
    if (S_ISLNK(type)) continue;  // chmod would change the symlink's target
    chmod.add(mode_key(export_mode(le)), word);
    // After chown, which drops capabilities as it drops set-id bits.
    if (e.caps && S_ISREG(type)) caps += "setcap " + shell_word(caps_text(e.caps->xattr)) + ' ' + word + '\n';
  }
  std::string out = "#!/bin/sh\n# stage-ls --format sh: the recorded owners and modes; run as root or under fakeroot.\n"
                    "set -e\n";
  out += "if [ $# -gt 0 ]; then cd -- \"$1\"; else cd -- " + shell_word(ctx.destdir) + "; fi\n";
  out += devices;
  chown.write(out);
  chmod.write(out);
  out += caps;
  return out;
}

}  // namespace stage
