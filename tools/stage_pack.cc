// stage-pack: writes a tar archive of the stage with the recorded owners and modes (SPEC "stage-pack").
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
  CLI::App app{"Write a tar archive of the stage with the recorded owners and modes."};
  std::string destdir, db, prefix, output;
  std::optional<uint32_t> unknown_id;
  app.add_option("--destdir", destdir, "the staging root (default: $STAGE_DESTDIR, else the current directory)");
  app.add_option("--db", db, "the database (default: $STAGE_DB, else DESTDIR.stagedb)");
  app.add_option("--prefix", prefix, "pack only what lies below this logical path, named relative to it");
  app.add_option("-o,--output", output, "the archive: OUT.tar, .tar.gz, .tar.bz2, .tar.xz or .tar.zst")->required();
  app.add_option("--unknown-id", unknown_id, "numeric id for owners and groups no database knows");
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
    if (!stage::compression_for(output))
      throw stage::PackError("cannot tell the format of '" + output +
                             "': name it .tar, .tar.gz, .tar.bz2, .tar.xz or .tar.zst");
    stage::PackOptions options;
    options.output = output;
    options.prefix = prefix;
    options.clamp_mtime = stage::parse_source_date_epoch(std::getenv("SOURCE_DATE_EPOCH"));

    stage::StageLocation where = stage::find_stage(destdir, db);
    if (stage::path_within(stage::lexical_absolute(output, stage::current_directory()), where.destdir))
      throw stage::PackError("the archive '" + output + "' must not be written inside the stage '" + where.destdir + "'");
    stage::Config config;
    stage::read_target_env(config);
    stage::ExportContext ctx = stage::make_export_context(where.destdir, config);
    ctx.unknown_id = unknown_id;
    stage::LoadedStage stage = stage::load_stage(ctx, where.db, false);

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
    stage::write_pack(stage.listing.entries, ctx, options);

    size_t untracked = 0;
    for (const auto& le : stage.listing.entries) untracked += le.untracked;
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
