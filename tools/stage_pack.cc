// stage-pack: writes a package of the stage (tar, .deb, pacman) with the recorded owners and modes (SPEC "stage-pack").
#include <CLI/CLI.hpp>

#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "stage/cli.h"
#include "stage/config.h"
#include "stage/diag.h"
#include "stage/exports.h"
#include "stage/pack.h"
#include "stage/path_map.h"

int main(int argc, char** argv) {
  stage::diag::set_program("stage-pack");
  stage::diag::set_usage_exit_status(2);
  CLI::App app{"Write a package of the stage (tar, .deb, pacman) with the recorded owners and modes."};
  std::string destdir, db, prefix, output, deb_control, pkginfo;
  std::optional<uint32_t> unknown_id;
  bool strict_ids = false;
  app.add_option("--destdir", destdir, "the staging root (default: $STAGE_DESTDIR, else the current directory)");
  app.add_option("--db", db, "the database (default: $STAGE_DB, else DESTDIR.stagedb)");
  app.add_option("--prefix", prefix, "pack only what lies below this logical path, named relative to it");
  app.add_option("-o,--output", output,
                 "the package: OUT.tar, .tar.gz, .tar.bz2, .tar.xz, .tar.zst, NAME.deb or NAME.pkg.tar.zst")
      ->required();
  app.add_option("--deb-control", deb_control, ".deb: the directory of control files (control, postinst, ...)");
  app.add_option("--pkginfo", pkginfo, ".pkg.tar.zst: the .PKGINFO file");
  app.add_option("--unknown-id", unknown_id,
                 "the id of owners and groups no database knows (default: placeholders from 2000000 up)");
  app.add_flag("--strict-ids", strict_ids, "an owner or group no database knows is an error");
  app.set_version_flag("--version", stage::tool_version_text("stage-pack"), "print the version and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  if (!prefix.empty() && prefix[0] != '/')
    stage::diag::usage_error("--prefix must be an absolute path, not '" + prefix + "'");
  try {
    auto kind = stage::pack_kind_for(output);
    if (!kind)
      throw stage::PackError("cannot tell the format of '" + output +
                             "': name it .tar, .tar.gz, .tar.bz2, .tar.xz, .tar.zst, .deb or .pkg.tar.zst");
    if (*kind == stage::PackKind::Deb && deb_control.empty())
      stage::diag::usage_error("'" + output + "' is a .deb: give its control files with --deb-control DIR");
    if (*kind == stage::PackKind::Pacman && pkginfo.empty())
      stage::diag::usage_error("'" + output + "' is a pacman package: give its .PKGINFO with --pkginfo FILE");
    if (!deb_control.empty() && *kind != stage::PackKind::Deb)
      stage::diag::usage_error("--deb-control is for a .deb, not '" + output + "'");
    if (!pkginfo.empty() && *kind != stage::PackKind::Pacman)
      stage::diag::usage_error("--pkginfo is for a .pkg.tar.zst, not '" + output + "'");
    stage::PackOptions options;
    options.output = output;
    options.prefix = prefix;
    options.deb_control = deb_control;
    options.pkginfo = pkginfo;
    options.clamp_mtime = stage::parse_source_date_epoch(std::getenv("SOURCE_DATE_EPOCH"));

    stage::StageLocation where = stage::find_stage(destdir, db);
    if (stage::path_within(stage::lexical_absolute(output, stage::current_directory()), where.destdir))
      throw stage::PackError("the archive '" + output + "' must not be written inside the stage '" + where.destdir + "'");
    stage::Config config;
    stage::read_target_env(config);
    stage::ExportContext ctx = stage::make_export_context(where.destdir, config);
    ctx.unknown_id = unknown_id;
    ctx.strict_ids = strict_ids;
    // A pacman package's .MTREE carries every file's digest.
    stage::LoadedStage stage = stage::load_stage(ctx, where.db, *kind == stage::PackKind::Pacman);

    // A progress line on a terminal, for stages big enough to wait for.
    bool show = ::isatty(STDERR_FILENO) && stage.listing.entries.size() >= 2000;
    struct timespec last {};
    if (show) {
      options.progress = [&](size_t done, size_t total) {
        struct timespec now;
        ::clock_gettime(CLOCK_MONOTONIC, &now);
        bool final = done == total;
        if (!final && (now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000 < 100) return;
        last = now;
        std::fprintf(stderr, "\rstage-pack: %zu/%zu entries (%zu%%)%s", done, total, total ? done * 100 / total : 100,
                     final ? "\n" : "");
      };
    }
    stage::PackResult result = stage::write_pack(stage.listing.entries, ctx, options);

    for (const auto& w : ctx.warnings) stage::diag::warn(w);
    // As GNU tar: one line per socket, which no archive holds.
    for (const auto& path : result.skipped) stage::diag::warn(path + ": socket ignored");
    size_t untracked = result.untracked;
    if (untracked)
      stage::diag::warn(std::to_string(untracked) + " untracked " + (untracked == 1 ? "entry" : "entries") +
                        " packed with the default owner and on-disk mode (stage-ls --untracked lists them)");
  } catch (const std::runtime_error& e) {
    // ConfigError, StoreError, ExportError, PackError, std::system_error
    // ("PATH: reason"): every one says what went wrong.
    stage::diag::fatal(e.what());
  }
  return 0;
}
