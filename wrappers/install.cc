// install: drop-in for GNU coreutils install, plus the BSD options pkgsrc uses.
#include <getopt.h>
#include <sys/stat.h>

#include <cstring>
#include <string>
#include <vector>

#include "stage/cli.h"
#include "stage/diag.h"
#include "stage/install_op.h"
#include "stage/mode.h"
#include "stage/session.h"
#include "wrappers.h"

namespace {

constexpr const char* kHelp = R"(Usage: %s [OPTION]... [-T] SOURCE DEST
  or:  %s [OPTION]... SOURCE... DIRECTORY
  or:  %s [OPTION]... -t DIRECTORY SOURCE...
  or:  %s [OPTION]... -d DIRECTORY...

This install code copies files (often just compiled) into destination
locations you choose.  If you want to download and install a ready-to-use
package on a GNU/Linux system, you should instead be using a package manager.

In the first three forms, copy SOURCE to DEST or multiple SOURCE(s) to
the existing DIRECTORY, while setting permission modes and owner/group.
In the 4th form, create all components of the given DIRECTORY(ies).

Mandatory arguments to long options are mandatory for short options too.
      --backup[=CONTROL]  make a backup of each existing destination file
  -b                  like --backup but does not accept an argument
  -c                  (ignored)
  -C, --compare       compare content of source and destination files, and
                        if no change to content, ownership, and permissions,
                        do not modify the destination at all
  -d, --directory     treat all arguments as directory names; create all
                        components of the specified directories
  -D                  create all leading components of DEST except the last,
                        or all components of --target-directory,
                        then copy SOURCE to DEST
  -g, --group=GROUP   set group ownership, instead of process' current group
  -m, --mode=MODE     set permission mode (as in chmod), instead of rwxr-xr-x
  -o, --owner=OWNER   set ownership (super-user only)
  -p, --preserve-timestamps   apply access/modification times of SOURCE files
                        to corresponding destination files
  -s, --strip         strip symbol tables
      --strip-program=PROGRAM  program used to strip binaries
  -S, --suffix=SUFFIX  override the usual backup suffix
  -t, --target-directory=DIRECTORY  copy all SOURCE arguments into DIRECTORY
  -T, --no-target-directory  treat DEST as a normal file
  -v, --verbose       print the name of each directory as it is created
      --preserve-context  preserve SELinux security context
  -Z                      set SELinux security context of destination
                            file and each created directory to default type
      --context[=CTX]     like -Z, or if CTX is specified then set the
                            SELinux or SMACK security context to CTX
      --help     display this help and exit
      --version  output version information and exit

BSD options (pkgsrc, BSD mk files): -l LINKFLAGS (h, s, a, r, m) links instead
of copying, -r (always done), -U (unprivileged), -B SUFFIX (backup suffix),
-f FLAGS (file flags, recorded), -h DIGEST (accepted), -M METALOG (append an
mtree line per entry).

When STAGE_DESTDIR is set, destinations are staged there and -o, -g, -m are
recorded in the stage database instead of applied.
)";

enum { kStripProgram = 256, kPreserveContext, kHelpOpt, kVersionOpt };

const struct option kLongOptions[] = {
    {"backup", optional_argument, nullptr, 'b'},
    {"compare", no_argument, nullptr, 'C'},
    {"context", optional_argument, nullptr, 'Z'},
    {"directory", no_argument, nullptr, 'd'},
    {"group", required_argument, nullptr, 'g'},
    {"mode", required_argument, nullptr, 'm'},
    {"no-target-directory", no_argument, nullptr, 'T'},
    {"owner", required_argument, nullptr, 'o'},
    {"preserve-timestamps", no_argument, nullptr, 'p'},
    {"preserve-context", no_argument, nullptr, kPreserveContext},
    {"strip", no_argument, nullptr, 's'},
    {"strip-program", required_argument, nullptr, kStripProgram},
    {"suffix", required_argument, nullptr, 'S'},
    {"target-directory", required_argument, nullptr, 't'},
    {"verbose", no_argument, nullptr, 'v'},
    {"help", no_argument, nullptr, kHelpOpt},
    {"version", no_argument, nullptr, kVersionOpt},
    {nullptr, 0, nullptr, 0},
};

bool parse_link_flags(const char* text, stage::InstallOptions& options) {
  using Link = stage::InstallOptions::Link;
  for (const char* p = text; *p; ++p) {
    switch (*p) {
      case 'h': options.link = Link::Hard; break;
      case 's': if (options.link == Link::Copy || options.link == Link::Hard) options.link = Link::Symbolic; break;
      case 'a': options.link = Link::SymbolicAbsolute; break;
      case 'r': options.link = Link::SymbolicRelative; break;
      case 'm': options.link = Link::Hard; options.link_fallback_copy = true; break;
      default: return false;
    }
  }
  return true;
}

}  // namespace

