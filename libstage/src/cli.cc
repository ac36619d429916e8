// cli: shared --version and --help output.
#include "stage/cli.h"

#include <cstdio>
#include <string>

#include "stage/diag.h"

namespace stage {

const char* stage_version() { return STAGE_VERSION; }

void print_version(std::string_view suite) {
  std::printf("%s (stage: drop-in for %.*s) %s\n", diag::tool().c_str(), static_cast<int>(suite.size()),
              suite.data(), STAGE_VERSION);
  std::printf(
      "This is stage's re-implementation, which stages into STAGE_DESTDIR when it is set.\n"
      "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"
      "This is free software: you are free to change and redistribute it.\n"
      "There is NO WARRANTY, to the extent permitted by law.\n");
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
