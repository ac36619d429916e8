// cli: shared --version and --help output.
#include "stage/cli.h"

#include <cstdio>
#include <string>

#include "stage/diag.h"

namespace stage {

const char* stage_version() { return STAGE_VERSION; }

namespace {
constexpr const char* kLicence =
    "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"
    "This is free software: you are free to change and redistribute it.\n"
    "There is NO WARRANTY, to the extent permitted by law.";
}  // namespace

void print_version(std::string_view suite, std::string_view suite_version) {
  // The first line is GNU's, byte for byte: configure scripts test it.
  // GNU's install calls itself install under any name (ginstall too).
  const char* name = diag::tool() == "ginstall" ? "install" : diag::tool().c_str();
  std::printf("%s (%.*s) %.*s\n", name, static_cast<int>(suite.size()), suite.data(),
              static_cast<int>(suite_version.size()), suite_version.data());
  std::printf("stage %s re-implementation: stages into STAGE_DESTDIR and records owners and modes when it is set.\n",
              STAGE_VERSION);
  std::printf("%s\n", kLicence);
}

std::string tool_version_text(std::string_view tool) {
  return std::string(tool) + " (stage) " + STAGE_VERSION + "\n" + kLicence;
}

void print_help(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 1 < text.size() && text[i + 1] == 's') {
      out += diag::program();
      ++i;
    } else {
      out += text[i];
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace stage
