// cli: what every command line shares (--version, --help output).
#pragma once

#include <string>
#include <string_view>

namespace stage {

/// The stage version string ("0.1.0").
const char* stage_version();

/// Prints a drop-in's --version: GNU's first line exactly ("mkdir (GNU
/// coreutils) 9.1", "install-info (GNU texinfo) 6.8", which configure
/// scripts match: autoconf 2.69's AC_PROG_MKDIR_P wants "mkdir (GNU
/// coreutils) "), then a line naming stage, then the licence lines.
/// `suite` is "GNU coreutils" or "GNU texinfo", `suite_version` "9.1" or "6.8".
void print_version(std::string_view suite, std::string_view suite_version);

/// The --version text of a stage-* tool ("stage-run (stage) 0.1.0" and the
/// licence lines), without a final newline (CLI11 adds it).
std::string tool_version_text(std::string_view tool);

/// Prints `text` (a tool's --help) with every "%s" replaced by the program name.
void print_help(std::string_view text);

}  // namespace stage
