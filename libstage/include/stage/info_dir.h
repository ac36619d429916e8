// info_dir: texinfo 6.8 install-info's rules for an Info `dir` file, as pure
// functions over text: which entries an Info file asks for, where they go,
// how they are formatted, and what --delete removes.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace stage {

/// One --entry, --name, --description or --defentry argument. Their order on
/// the command line matters (a --description completes the latest entry).
struct InfoEntryArg {
  enum class Kind { Entry, Name, Description, DefaultEntry } kind = Kind::Entry;
  std::string text;
};

/// How install-info computes and places entries (its options, minus file names).
struct InfoDirOptions {
  bool remove = false;          ///< --delete/--remove
  bool remove_exactly = false;  ///< --remove-exactly: match the given name, suffixes and all
  bool add_once = false;        ///< --add-once: only the first matching section
  bool keep_old = false;        ///< --keep-old: keep existing entries and empty sections
  bool indent = true;           ///< false with --no-indent (or INSTALL_INFO_NO_INDENT set)
  bool sort_new_sections = true;  ///< false with the undocumented --append-new-sections
  int calign = -1;              ///< --calign, -1 for texinfo's default
  int align = -1;               ///< --align, -1 for texinfo's default
  int max_width = -1;           ///< --max-width, -1 for texinfo's default (79)
  std::vector<std::string> sections;          ///< --section, in command-line order
  std::optional<std::string> regex;           ///< --regex (the first one given)
  std::optional<std::string> default_section; ///< --defsection
  std::vector<InfoEntryArg> entry_args;       ///< --entry/--name/--description, in order
};

/// An entry as it is (or would be) written to the dir file, with the section
/// names it goes into.
struct InfoDirEntry {
  std::string text;  ///< "* Name: (file).   Description.\n", possibly several lines
  std::vector<std::string> sections;
};

/// What update_info_dir() decided.
struct InfoDirUpdate {
  std::string text;                   ///< the new dir file
  std::vector<InfoDirEntry> entries;  ///< adding: the entries and their sections, in Info-file order
  bool no_entries = false;            ///< adding: no entry anywhere (texinfo warns, exits 0, writes nothing)
  bool nothing_deleted = false;       ///< removing: no entry matched (texinfo warns)
};

/// The Info file or the options are unusable (texinfo's fatal errors); what()
/// is texinfo's message, without the program name.
struct InfoDirError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The content of a new dir file, as texinfo writes it when none exists.
std::string_view info_dir_header();

/// The name dir entries are matched against: the Info file's base name without
/// [.info|.inf][.gz|.xz|.bz2|.lz|.lzma]; with `exactly`, the name as given.
std::string info_match_name(std::string_view info_file, bool exactly);

/// Checks a --regex as texinfo compiles it (POSIX basic, ignoring case).
/// Returns regerror()'s text when it does not compile.
std::optional<std::string> info_regex_error(const std::string& regex);

/// Computes the dir file after adding (or, with options.remove, removing) the
/// entries of an Info file. `info_text` is the Info file's text (unused with
/// remove_exactly), `info_name` the name as given on the command line.
/// Throws InfoDirError for an unmatched START-INFO-DIR-ENTRY.
///
/// Deliberate difference from texinfo 6.8: with --add-once, texinfo stops
/// writing the dir file where it would have added a second section, which
/// truncates the file; here the rest of the file is kept.
InfoDirUpdate update_info_dir(std::string_view dir_text, std::string_view info_text, std::string_view info_name,
                              const InfoDirOptions& options);

/// Reformats one entry as texinfo does without --no-indent: the description
/// starts at column `calign` - 1, continuation lines at `align` - 1, wrapped at
/// `max_width`. -1 picks texinfo's defaults (33/35, or 49/51 in the section
/// "Individual utilities"; width 79). An entry without a ". " keeps its text.
std::string format_info_entry(const std::string& text, const std::vector<std::string>& sections, int calign,
                              int align, int max_width);

/// Rewrites Debian's legacy `--section REGEX TITLE` as texinfo does, into
/// `--regex=REGEX --section=TITLE --add-once` (TITLE is not taken for a
/// title when it starts with '-' or `is_file(TITLE)`; scanning then stops
/// there, as texinfo's does). `args` includes argv[0]. nullopt: unchanged.
std::optional<std::vector<std::string>> munge_legacy_section(const std::vector<std::string>& args,
                                                             const std::function<bool(const std::string&)>& is_file);

}  // namespace stage
