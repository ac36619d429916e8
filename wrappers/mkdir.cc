// mkdir: drop-in for GNU coreutils mkdir.
#include <getopt.h>

#include <string>

#include "stage/cli.h"
#include "stage/diag.h"
#include "stage/mkdir_op.h"
#include "stage/mode.h"
#include "stage/session.h"
#include "wrappers.h"

namespace {

constexpr const char* kHelp = R"(Usage: %s [OPTION]... DIRECTORY...
Create the DIRECTORY(ies), if they do not already exist.

Mandatory arguments to long options are mandatory for short options too.
  -m, --mode=MODE   set file mode (as in chmod), not a=rwx - umask
  -p, --parents     no error if existing, make parent directories as needed,
                    with their file modes unaffected by any -m option.
  -v, --verbose     print a message for each created directory
  -Z                   set SELinux security context of each created directory
                         to the default type
      --context[=CTX]  like -Z, or if CTX is specified then set the SELinux
                         or SMACK security context to CTX
      --help     display this help and exit
      --version  output version information and exit

When STAGE_DESTDIR is set, directories are staged there and -m is recorded.
)";

enum { kHelpOpt = 256, kVersionOpt };

const struct option kLongOptions[] = {
    {"context", optional_argument, nullptr, 'Z'}, {"mode", required_argument, nullptr, 'm'},
    {"parents", no_argument, nullptr, 'p'},       {"verbose", no_argument, nullptr, 'v'},
    {"help", no_argument, nullptr, kHelpOpt},     {"version", no_argument, nullptr, kVersionOpt},
    {nullptr, 0, nullptr, 0},
};

}  // namespace

int mkdir_main(int argc, char** argv) {
  stage::MkdirOptions options;
  const char* mode_text = nullptr;
  int c;
  while ((c = getopt_long(argc, argv, "pm:vZ", kLongOptions, nullptr)) != -1) {
    switch (c) {
      case 'p': options.parents = true; break;
      case 'm': mode_text = optarg; break;
      case 'v': options.verbose = true; break;
      case 'Z': break;  // no SELinux here, as GNU on such a system
      case kHelpOpt: stage::print_help(kHelp); return 0;
      case kVersionOpt: stage::print_version("GNU coreutils", "9.1"); return 0;
      default: stage::diag::usage_error();
    }
  }
  if (optind == argc) stage::diag::usage_error("missing operand");

  mode_t umask_value = stage::current_umask();
  options.ancestor_mode = (0777 & ~umask_value) | S_IWUSR | S_IXUSR;
  options.umask_self = umask_value;
  if (mode_text) {
    auto change = stage::parse_mode(mode_text);
    if (!change) stage::diag::fatal("invalid mode " + stage::diag::quote(mode_text));
    options.mode = stage::apply_mode(*change, 0777, true, umask_value, &options.mode_bits);
    // As GNU: the umask keeps only bits -m does not grant.
    options.umask_self = umask_value & ~options.mode;
    ::umask(options.umask_self);
  }

  stage::Session& session = stage::Session::get();
  for (int i = optind; i < argc; ++i) stage::make_directory(session, options, argv[i]);
  return session.finish();
}
