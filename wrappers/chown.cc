// chown, chgrp: drop-ins for GNU coreutils chown and chgrp (one parser, as
// GNU's share chown-core).
#include <getopt.h>

#include <string>
#include <string_view>
#include <vector>

#include "stage/chown_op.h"
#include "stage/cli.h"
#include "stage/diag.h"
#include "stage/owners.h"
#include "stage/session.h"
#include "wrappers.h"

namespace {

// The part of --help chown and chgrp share (GNU prints the same text).
constexpr const char* kTraversalHelp = R"(
The following options modify how a hierarchy is traversed when the -R
option is also specified.  If more than one is specified, only the final
one takes effect.

  -H                     if a command line argument is a symbolic link
                         to a directory, traverse it
  -L                     traverse every symbolic link to a directory
                         encountered
  -P                     do not traverse any symbolic links (default)

      --help        display this help and exit
      --version     output version information and exit
)";

constexpr const char* kChownHead = R"(Usage: %s [OPTION]... [OWNER][:[GROUP]] FILE...
  or:  %s [OPTION]... --reference=RFILE FILE...
Change the owner and/or group of each FILE to OWNER and/or GROUP.
With --reference, change the owner and group of each FILE to those of RFILE.

  -c, --changes          like verbose but report only when a change is made
  -f, --silent, --quiet  suppress most error messages
  -v, --verbose          output a diagnostic for every file processed
      --dereference      affect the referent of each symbolic link (this is
                         the default), rather than the symbolic link itself
  -h, --no-dereference   affect symbolic links instead of any referenced file
                         (useful only on systems that can change the
                         ownership of a symlink)
      --from=CURRENT_OWNER:CURRENT_GROUP
                         change the owner and/or group of each file only if
                         its current owner and/or group match those specified
                         here.  Either may be omitted, in which case a match
                         is not required for the omitted attribute
      --no-preserve-root  do not treat '/' specially (the default)
      --preserve-root    fail to operate recursively on '/'
      --reference=RFILE  use RFILE's owner and group rather than
                         specifying OWNER:GROUP values
  -R, --recursive        operate on files and directories recursively
)";

constexpr const char* kChownTail = R"(
Owner is unchanged if missing.  Group is unchanged if missing, but changed
to login group if implied by a ':' following a symbolic OWNER.
OWNER and GROUP may be numeric as well as symbolic.

Examples:
  %s root /u        Change the owner of /u to "root".
  %s root:staff /u  Likewise, but also change its group to "staff".
  %s -hR root /u    Change the owner of /u and subfiles to "root".

When STAGE_DESTDIR is set, staged files get their owner and group in the stage
database only; names the target's databases do not know are kept by name
(an error with STAGE_STRICT=1).
)";

constexpr const char* kChgrpHead = R"(Usage: %s [OPTION]... GROUP FILE...
  or:  %s [OPTION]... --reference=RFILE FILE...
Change the group of each FILE to GROUP.
With --reference, change the group of each FILE to that of RFILE.

  -c, --changes          like verbose but report only when a change is made
  -f, --silent, --quiet  suppress most error messages
  -v, --verbose          output a diagnostic for every file processed
      --dereference      affect the referent of each symbolic link (this is
                         the default), rather than the symbolic link itself
  -h, --no-dereference   affect symbolic links instead of any referenced file
                         (useful only on systems that can change the
                         ownership of a symlink)
      --no-preserve-root  do not treat '/' specially (the default)
      --preserve-root    fail to operate recursively on '/'
      --reference=RFILE  use RFILE's group rather than specifying a
                         GROUP value
  -R, --recursive        operate on files and directories recursively
)";

constexpr const char* kChgrpTail = R"(
Examples:
  %s staff /u      Change the group of /u to "staff".
  %s -hR staff /u  Change the group of /u and subfiles to "staff".

When STAGE_DESTDIR is set, staged files get their group in the stage database
only; names the target's databases do not know are kept by name (an error
with STAGE_STRICT=1).
)";

enum { kDereference = 256, kFrom, kNoPreserveRoot, kPreserveRoot, kReference, kHelpOpt, kVersionOpt };

const struct option kChownLongOptions[] = {
    {"recursive", no_argument, nullptr, 'R'},
    {"changes", no_argument, nullptr, 'c'},
    {"dereference", no_argument, nullptr, kDereference},
    {"from", required_argument, nullptr, kFrom},
    {"no-dereference", no_argument, nullptr, 'h'},
    {"no-preserve-root", no_argument, nullptr, kNoPreserveRoot},
    {"preserve-root", no_argument, nullptr, kPreserveRoot},
    {"quiet", no_argument, nullptr, 'f'},
    {"silent", no_argument, nullptr, 'f'},
    {"reference", required_argument, nullptr, kReference},
    {"verbose", no_argument, nullptr, 'v'},
    {"help", no_argument, nullptr, kHelpOpt},
    {"version", no_argument, nullptr, kVersionOpt},
    {nullptr, 0, nullptr, 0},
};

