// install-info: drop-in for texinfo 6.8's install-info.
#include <getopt.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "stage/cli.h"
#include "stage/diag.h"
#include "stage/info_op.h"
#include "stage/session.h"
#include "wrappers.h"

namespace {

constexpr const char* kHelp = R"(Usage: %s [OPTION]... [INFO-FILE [DIR-FILE]]

Add or remove entries in INFO-FILE from the Info directory DIR-FILE.
INFO-FILE and DIR-FILE are required unless the --info-file
or --dir-file (or --info-dir) options are given, respectively.

Options:
 --add-once          add only to first matching section, not all.
 --align=COL         start description of new entries at column COL.
 --calign=COL        format second and subsequent description lines to
                       start at column COL.
 --debug             report what is being done.
 --delete            delete existing entries for INFO-FILE from DIR-FILE;
                      don't insert any new entries.
 --defsection=TEXT   like --section, but only use TEXT if no sections
                      are present in INFO-FILE (replacing "Miscellaneous").
 --description=TEXT  the description of the entry is TEXT; used with
                      the --name option to become synonymous with the
                      --entry option.
 --dir-file=NAME     specify file name of Info directory file;
                      equivalent to using the DIR-FILE argument.
 --dry-run           same as --test.
 --entry=TEXT        insert TEXT as an Info directory entry,
                      overriding any corresponding entry from DIR-FILE.
                      TEXT is written as an Info menu item line followed
                       by zero or more extra lines starting with whitespace.
                      If you specify more than one entry, all are added.
                      If you don't specify any entries, they are determined
                       from information in the Info file itself.
 --help              display this help and exit.
 --info-dir=DIR      same as --dir-file=DIR/dir.
 --info-file=FILE    specify Info file to install in the directory;
                      equivalent to using the INFO-FILE argument.
 --item=TEXT         same as --entry=TEXT.
 --keep-old          do not replace entries, or remove empty sections.
 --maxwidth, --max-width=COL  wrap description at column COL.
 --menuentry=TEXT    same as --name=TEXT.
 --name=TEXT         the name of the entry is TEXT; used with --description
                      to become synonymous with the --entry option.
 --no-indent         do not format new entries in the DIR file.
 --quiet             suppress warnings.
 --regex=R           put this file's entries in all sections that match the
                      regular expression R (ignoring case).
 --remove            same as --delete.
 --remove-exactly    only remove if the info file name matches exactly;
                      suffixes such as .info and .gz are not ignored.
 --section=SEC       put entries in section SEC of the directory.
                      If you specify more than one section, all the entries
                       are added in each of the sections.
                      If you don't specify any sections, they are determined
                       from information in the Info file itself;
                       if nothing is available there, the --defsection
                       value is used; if that is not specified, the
                       final default is "Miscellaneous".
 --section R SEC     equivalent to --regex=R --section=SEC --add-once.
 --silent            suppress warnings.
 --test              suppress updating of DIR-FILE.
 --version           display version information and exit.

Email bug reports to bug-texinfo@gnu.org,
general questions and discussion to help-texinfo@gnu.org.
Texinfo home page: http://www.gnu.org/software/texinfo/

When STAGE_DESTDIR is set, a dir file in the stage is updated there
(STAGE_INFO=dir, the default) or left alone while the entries are recorded
in the stage database (STAGE_INFO=record).
)";

// texinfo's table, including its undocumented and alternative spellings.
const struct option kLongOptions[] = {
    {"add-once", no_argument, nullptr, '1'},
    {"align", required_argument, nullptr, 'A'},
    {"append-new-sections", no_argument, nullptr, 'a'},
    {"calign", required_argument, nullptr, 'C'},
    {"debug", no_argument, nullptr, 'g'},
    {"delete", no_argument, nullptr, 'r'},
    {"defentry", required_argument, nullptr, 'E'},
    {"defsection", required_argument, nullptr, 'S'},
    {"dir-file", required_argument, nullptr, 'd'},
    {"entry", required_argument, nullptr, 'e'},
    {"name", required_argument, nullptr, 't'},
    {"menuentry", required_argument, nullptr, 't'},
    {"description", required_argument, nullptr, 'c'},
    {"help", no_argument, nullptr, 'h'},
    {"no-indent", no_argument, nullptr, 'I'},
    {"infodir", required_argument, nullptr, 'D'},
    {"info-dir", required_argument, nullptr, 'D'},
    {"info-file", required_argument, nullptr, 'i'},
    {"item", required_argument, nullptr, 'e'},
    {"keep-old", no_argument, nullptr, 'k'},
    {"maxwidth", required_argument, nullptr, 'W'},
    {"max-width", required_argument, nullptr, 'W'},
    {"quiet", no_argument, nullptr, 'q'},
    {"remove", no_argument, nullptr, 'r'},
    {"remove-exactly", no_argument, nullptr, 'x'},
    {"section", required_argument, nullptr, 's'},
    {"regex", required_argument, nullptr, 'R'},
    {"silent", no_argument, nullptr, 'q'},
    {"test", no_argument, nullptr, 'n'},
    {"dry-run", no_argument, nullptr, 'n'},
    {"version", no_argument, nullptr, 'V'},
    {nullptr, 0, nullptr, 0},
};

