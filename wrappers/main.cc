// The drop-in multicall binary: one static executable, dispatched on the name
// it was run as (the links in the drop-in directory), like toybox.
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "stage/diag.h"
#include "stage/store.h"
#include "wrappers.h"

namespace {
struct Tool {
  const char* name;
  int (*main)(int, char**);
};
const Tool kTools[] = {
    {"install", install_main},
    {"ginstall", install_main},
    {"mkdir", mkdir_main},
    {"ln", ln_main},
    {"chmod", chmod_main},
    {"chown", chown_main},
    {"chgrp", chgrp_main},
    {"install-info", install_info_main},
};
}  // namespace

int main(int argc, char** argv) {
  std::string_view self = argc > 0 ? argv[0] : "";
  if (auto slash = self.rfind('/'); slash != std::string_view::npos) self.remove_prefix(slash + 1);
  for (const auto& tool : kTools) {
    if (self == tool.name) {
      // Messages carry argv[0] as given, like GNU's (getopt's already do).
      stage::diag::set_program(argv[0]);
      const char* supervised = std::getenv("STAGE_ROOT");
      stage::Store::tune_for_drop_in(supervised && std::string_view(supervised) == "1");
      // coreutils' tools check stdout at exit (gnulib close_stdout); texinfo's install-info does not.
      if (tool.main != install_info_main) stage::diag::close_stdout_at_exit();
      return tool.main(argc, argv);
    }
  }
  std::string known;
  for (const auto& tool : kTools) known += std::string(" ") + tool.name;
  stage::diag::set_program("stage-dropin");
  stage::diag::fatal("unknown tool name '" + std::string(self) + "': run this binary through one of its links:" + known);
}
