// qa_check: the QA report of `stage-ls --check` (SPEC "stage-ls"): what in a
// stage a packager should look at before shipping it, and what to do.
#pragma once

#include <string>
#include <vector>

#include "stage/exports.h"

namespace stage {

/// One problem found.
struct Finding {
  std::string kind;     ///< "untracked", "setuid", "setgid", "capabilities", "group-writable", "world-writable",
                        ///< "unknown-user", "unknown-group", "destdir-in-symlink", "destdir-in-content"
  std::string path;     ///< the logical path concerned (for unknown names: the first entry using it)
  std::string advice;   ///< what it means and what to do
};

/// Checks `entries`: untracked files; setuid and setgid files; group- or
/// world-writable files (and world-writable directories without the sticky
/// bit); owners and groups the target's databases do not know (one finding
/// per name); symlinks whose target, and files whose content, hold the
/// staging root's path `ctx.destdir`. Reads every regular file (the content
/// check). Findings come in path order, unknown names last.
std::vector<Finding> qa_check(const std::vector<ListedEntry>& entries, ExportContext& ctx);

/// One line per finding: "KIND: PATH: ADVICE" (PATH shown as GNU quotes names
/// with newlines and the like).
std::string format_findings(const std::vector<Finding>& findings);

/// True when the file's bytes contain `needle` (read from the stage root
/// `root_fd`, following no symlink). Throws std::system_error naming the path.
bool file_contains(int root_fd, const std::string& logical, const std::string& needle);

}  // namespace stage
