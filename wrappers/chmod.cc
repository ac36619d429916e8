// chmod: drop-in for GNU coreutils chmod.
#include <getopt.h>
#include <sys/stat.h>

#include <cstring>
#include <string>

#include "stage/chmod_op.h"
#include "stage/cli.h"
#include "stage/diag.h"
#include "stage/mode.h"
#include "stage/session.h"
#include "wrappers.h"

namespace {

constexpr const char* kHelp = R"(Usage: %s [OPTION]... MODE[,MODE]... FILE...
  or:  %s [OPTION]... OCTAL-MODE FILE...
  or:  %s [OPTION]... --reference=RFILE FILE...
Change the mode of each FILE to MODE.
With --reference, change the mode of each FILE to that of RFILE.

  -c, --changes          like verbose but report only when a change is made
  -f, --silent, --quiet  suppress most error messages
  -v, --verbose          output a diagnostic for every file processed
      --no-preserve-root  do not treat '/' specially (the default)
      --preserve-root    fail to operate recursively on '/'
      --reference=RFILE  use RFILE's mode instead of MODE values
  -R, --recursive        change files and directories recursively
      --help        display this help and exit
      --version     output version information and exit

Each MODE is of the form '[ugoa]*([-+=]([rwxXst]*|[ugo]))+|[-+=][0-7]+'.

When STAGE_DESTDIR is set, staged files keep their mode in the stage database:
MODE applies to the recorded mode, and on disk the owner keeps read/write access.
)";

enum { kNoPreserveRoot = 256, kPreserveRoot, kReference, kHelpOpt, kVersionOpt };

const struct option kLongOptions[] = {
    {"changes", no_argument, nullptr, 'c'},
    {"recursive", no_argument, nullptr, 'R'},
    {"no-preserve-root", no_argument, nullptr, kNoPreserveRoot},
    {"preserve-root", no_argument, nullptr, kPreserveRoot},
    {"quiet", no_argument, nullptr, 'f'},
    {"reference", required_argument, nullptr, kReference},
    {"silent", no_argument, nullptr, 'f'},
    {"verbose", no_argument, nullptr, 'v'},
    {"help", no_argument, nullptr, kHelpOpt},
    {"version", no_argument, nullptr, kVersionOpt},
    {nullptr, 0, nullptr, 0},
};

}  // namespace

int chmod_main(int argc, char** argv) {
  using stage::diag::quote;
  stage::ChmodOptions options;
  std::string mode;
  bool have_mode = false;
  const char* reference = nullptr;

  // As GNU: "chmod -w file" is a mode, so every mode character is an option
  // with an optional argument, and the whole argument joins the mode text.
  int c;
  while ((c = getopt_long(argc, argv, "Rcfvr::w::x::X::s::t::u::g::o::a::,::+::=::0::1::2::3::4::5::6::7::",
                          kLongOptions, nullptr)) != -1) {
    switch (c) {
      case 'r': case 'w': case 'x': case 'X': case 's': case 't': case 'u': case 'g': case 'o': case 'a':
      case ',': case '+': case '=':
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
        if (have_mode) mode += ',';
        mode += argv[optind - 1];
        have_mode = true;
        options.diagnose_surprises = true;
        break;
      case kNoPreserveRoot: options.preserve_root = false; break;
      case kPreserveRoot: options.preserve_root = true; break;
      case kReference: reference = optarg; break;
      case 'R': options.recurse = true; break;
      case 'c': options.verbosity = stage::Verbosity::ChangesOnly; break;
      case 'f': options.force_silent = true; break;
      case 'v': options.verbosity = stage::Verbosity::High; break;
      case kHelpOpt: stage::print_help(kHelp); return 0;
      case kVersionOpt: stage::print_version("GNU coreutils", "9.1"); return 0;
      default: stage::diag::usage_error();
    }
  }

  bool mode_is_operand = false;
  if (reference) {
    if (have_mode) stage::diag::usage_error("cannot combine mode and --reference options");
  } else if (!have_mode && optind < argc) {
    mode = argv[optind++];
    have_mode = mode_is_operand = true;
  }
  if (optind >= argc) {
    if (!mode_is_operand) stage::diag::usage_error("missing operand");
    stage::diag::usage_error("missing operand after " + stage::diag::quote_arg(argv[argc - 1]));
  }

  if (!reference) {
    auto change = stage::parse_mode(mode);
    if (!change) stage::diag::usage_error("invalid mode: " + stage::diag::quote_arg(mode));
    options.change = std::move(*change);
    options.umask_value = ::umask(0);
  }

  // From here on the environment matters: a bad STAGE_* setting is fatal now.
  stage::Session& session = stage::Session::get();
  if (reference) {
    int err = 0;
    auto ref_mode = stage::reference_mode(session, reference, &err);
    if (!ref_mode) stage::diag::fatal("failed to get attributes of " + quote(reference), err);
    options.change = stage::mode_from_reference(*ref_mode);
  }

  for (int i = optind; i < argc; ++i) stage::change_mode(session, options, argv[i]);
  return session.finish();
}
