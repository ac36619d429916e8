// ln: drop-in for GNU coreutils ln.
#include <getopt.h>

#include <string>
#include <vector>

#include "stage/cli.h"
#include "stage/diag.h"
#include "stage/link_op.h"
#include "stage/session.h"
#include "wrappers.h"

namespace {

constexpr const char* kHelp = R"(Usage: %s [OPTION]... [-T] TARGET LINK_NAME
  or:  %s [OPTION]... TARGET
  or:  %s [OPTION]... TARGET... DIRECTORY
  or:  %s [OPTION]... -t DIRECTORY TARGET...
In the 1st form, create a link to TARGET with the name LINK_NAME.
In the 2nd form, create a link to TARGET in the current directory.
In the 3rd and 4th forms, create links to each TARGET in DIRECTORY.
Create hard links by default, symbolic links with --symbolic.
By default, each destination (name of new link) should not already exist.
When creating hard links, each TARGET must exist.  Symbolic links
can hold arbitrary text; if later resolved, a relative link is
interpreted in relation to its parent directory.

Mandatory arguments to long options are mandatory for short options too.
      --backup[=CONTROL]      make a backup of each existing destination file
  -b                          like --backup but does not accept an argument
  -d, -F, --directory         allow the superuser to attempt to hard link
                                directories (note: will probably fail due to
                                system restrictions, even for the superuser)
  -f, --force                 remove existing destination files
  -i, --interactive           prompt whether to remove destinations
  -L, --logical               dereference TARGETs that are symbolic links
  -n, --no-dereference        treat LINK_NAME as a normal file if
                                it is a symbolic link to a directory
  -P, --physical              make hard links directly to symbolic links
  -r, --relative              with -s, create links relative to link location
  -s, --symbolic              make symbolic links instead of hard links
  -S, --suffix=SUFFIX         override the usual backup suffix
  -t, --target-directory=DIRECTORY  specify the DIRECTORY in which to create
                                the links
  -T, --no-target-directory   treat LINK_NAME as a normal file always
  -v, --verbose               print name of each linked file
      --help        display this help and exit
      --version     output version information and exit

The backup suffix is '~', unless set with --suffix or SIMPLE_BACKUP_SUFFIX.
The version control method may be selected via the --backup option or through
the VERSION_CONTROL environment variable.  Here are the values:

  none, off       never make backups (even if --backup is given)
  numbered, t     make numbered backups
  existing, nil   numbered if numbered backups exist, simple otherwise
  simple, never   always make simple backups

Using -s ignores -L and -P.  Otherwise, the last option specified controls
behavior when a TARGET is a symbolic link, defaulting to -P.

When STAGE_DESTDIR is set, links are made in the stage and recorded; a hard link
from outside the stage becomes a copy, and -r is relative between the links'
locations on the target system.
)";

enum { kHelpOpt = 256, kVersionOpt };

const struct option kLongOptions[] = {
    {"backup", optional_argument, nullptr, 'b'},
    {"directory", no_argument, nullptr, 'F'},
    {"no-dereference", no_argument, nullptr, 'n'},
    {"no-target-directory", no_argument, nullptr, 'T'},
    {"force", no_argument, nullptr, 'f'},
    {"interactive", no_argument, nullptr, 'i'},
    {"suffix", required_argument, nullptr, 'S'},
    {"target-directory", required_argument, nullptr, 't'},
    {"logical", no_argument, nullptr, 'L'},
    {"physical", no_argument, nullptr, 'P'},
    {"relative", no_argument, nullptr, 'r'},
    {"symbolic", no_argument, nullptr, 's'},
    {"verbose", no_argument, nullptr, 'v'},
    {"help", no_argument, nullptr, kHelpOpt},
    {"version", no_argument, nullptr, kVersionOpt},
    {nullptr, 0, nullptr, 0},
};

}  // namespace

int ln_main(int argc, char** argv) {
  stage::LinkOptions options;
  stage::Session* session = nullptr;
  int c;
  while ((c = getopt_long(argc, argv, "bdfinrst:vFLPS:T", kLongOptions, nullptr)) != -1) {
    switch (c) {
      case 'b':
        options.make_backups = true;
        if (optarg) options.backup_control = optarg;
        break;
      case 'd': case 'F': options.hard_dir_link = true; break;
      case 'f': options.force = true; options.interactive = false; break;
      case 'i': options.force = false; options.interactive = true; break;
      case 'L': options.logical = true; break;
      case 'n': options.dereference_dest_dir = false; break;
      case 'P': options.logical = false; break;
      case 'r': options.relative = true; break;
      case 's': options.symbolic = true; break;
      case 't':
        if (options.target_directory) stage::diag::fatal("multiple target directories specified");
        // GNU checks the directory as it parses the option.
        if (!session) session = &stage::Session::get();
        stage::check_target_directory(*session, optarg);
        options.target_directory = optarg;
        break;
      case 'T': options.no_target_directory = true; break;
      case 'v': options.verbose = true; break;
      case 'S':
        options.make_backups = true;
        options.backup_suffix = optarg;
        break;
      case kHelpOpt: stage::print_help(kHelp); return 0;
      case kVersionOpt: stage::print_version("GNU coreutils", "9.1"); return 0;
      default: stage::diag::usage_error();
    }
  }
  if (optind >= argc) stage::diag::usage_error("missing file operand");
  if (options.relative && !options.symbolic) stage::diag::fatal("cannot do --relative without --symbolic");

  if (!session) session = &stage::Session::get();
  stage::link_operands(*session, options, std::vector<std::string>(argv + optind, argv + argc));
  return session->finish();
}