int install_main(int argc, char** argv) {
  using stage::diag::quote;
  stage::InstallOptions options;
  bool make_backups = false, directory_mode = false, no_target = false, strip_program_given = false;
  const char* backup_control = nullptr;
  const char* backup_suffix = nullptr;
  const char* mode_text = nullptr;
  const char* owner_text = nullptr;
  const char* group_text = nullptr;
  const char* target_directory = nullptr;

  int c;
  while ((c = getopt_long(argc, argv, "bcCsDdg:m:o:pt:TvS:Zl:rUB:f:h:M:", kLongOptions, nullptr)) != -1) {
    switch (c) {
      case 'b':
        make_backups = true;
        if (optarg) backup_control = optarg;
        break;
      case 'c': case 'r': case 'U': case 'h': case 'Z': case kPreserveContext:
        break;  // ignored as GNU (no SELinux) and BSD (always atomic, digest computed on export) do
      case 'C': options.compare = true; break;
      case 's': options.strip = true; break;
      case kStripProgram:
        options.strip_program = optarg;
        strip_program_given = true;
        break;
      case 'd': directory_mode = true; break;
      case 'D': options.make_parents = true; break;
      case 'v': options.verbose = true; break;
      case 'g': group_text = optarg; break;
      case 'm': mode_text = optarg; break;
      case 'o': owner_text = optarg; break;
      case 'p': options.preserve_timestamps = true; break;
      case 'S': make_backups = true; backup_suffix = optarg; break;
      case 'B': backup_suffix = optarg; break;
      case 't':
        if (target_directory) stage::diag::fatal("multiple target directories specified");
        target_directory = optarg;
        break;
      case 'T': no_target = true; break;
      case 'l':
        if (!parse_link_flags(optarg, options)) stage::diag::fatal("unknown link flags " + quote(optarg));
        break;
      case 'f': options.flags = optarg; break;
      case 'M': options.metalog = optarg; break;
      case kHelpOpt: stage::print_help(kHelp); return 0;
      case kVersionOpt: stage::print_version("GNU coreutils", "9.1"); return 0;
      default: stage::diag::usage_error();
    }
  }

  if (directory_mode && options.strip)
    stage::diag::fatal("the strip option may not be used when installing a directory");
  if (directory_mode && target_directory) stage::diag::fatal("target directory not allowed when installing a directory");
  options.backup = stage::backup_settings(make_backups, backup_control, backup_suffix);

  std::vector<const char*> files(argv + optind, argv + argc);
  size_t n = files.size();
  if (n <= ((directory_mode || target_directory) ? 0u : 1u)) {
    if (n == 0) stage::diag::usage_error("missing file operand");
    stage::diag::usage_error("missing destination file operand after " + quote(files[0]));
  }

  // From here on the environment matters: a bad STAGE_* setting is fatal now.
  stage::Session& session = stage::Session::get();

  if (no_target) {
    if (target_directory)
      stage::diag::fatal("cannot combine --target-directory (-t) and --no-target-directory (-T)");
    if (n > 2) stage::diag::usage_error("extra operand " + quote(files[2]));
  } else if (target_directory) {
    int err = 0;
    if (!stage::is_directory_operand(session, target_directory, &err) && !(options.make_parents && err == ENOENT))
      stage::diag::fatal("failed to access " + quote(target_directory), err ? err : ENOTDIR);
  } else if (!directory_mode) {
    const char* last = files.back();
    int err = 0;
    if (stage::is_directory_operand(session, last, &err)) {
      target_directory = last;
      files.pop_back();
    } else if (n > 2) {
      stage::diag::fatal("target " + quote(last), err ? err : ENOTDIR);
    }
  }

  if (mode_text) {
    auto change = stage::parse_mode(mode_text);
    if (!change) stage::diag::fatal("invalid mode " + quote(mode_text));
    options.file_mode = stage::apply_mode(*change, 0, false, 0);
    options.dir_mode = stage::apply_mode(*change, 0, true, 0, &options.dir_mode_bits);
  }
  if (strip_program_given && !options.strip)
    stage::diag::warn("WARNING: ignoring --strip-program option as -s option was not specified");
  if (options.compare && options.preserve_timestamps)
    stage::diag::usage_error("options --compare (-C) and --preserve-timestamps are mutually exclusive");
  if (options.compare && options.strip)
    stage::diag::usage_error("options --compare (-C) and --strip are mutually exclusive");
  if (options.compare && (options.file_mode & ~0777))
    stage::diag::warn("the --compare (-C) option is ignored when you specify a mode with non-permission bits");

  if (owner_text) {
    stage::IdSpec owner = session.owner(owner_text);
    if (!owner.valid) stage::diag::fatal("invalid user " + stage::diag::quote_arg(owner_text));
    options.owner = owner.principal;
  }
  if (group_text) {
    stage::IdSpec group = session.group(group_text);
    if (!group.valid) stage::diag::fatal("invalid group " + stage::diag::quote_arg(group_text));
    options.group = group.principal;
  }

  // GNU install runs with umask 0: modes are exactly what -m says.
  ::umask(0);
  if (directory_mode) {
    for (const char* dir : files) stage::install_directory(session, options, dir);
  } else if (!target_directory) {
    stage::install_file(session, options, files[0], files[1]);
  } else {
    for (const char* file : files)
      stage::install_file(session, options, file, stage::name_in_directory(target_directory, file));
  }
  return session.finish();
}
