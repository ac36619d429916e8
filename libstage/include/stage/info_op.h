// info_op: what `install-info` does with its two files, on the host or in the
// stage: reads the Info file (stage-first) and the dir file, compressed or
// not, then rewrites the dir file atomically in its own compression, or, for a
// staged dir file with STAGE_INFO=record, records the entries instead.
//
// Deliberate differences from texinfo 6.8, each where texinfo loses data,
// crashes or misleads (scripts/install-info-differential checks that nothing
// else differs):
//  - The dir file is replaced atomically (temporary file, rename): a failure
//    or a kill never leaves half of it. A host dir file that is a symlink is
//    written through it; its owner is kept where permitted; in a directory we
//    may not write, it is rewritten in place as texinfo does. Hard links to
//    it are not kept. An unchanged dir file is not rewritten.
//  - A failed run changes nothing: texinfo creates a missing dir file (and
//    fills an empty or blank one with its header) before it reads the Info
//    file, even when that then fails.
//  - --add-once (and `--section REGEX TITLE`) never truncates the dir file.
//  - Corrupt or truncated compressed data is an error (texinfo goes on with
//    whatever its decompressor printed, and can write a truncated dir file).
//  - --test with a dir file shorter than 13 bytes: texinfo deletes it, then
//    fails; here it is read as texinfo's header and nothing changes.
//  - An entry without ". " keeps its text (texinfo writes freed memory);
//    --max-width at or below the columns, or --calign=1, format (texinfo
//    crashes or loops).
//  - Messages: an unreadable Info file reports its own errno (texinfo reports
//    the ENOENT of its last ".lzma" try, which misleads); write errors carry
//    the program name (texinfo's perror() has none). A dir file that is a
//    directory gives texinfo's "DIR: empty file" (and --delete's warning).
//  - When the legacy `--section REGEX TITLE` scan stops, texinfo drops the
//    remaining arguments; they are kept.
//  - Names are compared with ASCII case folding (texinfo's follows the locale).
#pragma once

#include <string>
#include <string_view>

#include "stage/info_dir.h"
#include "stage/session.h"

namespace stage {

/// One install-info run.
struct InstallInfoOptions {
  std::string info_file;  ///< INFO-FILE or --info-file, as given
  std::string dir_file;   ///< DIR-FILE, --dir-file, or --info-dir's "DIR/dir", as given
  InfoDirOptions dir;     ///< what to add or remove, and how
  bool quiet = false;     ///< --quiet/--silent: no warnings
  bool debug = false;     ///< --debug: "debug: ..." lines on stdout
  bool test = false;      ///< --test/--dry-run: change nothing
};

/// Runs install-info with texinfo 6.8's messages. Returns false after a fatal
/// error (nothing written, nothing recorded); warnings leave it true.
bool install_info(Session& session, const InstallInfoOptions& options);

/// True when `operand` can be opened for reading (in the stage first), which
/// is texinfo's test of whether `--section REGEX TITLE`'s TITLE is a file.
bool info_operand_exists(Session& session, std::string_view operand);

/// texinfo's usage error: "\tTry `install-info --help' for a complete list of
/// options." on stderr, exit status 1.
[[noreturn]] void info_usage_error();

}  // namespace stage
