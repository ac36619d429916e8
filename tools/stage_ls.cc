// stage-ls: lists and exports what is staged (SPEC "stage-ls").
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>

#include "stage/cli.h"
#include "stage/config.h"
#include "stage/diag.h"
#include "stage/exports.h"
#include "stage/fakeroot_export.h"
#include "stage/info_export.h"
#include "stage/json_export.h"
#include "stage/listing.h"
#include "stage/mtree_export.h"
#include "stage/package_lists.h"
#include "stage/pacman_export.h"
#include "stage/pack.h"
#include "stage/plist_export.h"
#include "stage/qa_check.h"
#include "stage/run_env.h"
#include "stage/sh_export.h"
#include "stage/store.h"

namespace {

// Writes all of `text` to stdout; a failed write (a closed pipe, a full
// disk) is an error, not a silently short export.
void emit(const std::string& text) {
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(STDOUT_FILENO, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) stage::diag::fatal("write error", errno);
    off += static_cast<size_t>(n);
  }
}

void warn_all(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) stage::diag::warn(w);
}

}  // namespace

int main(int argc, char** argv) {
  stage::diag::set_program("stage-ls");
  stage::diag::set_usage_exit_status(2);
  CLI::App app{"List and export what is staged: the stage on disk joined with its database."};
  std::string destdir, db, format = "ls", prefix = "/usr/pkg";
  std::vector<std::string> paths, config_files;
  bool untracked_only = false, missing_only = false, check = false, strict_ids = false, log = false;
  std::optional<uint32_t> unknown_id;
  app.add_option("--destdir", destdir, "the staging root (default: $STAGE_DESTDIR, else the current directory)");
  app.add_option("--db", db, "the database (default: $STAGE_DB, else DESTDIR.stagedb)");
  app.add_option("--format", format,
                 "ls, mtree, plist, pkgsrc-perms, fakeroot, json, info (manuals install-info recorded, "
                 "STAGE_INFO=record), rpm (%files -f), freebsd (pkg plist), pacman-mtree (.MTREE) or sh (chown/chmod "
                 "commands to run under a packer's fakeroot, e.g. makepkg's)")
      ->check(CLI::IsMember({"ls", "mtree", "plist", "pkgsrc-perms", "fakeroot", "json", "info", "rpm", "freebsd",
                             "pacman-mtree", "sh"}));
  app.add_option("--prefix", prefix, "the package prefix (plist, pkgsrc-perms, rpm, freebsd)")->capture_default_str();
  app.add_option("--config", config_files, "rpm: a logical path to mark %config(noreplace) (repeatable)");
  app.add_flag("--untracked", untracked_only, "only files that reached the stage without stage's tools");
  app.add_flag("--missing", missing_only, "only records whose file is gone (ls or json)");
  app.add_flag("--check", check, "QA report: one line per finding, exit 1 when there are any");
  app.add_flag("--log", log,
               "the audit trail: one line per stage-run (start, end, exit status, user, sandbox, denials, command)");
  app.add_option("--unknown-id", unknown_id,
                 "the id of owners and groups no database knows (default: placeholders from 2000000 up in numeric "
                 "formats, none in mtree)");
  app.add_flag("--strict-ids", strict_ids, "an owner or group no database knows is an error");
  app.add_option("PATH", paths, "logical paths to list (with everything below them)");
  app.set_version_flag("--version", stage::tool_version_text("stage-ls"), "print the version and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (prefix.empty() || prefix[0] != '/') stage::diag::usage_error("--prefix must be an absolute path, not '" + prefix + "'");
  if (missing_only && format != "ls" && format != "json")
    stage::diag::usage_error("--missing lists records whose file is gone: use it with --format ls or json");
  if (check && (missing_only || format != "ls"))
    stage::diag::usage_error("--check is a report of its own: use it without --format and --missing");

  if (log && (check || missing_only || untracked_only || format != "ls" || !paths.empty()))
    stage::diag::usage_error("--log is a report of its own: use it without other options and paths");

  try {
    stage::StageLocation where = stage::find_stage(destdir, db);
    if (log) {
      emit(stage::format_run_log(stage::Store::open(where.db, stage::Store::Access::ReadOnly)->list_runs()));
      return 0;
    }
    stage::Config config;
    stage::read_target_env(config);
    stage::ExportContext ctx = stage::make_export_context(where.destdir, config);
    ctx.unknown_id = unknown_id;
    ctx.strict_ids = strict_ids;
    // Digests only where the format shows them (--check reads content itself).
    bool hash = format == "mtree" || format == "json" || format == "pacman-mtree";
    stage::LoadedStage stage = stage::load_stage(ctx, where.db, hash);

    if (missing_only) {
      auto missing = stage::select_missing(stage.listing.missing, paths);
      std::string out;
      if (format == "json") {
        out = stage::format_json_missing(missing, ctx);
      } else {
        for (const auto& e : missing) out += e.path + '\n';
      }
      emit(out);
      return 0;
    }
    auto entries = stage::select_entries(std::move(stage.listing.entries), paths, untracked_only);
    if (check) {
      auto findings = stage::qa_check(entries, ctx);
      for (auto& f : stage::deletion_findings(stage::select_paths(stage.deletions, paths))) findings.push_back(std::move(f));
      emit(stage::format_findings(findings));
      if (findings.empty()) return 0;
      stage::diag::warn(std::to_string(findings.size()) + (findings.size() == 1 ? " finding" : " findings"));
      return 1;
    }
    if (format == "ls") {
      if (untracked_only) {
        std::string out;
        for (const auto& le : entries) out += le.entry.path + '\n';
        emit(out);
      } else {
        emit(stage::format_ls(entries));
      }
    } else if (format == "mtree") {
      emit(stage::format_mtree(entries, ctx));
    } else if (format == "plist") {
      auto out = stage::format_plist(entries, ctx, prefix);
      warn_all(out.warnings);
      emit(out.text);
    } else if (format == "pkgsrc-perms") {
      auto out = stage::format_pkgsrc_perms(entries, ctx, prefix);
      warn_all(out.warnings);
      emit(out.text);
    } else if (format == "fakeroot") {
      emit(stage::format_fakeroot(entries, ctx));
    } else if (format == "sh") {
      emit(stage::format_sh(entries, ctx));
    } else if (format == "json") {
      emit(stage::format_json(entries, ctx));
    } else if (format == "info") {
      emit(stage::format_info(stage.info));
    } else if (format == "rpm") {
      auto out = stage::format_rpm(entries, ctx, prefix, config_files);
      warn_all(out.warnings);
      emit(out.text);
    } else if (format == "freebsd") {
      auto out = stage::format_freebsd(entries, ctx, prefix);
      warn_all(out.warnings);
      emit(out.text);
    } else if (format == "pacman-mtree") {
      stage::PacmanMtreeOptions options;
      options.clamp_mtime = stage::parse_source_date_epoch(std::getenv("SOURCE_DATE_EPOCH"));
      emit(stage::format_pacman_mtree(entries, ctx, options));
    }
    warn_all(ctx.warnings);
  } catch (const std::runtime_error& e) {
    // ConfigError, StoreError, ExportError, PackError, std::system_error
    // ("PATH: reason"): every one says what went wrong.
    stage::diag::fatal(e.what());
  }
  return 0;
}