/// --align, --calign, --max-width: a positive number in C syntax (strtoul base 0).
int column_argument(const char* text) {
  char* end = nullptr;
  unsigned long value = std::strtoul(text, &end, 0);
  if (end == text || *end != '\0' || static_cast<int>(value) <= 0) stage::info_usage_error();
  return static_cast<int>(value);
}

}  // namespace

int install_info_main(int argc, char** argv) {
  using stage::InfoEntryArg;
  // texinfo's own messages always say "install-info:" (getopt's use argv[0]).
  stage::diag::set_program("install-info");
  stage::InstallInfoOptions options;
  stage::InfoDirOptions& dir = options.dir;
  bool have_info_file = false, have_dir_file = false;

  // Debian's old `--section REGEX TITLE` becomes `--regex=REGEX --section=TITLE --add-once`.
  std::vector<std::string> args(argv, argv + argc);
  auto munged = stage::munge_legacy_section(
      args, [](const std::string& title) { return stage::info_operand_exists(stage::Session::get(), title); });
  std::vector<char*> new_argv;
  if (munged) {
    args = std::move(*munged);
    for (auto& a : args) new_argv.push_back(a.data());
    new_argv.push_back(nullptr);
    argc = static_cast<int>(args.size());
    argv = new_argv.data();
  }

  int c;
  while ((c = getopt_long(argc, argv, "i:d:e:s:t:E:c:C:W:A:hHrk1Ia", kLongOptions, nullptr)) != -1) {
    switch (c) {
      case '1': dir.add_once = true; break;
      case 'a': dir.sort_new_sections = false; break;
      case 'A': dir.align = column_argument(optarg); break;
      case 'C': dir.calign = column_argument(optarg); break;
      case 'W': dir.max_width = column_argument(optarg); break;
      case 'c': dir.entry_args.push_back({InfoEntryArg::Kind::Description, optarg}); break;
      case 't': dir.entry_args.push_back({InfoEntryArg::Kind::Name, optarg}); break;
      case 'e': dir.entry_args.push_back({InfoEntryArg::Kind::Entry, optarg}); break;
      case 'E': dir.entry_args.push_back({InfoEntryArg::Kind::DefaultEntry, optarg}); break;
      case 'd':
      case 'D':
        if (have_dir_file) {
          std::fprintf(stderr, "%s: already have dir file: %s\n", stage::diag::program().c_str(),
                       options.dir_file.c_str());
          stage::info_usage_error();
        }
        options.dir_file = c == 'd' ? std::string(optarg) : std::string(optarg) + "/dir";
        have_dir_file = true;
        break;
      case 'g': options.debug = true; break;
      case 'h':
      case 'H': stage::print_help(kHelp); return 0;
      case 'i':
        if (have_info_file) {
          std::fprintf(stderr, "%s: Specify the Info file only once.\n", stage::diag::program().c_str());
          stage::info_usage_error();
        }
        options.info_file = optarg;
        have_info_file = true;
        break;
      case 'I': dir.indent = false; break;
      case 'k': dir.keep_old = true; break;
      case 'n': options.test = true; break;
      case 'q': options.quiet = true; break;
      case 'r': dir.remove = true; break;
      case 'x': dir.remove = dir.remove_exactly = true; break;
      case 'R':
        if (dir.regex) {
          stage::diag::warn(std::string("warning: Extra regular expression specified, ignoring `") + optarg + "'");
        } else if (auto error = stage::info_regex_error(optarg)) {
          stage::diag::fatal(std::string("Error in regular expression `") + optarg + "': " + *error);
        } else {
          dir.regex = optarg;
        }
        break;
      case 'S': dir.default_section = optarg; break;
      case 's': dir.sections.push_back(optarg); break;
      case 'V': stage::print_version("GNU texinfo", "6.8"); return 0;
      default: stage::info_usage_error();
    }
  }

  for (; optind < argc; ++optind) {
    if (!have_info_file) {
      options.info_file = argv[optind];
      have_info_file = true;
    } else if (!have_dir_file) {
      options.dir_file = argv[optind];
      have_dir_file = true;
    } else {
      // texinfo reports it and goes on; the exit status stays 0.
      stage::diag::warn(std::string("excess command line argument `") + argv[optind] + "'");
    }
  }
  if (!have_info_file) stage::diag::fatal("No input file specified; try --help for more information.");
  if (!have_dir_file) stage::diag::fatal("No dir file specified; try --help for more information.");
  if (std::getenv("INSTALL_INFO_NO_INDENT")) dir.indent = false;

  stage::Session& session = stage::Session::get();
  if (!stage::install_info(session, options)) return 1;
  return session.finish();
}
