// cli: what every drop-in's command line shares (--version, getopt set-up).
#pragma once

#include <string_view>

namespace stage {

/// The stage version string ("0.1.0").
const char* stage_version();

/// Prints "NAME (stage: drop-in for SUITE) VERSION" and the licence lines, as
/// GNU tools do; autoconf's AC_PROG_MKDIR_P matches "(*coreutils) ".
void print_version(std::string_view suite);

/// Prints `text` (a tool's --help) with every "%s" replaced by the program name.
void print_help(std::string_view text);

}  // namespace stage