// chgrp's table: chown's without --from (GNU's chgrp has none). Built on
// first use, so the other drop-ins of this binary pay nothing at start-up.
const struct option* chgrp_long_options() {
  static const std::vector<struct option> table = [] {
    std::vector<struct option> out;
    for (const auto& o : kChownLongOptions)
      if (o.name == nullptr || std::string_view(o.name) != "from") out.push_back(o);
    return out;
  }();
  return table.data();
}

/// Whether names unknown to the target's databases are kept by name.
bool lenient(stage::Session& session) { return session.active() && !session.config().strict; }

/// Parses a spec as chown does, exiting on an invalid one as GNU does.
stage::OwnerSpec owner_spec_or_die(stage::Session& session, const char* text) {
  stage::OwnerSpec spec = stage::parse_owner_spec(session.users(), session.groups(), text, lenient(session));
  if (!spec.error.empty()) stage::diag::fatal(spec.error + ": " + stage::diag::quote_arg(text));
  if (spec.dot_warning) stage::diag::warn("warning: '.' should be ':': " + stage::diag::quote_arg(text));
  return spec;
}

int run(int argc, char** argv, bool is_chgrp) {
  using stage::diag::quote;
  stage::ChownOptions options;
  bool preserve_root = false;
  const char* reference = nullptr;
  const char* from = nullptr;
  int dereference = -1;  // 1: --dereference, 0: -h, -1: neither
  stage::WalkFollow follow = stage::WalkFollow::Physical;

  int c;
  while ((c = getopt_long(argc, argv, "HLPRcfhv", is_chgrp ? chgrp_long_options() : kChownLongOptions, nullptr)) !=
         -1) {
    switch (c) {
      case 'H': follow = stage::WalkFollow::CommandLine; break;
      case 'L': follow = stage::WalkFollow::Logical; break;
      case 'P': follow = stage::WalkFollow::Physical; break;
      case 'h': dereference = 0; break;
      case kDereference: dereference = 1; break;
      case kNoPreserveRoot: preserve_root = false; break;
      case kPreserveRoot: preserve_root = true; break;
      case kReference: reference = optarg; break;
      case kFrom: from = optarg; break;
      case 'R': options.recurse = true; break;
      case 'c': options.verbosity = stage::Verbosity::ChangesOnly; break;
      case 'f': options.force_silent = true; break;
      case 'v': options.verbosity = stage::Verbosity::High; break;
      case kHelpOpt:
        stage::print_help(std::string(is_chgrp ? kChgrpHead : kChownHead) + kTraversalHelp +
                          (is_chgrp ? kChgrpTail : kChownTail));
        return 0;
      case kVersionOpt: stage::print_version("GNU coreutils", "9.1"); return 0;
      default: stage::diag::usage_error();
    }
  }

  // GNU parses --from as it meets it, before the other checks.
  stage::Session* session = nullptr;
  if (from) {
    session = &stage::Session::get();
    stage::OwnerSpec spec = owner_spec_or_die(*session, from);
    options.required_user = spec.user;
    options.required_group = spec.group;
  }

  if (options.recurse) {
    if (follow == stage::WalkFollow::Physical) {
      if (dereference == 1) stage::diag::fatal("-R --dereference requires either -H or -L");
      dereference = 0;
    }
  } else {
    follow = stage::WalkFollow::Physical;
  }
  options.dereference = dereference != 0;
  options.follow = follow;
  options.preserve_root = preserve_root;

  if (argc - optind < (reference ? 1 : 2)) {
    if (argc <= optind) stage::diag::usage_error("missing operand");
    stage::diag::usage_error("missing operand after " + stage::diag::quote_arg(argv[argc - 1]));
  }

  // From here on the environment matters: a bad STAGE_* setting is fatal now.
  if (!session) session = &stage::Session::get();
  if (reference) {
    int err = 0;
    auto ref = stage::reference_owner(*session, reference, &err);
    if (!ref) stage::diag::fatal("failed to get attributes of " + quote(reference), err);
    if (!is_chgrp) {
      options.user = ref->first;
      options.user_name = stage::principal_label(ref->first);
    }
    options.group = ref->second;
    options.group_name = stage::principal_label(ref->second);
  } else if (is_chgrp) {
    const char* text = argv[optind++];
    options.spec = text;
    if (*text) options.group_name = std::string(text);
    std::string error;
    options.group = stage::parse_group_spec(session->groups(), text, lenient(*session), &error);
    if (!error.empty()) stage::diag::fatal(error + ": " + stage::diag::quote_arg(text));
  } else {
    const char* text = argv[optind++];
    options.spec = text;
    stage::OwnerSpec spec = owner_spec_or_die(*session, text);
    options.user = spec.user;
    options.group = spec.group;
    options.user_name = spec.user_name;
    options.group_name = spec.group_name;
    // GNU: a group with no owner is shown as ":GROUP" ("ownership" messages).
    if (!options.user_name && options.group_name) options.user_name = std::string();
  }

  for (int i = optind; i < argc; ++i) stage::change_owner(*session, options, argv[i]);
  return session->finish();
}

}  // namespace

int chown_main(int argc, char** argv) { return run(argc, argv, false); }
int chgrp_main(int argc, char** argv) { return run(argc, argv, true); }
